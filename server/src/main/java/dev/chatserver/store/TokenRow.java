package dev.chatserver.store;

/**
 * A row of {@code tokens}: one anonymous identity (seed 000).
 *
 * @param token       secret token (never shown to others)
 * @param publicToken public token, safe to show
 * @param username    current name
 * @param named       true once the user chose the name
 * @param lastIp      last IP seen
 * @param createdAt   epoch ms
 * @param lastSeen    epoch ms
 */
public record TokenRow(String token, String publicToken, String username, boolean named, String lastIp,
                       long createdAt, long lastSeen) {
}
