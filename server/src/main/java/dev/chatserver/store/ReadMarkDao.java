package dev.chatserver.store;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Read receipts (table {@code read_marks}): the last message id each identity read in each room. */
@RegisterConstructorMapper(ReadMarkDao.Mark.class)
public interface ReadMarkDao {
    /** Moves a mark forward only (a late, older receipt never moves it back). */
    @SqlUpdate("INSERT INTO read_marks (room, token, last_read_id, updated_at) VALUES (:room, :token, :id, :now) "
            + "ON CONFLICT (room, token) DO UPDATE SET last_read_id = CASE WHEN excluded.last_read_id > read_marks.last_read_id "
            + "THEN excluded.last_read_id ELSE read_marks.last_read_id END, "
            + "updated_at = excluded.updated_at")
    void mark(@Bind("room") String room, @Bind("token") String token, @Bind("id") long messageId, @Bind("now") long now);

    @SqlQuery("SELECT last_read_id FROM read_marks WHERE room = :room AND token = :token")
    Optional<Long> of(@Bind("room") String room, @Bind("token") String token);

    /** Everyone's marks in a room, with public token and current name. */
    @SqlQuery("SELECT t.public_token, t.username, r.last_read_id FROM read_marks r JOIN tokens t ON t.token = r.token "
            + "WHERE r.room = :room ORDER BY r.last_read_id DESC LIMIT 200")
    List<Mark> ofRoom(@Bind("room") String room);

    /** One reader's mark: public token, name, last read id. */
    record Mark(String publicToken, String username, long lastReadId) {
    }
}
