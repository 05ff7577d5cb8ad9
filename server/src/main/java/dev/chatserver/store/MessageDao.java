package dev.chatserver.store;

import java.util.List;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

/**
 * Reads of {@code messages}. Writes go through {@link MessageWriter} (one writer, group commit).
 * Lists are oldest first.
 */
@RegisterRowMapper(MessageRow.Mapper.class)
public interface MessageDao {
    String COLUMNS = "m.id, m.room, m.token, t.public_token, m.username, m.text, m.kind, m.sender_ip, m.created_at, "
            + "m.file_id, u.name AS file_name, u.size AS file_size, u.type AS file_type, m.edited_at, m.deleted_at";
    String FROM = " FROM messages m LEFT JOIN tokens t ON t.token = m.token LEFT JOIN uploads u ON u.id = m.file_id ";

    /** The newest {@code limit} messages of a room, oldest first. */
    @SqlQuery("SELECT * FROM (SELECT " + COLUMNS + FROM + "WHERE m.room = :room ORDER BY m.id DESC LIMIT :limit) AS w ORDER BY id")
    List<MessageRow> latest(@Bind("room") String room, @Bind("limit") int limit);

    /** Messages of a room with id &gt; {@code afterId}, oldest first, at most {@code limit} (reconnect replay). */
    @SqlQuery("SELECT " + COLUMNS + FROM + "WHERE m.room = :room AND m.id > :afterId ORDER BY m.id LIMIT :limit")
    List<MessageRow> after(@Bind("room") String room, @Bind("afterId") long afterId, @Bind("limit") int limit);

    /** The {@code limit} messages of a room just before id {@code beforeId}, oldest first (paging back). */
    @SqlQuery("SELECT * FROM (SELECT " + COLUMNS + FROM + "WHERE m.room = :room AND m.id < :beforeId ORDER BY m.id DESC LIMIT :limit) AS w ORDER BY id")
    List<MessageRow> before(@Bind("room") String room, @Bind("beforeId") long beforeId, @Bind("limit") int limit);

    @SqlQuery("SELECT coalesce(max(id), 0) FROM messages")
    long maxId();

    /** One message by id. */
    @SqlQuery("SELECT " + COLUMNS + FROM + "WHERE m.id = :id")
    java.util.Optional<MessageRow> byId(@Bind("id") long id);

    @SqlQuery("SELECT count(*) FROM messages WHERE room = :room")
    long countInRoom(@Bind("room") String room);
}
