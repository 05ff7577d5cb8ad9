package dev.chatserver.store;

/**
 * A registered account.
 *
 * @param id           row id
 * @param username     unique (case-insensitive)
 * @param email        optional
 * @param passwordHash bcrypt hash
 * @param token        the chat identity (tokens.token) the account speaks as
 * @param isAdmin      admin role (seed 001)
 * @param prefs        display preferences, a JSON object
 * @param totpSecret   confirmed TOTP secret (base32), or null when 2FA is off
 * @param totpPending  secret offered during setup, or null
 * @param totpLastStep last accepted 30 s step
 * @param createdAt    epoch ms
 */
public record UserRow(long id, String username, String email, String passwordHash, String token, boolean isAdmin,
                      String prefs, String totpSecret, String totpPending, long totpLastStep, long createdAt) {

    /** Whether the account has confirmed two-factor authentication. */
    public boolean twoFactor() {
        return totpSecret != null;
    }
}
