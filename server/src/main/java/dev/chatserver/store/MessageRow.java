package dev.chatserver.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * A stored chat message.
 *
 * @param id        ascending id, assigned by the single writer
 * @param room      room code
 * @param token     sender's secret token (never sent to clients)
 * @param publicToken sender's public token (joined from tokens; may be null for old rows)
 * @param username  sender's name at send time
 * @param text      message text (for kind {@code file}: the file name)
 * @param kind      {@code chat}, {@code system}, {@code file}
 * @param senderIp  sender IP
 * @param createdAt epoch ms, UTC
 * @param file      the shared file of a {@code file} message (joined from uploads), else null
 * @param editedAt  epoch ms of the last edit, or null
 * @param deletedAt epoch ms of the deletion (text is then empty), or null
 */
public record MessageRow(long id, String room, String token, String publicToken, String username, String text,
                         String kind, String senderIp, long createdAt, FileRef file, Long editedAt, Long deletedAt) {

    /** A new message without a file (never edited nor deleted). */
    public MessageRow(long id, String room, String token, String publicToken, String username, String text,
                      String kind, String senderIp, long createdAt) {
        this(id, room, token, publicToken, username, text, kind, senderIp, createdAt, null, null, null);
    }

    /** A new message, possibly sharing a file (never edited nor deleted). */
    public MessageRow(long id, String room, String token, String publicToken, String username, String text,
                      String kind, String senderIp, long createdAt, FileRef file) {
        this(id, room, token, publicToken, username, text, kind, senderIp, createdAt, file, null, null);
    }

    /** The shared file's id, or null (bound as {@code :fileId} by the writer). */
    public String fileId() {
        return file == null ? null : file.id();
    }

    /**
     * The file a message shares (issue #5).
     *
     * @param id   upload id (32 hex digits)
     * @param name sanitised original name
     * @param size bytes
     * @param type media type found from the content, e.g. {@code image/png}
     */
    public record FileRef(String id, String name, long size, String type) {
    }

    /**
     * Maps the columns of {@link MessageDao#COLUMNS}: the message, the sender's {@code public_token},
     * {@code file_id, file_name, file_size, file_type} (null when the message has no file) and
     * {@code edited_at, deleted_at}.
     */
    public static final class Mapper implements RowMapper<MessageRow> {
        @Override
        public MessageRow map(ResultSet rs, StatementContext ctx) throws SQLException {
            String fileId = rs.getString("file_id");
            FileRef file = fileId == null ? null
                    : new FileRef(fileId, rs.getString("file_name"), rs.getLong("file_size"), rs.getString("file_type"));
            long edited = rs.getLong("edited_at");
            Long editedAt = rs.wasNull() ? null : edited;
            long deleted = rs.getLong("deleted_at");
            Long deletedAt = rs.wasNull() ? null : deleted;
            return new MessageRow(rs.getLong("id"), rs.getString("room"), rs.getString("token"), rs.getString("public_token"),
                    rs.getString("username"), rs.getString("text"), rs.getString("kind"), rs.getString("sender_ip"),
                    rs.getLong("created_at"), file, editedAt, deletedAt);
        }
    }
}
