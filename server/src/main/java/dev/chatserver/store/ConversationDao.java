package dev.chatserver.store;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

/**
 * Private-message conversations: rooms whose code starts with {@code dm:} (private, both identities in
 * {@code room_members}), with the other member, the last message and the unread count from {@code read_marks}.
 */
@RegisterConstructorMapper(ConversationDao.Conversation.class)
public interface ConversationDao {
    /** Conversations of a token, most recent first. Unread: others' live messages after the token's read mark. */
    @SqlQuery("""
            SELECT me.room AS room, o.token AS other_token, ot.public_token AS other_public, ot.username AS other_name,
                   (SELECT max(id) FROM messages x WHERE x.room = me.room) AS last_id,
                   (SELECT count(*) FROM messages x WHERE x.room = me.room AND x.token <> :token AND x.deleted_at IS NULL
                      AND x.id > coalesce((SELECT last_read_id FROM read_marks r WHERE r.room = me.room AND r.token = :token), 0)) AS unread
            FROM room_members me
            JOIN room_members o ON o.room = me.room AND o.token <> me.token
            JOIN tokens ot ON ot.token = o.token
            WHERE me.token = :token AND me.room LIKE 'dm:%'
            ORDER BY last_id DESC NULLS LAST LIMIT 200""")
    List<Conversation> of(@Bind("token") String token);

    /** The most recently seen identity with this name: an account's name first, else a chosen anonymous name. */
    @SqlQuery("""
            SELECT token FROM (
              SELECT u.token AS token, 0 AS rank, 0 AS seen FROM users u WHERE lower(u.username) = lower(:name)
              UNION ALL
              SELECT t.token, 1, t.last_seen FROM tokens t WHERE t.named = 1 AND lower(t.username) = lower(:name)) AS named
            ORDER BY rank, seen DESC LIMIT 1""")
    Optional<String> tokenOfName(@Bind("name") String name);

    /**
     * One conversation.
     *
     * @param room        its {@code dm:...} key
     * @param otherToken  the other identity's secret token (never sent to clients)
     * @param otherPublic the other identity's public token
     * @param otherName   its current name
     * @param lastId      newest message id, or null when empty
     * @param unread      messages from the other one after my read mark
     */
    record Conversation(String room, String otherToken, String otherPublic, String otherName, Long lastId, int unread) {
    }
}
