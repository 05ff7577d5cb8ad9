package dev.chatserver.admin;

import dev.chatserver.auth.AccountService;
import dev.chatserver.auth.SessionService;
import dev.chatserver.common.ChatException;
import dev.chatserver.security.RateLimiter;
import dev.chatserver.security.SecurityLog;
import dev.chatserver.store.UserRow;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Admin sign-in at {@code /admin}: the configured admin ({@link AdminPassword}), or a registered account with
 * the admin role (seed 001) using its own password and, when it has TOTP, its code. Sessions are separate from
 * chat sessions: cookie {@link #COOKIE} (HttpOnly, SameSite=Strict, short-lived), stored as SHA-256 in
 * {@code admin_sessions} and mirrored in memory, so Netty threads (the {@code /admin} namespace) check them
 * without the database. Failed attempts count toward {@value #ATTEMPTS} per 5 minutes per IP, then
 * {@code rate_limited} (429).
 */
public final class AdminAuth {
    /** The admin session cookie. */
    public static final String COOKIE = "chat_admin";
    static final int ATTEMPTS = 5;
    private static final long WINDOW_MS = 5 * 60_000;

    private final AdminDao dao;
    private final String adminUser;
    private final AdminPassword password;
    private final AccountService accounts;
    private final RateLimiter limiter;
    private final SecurityLog security;
    private final Clock clock;
    private final long ttlMs;
    private final SecureRandom random = new SecureRandom();
    /** SHA-256 of the session id -> session */
    private final Map<String, Admin> live = new ConcurrentHashMap<>();

    /**
     * A signed-in admin.
     *
     * @param name      the configured user name, or the account's user name
     * @param userId    the account id, or null for the configured admin
     * @param idHash    SHA-256 of the session id
     * @param expiresAt epoch ms
     */
    public record Admin(String name, Long userId, String idHash, long expiresAt) {
    }

    /** @param ttlMs session lifetime, ms */
    public AdminAuth(AdminDao dao, String adminUser, AdminPassword password, AccountService accounts, RateLimiter limiter,
                     SecurityLog security, Clock clock, long ttlMs) {
        this.dao = dao;
        this.adminUser = adminUser;
        this.password = password;
        this.accounts = accounts;
        this.limiter = limiter;
        this.security = security;
        this.clock = clock;
        this.ttlMs = ttlMs;
        for (AdminDao.SessionRow r : dao.liveSessions(clock.millis())) {
            live.put(r.idHash(), new Admin(r.admin(), null, r.idHash(), r.expiresAt()));
        }
    }

    /**
     * Checks credentials and opens a session (blocking: hashing, database).
     *
     * @param code TOTP code of an account with two-factor authentication, or null
     * @return the raw session id for the cookie
     * @throws ChatException {@code invalid_credentials} (401), {@code 2fa_required} (401), {@code rate_limited} (429)
     */
    public String login(String user, String pass, String code, String ip) {
        String key = "admin-login:ip:" + ip;
        long retry = limiter.retryAfter(key, ATTEMPTS, WINDOW_MS);
        if (retry > 0) {
            security.event("admin_login_limited", ip, user, true);
            throw ChatException.rateLimited(retry);
        }
        if (user == null || user.isBlank() || pass == null) {
            throw ChatException.badRequest("user name and password are required");
        }
        Admin admin = null;
        if (user.equals(adminUser)) {
            if (password.matches(pass)) {
                admin = new Admin(adminUser, null, null, 0);
            }
        } else {
            try {
                UserRow u = accounts.checkPassword(user, pass, ip);
                if (u.isAdmin()) {
                    if (u.twoFactor()) {
                        if (code == null || code.isBlank()) {
                            throw new ChatException("2fa_required", "enter the code of your authenticator app", 401);
                        }
                        accounts.checkSecondFactor(u, code, ip);
                    }
                    admin = new Admin(u.username(), u.id(), null, 0);
                }
            } catch (ChatException e) {
                if (e.code().equals("rate_limited") || e.code().equals("2fa_required")) {
                    throw e;
                }
            }
        }
        if (admin == null) {
            limiter.tryAcquire(key, ATTEMPTS, WINDOW_MS);
            security.event("admin_login_failed", ip, user, false);
            throw new ChatException("invalid_credentials", "wrong user name or password", 401);
        }
        byte[] b = new byte[32];
        random.nextBytes(b);
        String raw = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        String hash = SessionService.hash(raw);
        long now = clock.millis();
        dao.insertSession(hash, admin.name(), ip, now, now + ttlMs);
        live.put(hash, new Admin(admin.name(), admin.userId(), hash, now + ttlMs));
        security.event("admin_login", ip, admin.name(), false);
        return raw;
    }

    /** The admin of a raw cookie value, if its session is live. Non-blocking. */
    public Optional<Admin> find(String rawId) {
        if (rawId == null || rawId.isBlank() || rawId.length() > 100) {
            return Optional.empty();
        }
        return findHash(SessionService.hash(rawId));
    }

    /** The admin of a session hash, if live. Non-blocking. */
    public Optional<Admin> findHash(String hash) {
        Admin a = live.get(hash);
        if (a == null) {
            return Optional.empty();
        }
        if (a.expiresAt() <= clock.millis()) {
            live.remove(hash, a);
            return Optional.empty();
        }
        return Optional.of(a);
    }

    /** Ends a session (blocking). */
    public void logout(String rawId) {
        if (rawId != null && !rawId.isBlank()) {
            String h = SessionService.hash(rawId);
            live.remove(h);
            dao.deleteSession(h, clock.millis());
        }
    }

    /** Ends every session of an admin name (an account that lost the admin role). Blocking. */
    public void revokeAll(String name) {
        live.values().removeIf(a -> a.name().equals(name));
        dao.deleteSessionsOf(name);
    }

    /** Session lifetime, ms. */
    public long ttlMs() {
        return ttlMs;
    }

    /** The configured admin's user name. */
    public String adminUser() {
        return adminUser;
    }
}
