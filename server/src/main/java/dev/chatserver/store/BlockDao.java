package dev.chatserver.store;

import java.util.List;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** User blocks (table {@code blocks}, seed 001). */
public interface BlockDao {
    @SqlUpdate("INSERT INTO blocks (blocker_token, blocked_token, created_at) VALUES (:blocker, :blocked, :now) ON CONFLICT DO NOTHING")
    int block(@Bind("blocker") String blocker, @Bind("blocked") String blocked, @Bind("now") long now);

    @SqlUpdate("DELETE FROM blocks WHERE blocker_token = :blocker AND blocked_token = :blocked")
    int unblock(@Bind("blocker") String blocker, @Bind("blocked") String blocked);

    /** Every block as {@code blocker + " " + blocked} (tokens contain no spaces). */
    @SqlQuery("SELECT blocker_token || ' ' || blocked_token FROM blocks")
    List<String> all();
}
