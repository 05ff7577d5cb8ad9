package dev.chatserver.store;

/**
 * A stored chat message.
 *
 * @param id        ascending id, assigned by the single writer
 * @param room      room code
 * @param token     sender's secret token (never sent to clients)
 * @param publicToken sender's public token (joined from tokens; may be null for old rows)
 * @param username  sender's name at send time
 * @param text      message text
 * @param kind      {@code chat}, {@code system}, {@code file}
 * @param senderIp  sender IP
 * @param createdAt epoch ms, UTC
 * @param editedAt  epoch ms of the last edit, or null
 * @param deletedAt epoch ms of the deletion (text is then empty), or null
 */
public record MessageRow(long id, String room, String token, String publicToken, String username, String text,
                         String kind, String senderIp, long createdAt, Long editedAt, Long deletedAt) {
    @org.jdbi.v3.core.mapper.reflect.JdbiConstructor
    public MessageRow {
    }

    /** A message never edited nor deleted (new messages). */
    public MessageRow(long id, String room, String token, String publicToken, String username, String text,
                      String kind, String senderIp, long createdAt) {
        this(id, room, token, publicToken, username, text, kind, senderIp, createdAt, null, null);
    }
}
