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
 */
public record MessageRow(long id, String room, String token, String publicToken, String username, String text,
                         String kind, String senderIp, long createdAt) {
}
