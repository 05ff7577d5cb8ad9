package dev.chatserver.auth;

import dev.chatserver.store.UserDao;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Server-side login sessions: a random 256-bit id goes into the HttpOnly cookie, only its SHA-256 is stored,
 * so a stolen database does not yield live sessions and logout/ban revoke at once. Blocking (database).
 */
public final class SessionService {
    /** Cookie name of the login session. */
    public static final String COOKIE = "chat_session";
    private final UserDao users;
    private final Clock clock;
    private final long ttlMs;
    private final SecureRandom random = new SecureRandom();

    /** @param ttlMs session lifetime, ms */
    public SessionService(UserDao users, Clock clock, long ttlMs) {
        this.users = users;
        this.clock = clock;
        this.ttlMs = ttlMs;
    }

    /** A live session: user id and stage ({@code full}, or {@code mfa} while the second factor is pending). */
    public record Session(long userId, String stage, String idHash) {
        public boolean full() {
            return stage.equals("full");
        }
    }

    /**
     * Creates a session. @return the raw id for the cookie (never stored)
     * @param stage {@code full} or {@code mfa}
     */
    public String create(long userId, String stage, String ip) {
        byte[] b = new byte[32];
        random.nextBytes(b);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        long now = clock.millis();
        long ttl = stage.equals("mfa") ? Math.min(ttlMs, 10 * 60_000) : ttlMs;
        users.insertSession(hash(id), userId, stage, ip, now, now + ttl);
        return id;
    }

    /** @return the live session of a raw cookie id */
    public Optional<Session> find(String rawId) {
        if (rawId == null || rawId.isBlank() || rawId.length() > 100) {
            return Optional.empty();
        }
        String h = hash(rawId);
        return users.session(h, clock.millis()).map(s -> {
            int i = s.indexOf(':');
            return new Session(Long.parseLong(s.substring(0, i)), s.substring(i + 1), h);
        });
    }

    /** Deletes a session by its raw id. */
    public void revoke(String rawId) {
        if (rawId != null) {
            users.deleteSession(hash(rawId));
        }
    }

    /**
     * Revokes every session of an account except one (after a password change).
     * @param keepHash the hash of the session to keep, or null for none
     * @return hashes of the revoked sessions (their live sockets should be dropped)
     */
    public java.util.List<String> revokeOthers(long userId, String keepHash) {
        java.util.List<String> revoked = new java.util.ArrayList<>();
        for (String h : users.sessionHashesOf(userId)) {
            if (!h.equals(keepHash)) {
                users.deleteSession(h);
                revoked.add(h);
            }
        }
        return revoked;
    }

    /** SHA-256 of a raw id, hex: the stored form (also how live sockets remember their session). */
    public static String hash(String rawId) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(rawId.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Session lifetime, ms (cookie Max-Age). */
    public long ttlMs() {
        return ttlMs;
    }
}
