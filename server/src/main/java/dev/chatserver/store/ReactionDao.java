package dev.chatserver.store;

import java.util.List;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Emoji reactions (table {@code reactions}): one per (message, emoji, user). */
@RegisterConstructorMapper(ReactionDao.Reaction.class)
public interface ReactionDao {
    /** @return 1 when added, 0 when this user already reacted with this emoji */
    @SqlUpdate("INSERT INTO reactions (message_id, emoji, token, created_at) VALUES (:id, :emoji, :token, :now) ON CONFLICT DO NOTHING")
    int add(@Bind("id") long messageId, @Bind("emoji") String emoji, @Bind("token") String token, @Bind("now") long now);

    /** @return 1 when removed, 0 when there was none */
    @SqlUpdate("DELETE FROM reactions WHERE message_id = :id AND emoji = :emoji AND token = :token")
    int remove(@Bind("id") long messageId, @Bind("emoji") String emoji, @Bind("token") String token);

    /** Reactions of one message, oldest first, with the reactor's public token. */
    @SqlQuery("SELECT r.message_id, r.emoji, t.public_token FROM reactions r LEFT JOIN tokens t ON t.token = r.token "
            + "WHERE r.message_id = :id ORDER BY r.created_at, r.rowid")
    List<Reaction> of(@Bind("id") long messageId);

    /** Reactions of a room's messages with id &gt;= {@code fromId} (history), oldest first. */
    @SqlQuery("SELECT r.message_id, r.emoji, t.public_token FROM reactions r JOIN messages m ON m.id = r.message_id "
            + "LEFT JOIN tokens t ON t.token = r.token WHERE m.room = :room AND m.id >= :fromId ORDER BY r.created_at, r.rowid")
    List<Reaction> ofRoom(@Bind("room") String room, @Bind("fromId") long fromId);

    /** One reaction: message, emoji, reactor's public token. */
    record Reaction(long messageId, String emoji, String publicToken) {
    }
}
