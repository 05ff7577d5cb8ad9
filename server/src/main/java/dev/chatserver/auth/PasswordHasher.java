package dev.chatserver.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.nio.charset.StandardCharsets;

/**
 * bcrypt (at.favre) for account passwords. Slow by design (~250 ms at cost 12): call it on the blocking
 * executor, never on a Netty thread.
 */
public final class PasswordHasher {
    /** Passwords over bcrypt's 72 bytes are pre-hashed with SHA-512 instead of being cut or refused. */
    private static final at.favre.lib.crypto.bcrypt.LongPasswordStrategy LONG =
            at.favre.lib.crypto.bcrypt.LongPasswordStrategies.hashSha512(BCrypt.Version.VERSION_2A);
    private final int cost;
    /** A real hash of a random password: unknown users are checked against it, so they cost the same time. */
    private final String dummyHash;

    /** @param cost bcrypt cost factor (>= 12 in production) */
    public PasswordHasher(int cost) {
        this.cost = cost;
        this.dummyHash = hash(java.util.UUID.randomUUID().toString());
    }

    /** @return a {@code $2a$} bcrypt hash */
    public String hash(String password) {
        return BCrypt.with(LONG).hashToString(cost, password.toCharArray());
    }

    /** @return whether the password matches; a malformed hash is a mismatch */
    public boolean verify(String password, String hash) {
        try {
            return BCrypt.verifyer(BCrypt.Version.VERSION_2A, LONG).verify(password.getBytes(StandardCharsets.UTF_8), hash.getBytes(StandardCharsets.UTF_8)).verified;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Burns the same time as a real check (no user enumeration by timing). */
    public void verifyDummy(String password) {
        verify(password, dummyHash);
    }
}
