package dev.chatserver.chat;

/**
 * Who a socket is (seed 000 identity model).
 *
 * @param token       secret token: the identity itself; never shown to other users
 * @param publicToken public token, shown as {@code user_id}
 * @param username    current display name
 * @param named       true once the user chose the name
 */
public record Identity(String token, String publicToken, String username, boolean named) {

    /** A copy with a chosen name. */
    public Identity renamed(String newName) {
        return new Identity(token, publicToken, newName, true);
    }
}
