package dev.chatserver.store;

import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;
import org.jdbi.v3.sqlobject.transaction.Transaction;

/**
 * Edits and deletions of stored messages (issue #7), each with a {@code message_audit} row (who, when; never
 * the text). New messages go through {@link MessageWriter}; these small updates run on the blocking executor.
 */
public interface MessageEditDao {
    @SqlUpdate("UPDATE messages SET text = :text, edited_at = :now WHERE id = :id AND deleted_at IS NULL")
    int setText(@Bind("id") long id, @Bind("text") String text, @Bind("now") long now);

    /** Blanks the text: a deleted message's words are gone from the log. */
    @SqlUpdate("UPDATE messages SET text = '', deleted_at = :now WHERE id = :id AND deleted_at IS NULL")
    int markDeleted(@Bind("id") long id, @Bind("now") long now);

    @SqlUpdate("INSERT INTO message_audit (message_id, room, action, actor_token, author_token, at) "
            + "VALUES (:id, :room, :action, :actor, :author, :now)")
    void audit(@Bind("id") long id, @Bind("room") String room, @Bind("action") String action,
               @Bind("actor") String actorToken, @Bind("author") String authorToken, @Bind("now") long now);

    /** Edit + audit in one transaction. @return 1 when edited, 0 when the message is gone or deleted */
    @Transaction
    default int edit(MessageRow m, String actorToken, String text, long now) {
        int n = setText(m.id(), text, now);
        if (n == 1) {
            audit(m.id(), m.room(), "edit", actorToken, m.token(), now);
        }
        return n;
    }

    /** Delete + audit in one transaction. @return 1 when deleted, 0 when already deleted */
    @Transaction
    default int delete(MessageRow m, String actorToken, long now) {
        int n = markDeleted(m.id(), now);
        if (n == 1) {
            audit(m.id(), m.room(), "delete", actorToken, m.token(), now);
        }
        return n;
    }
}
