package dev.chatserver.store;

import java.util.List;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Banned tokens (table {@code banned}, seed 000). */
public interface BanDao {

    @SqlUpdate("INSERT OR REPLACE INTO banned (token, reason, created_at) VALUES (:token, :reason, :now)")
    void ban(@Bind("token") String token, @Bind("reason") String reason, @Bind("now") long now);

    /** @return rows removed */
    @SqlUpdate("DELETE FROM banned WHERE token = :token")
    int unban(@Bind("token") String token);

    @SqlQuery("SELECT token FROM banned")
    List<String> allTokens();
}
