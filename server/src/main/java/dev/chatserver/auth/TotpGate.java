package dev.chatserver.auth;

import dev.chatserver.common.ChatException;
import dev.chatserver.security.RateLimiter;
import dev.chatserver.security.SecurityLog;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seed 004's account-less gate: the whole chat sits behind one shared TOTP secret ({@code TOTP_SECRET}, or
 * generated on first start with {@code CHAT_TOTP_GATE=true} and kept in the {@code settings} table). The
 * first visit shows the setup QR code (label {@code TOTP_USER}, issuer {@code TOTP_ISSUER_NAME}) until a
 * first code is accepted; after that every new browser must enter a current code, which is never accepted
 * twice. A passed browser holds a random cookie ({@code chat_gate}, 30 days) whose SHA-256 is stored and
 * mirrored in memory, so the Socket.IO handshake can check it without the database. Wrong codes: 5 per
 * 5 minutes per IP, then 429.
 */
public final class TotpGate {
    /** Cookie name of a passed browser. */
    public static final String COOKIE = "chat_gate";
    /** Lifetime of a pass, ms (30 days). */
    public static final long PASS_TTL_MS = 30L * 24 * 3600 * 1000;
    private static final Logger log = LoggerFactory.getLogger(TotpGate.class);

    private final boolean enabled;
    private final Jdbi jdbi;
    private final TotpService totp;
    private final RateLimiter limiter;
    private final SecurityLog security;
    private final Clock clock;
    private final String user;
    private final String issuer;
    private final String secret;
    private final Map<String, Long> passes = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    /**
     * @param enabled      gate on ({@code TOTP_SECRET} set or {@code CHAT_TOTP_GATE=true})
     * @param configSecret {@code TOTP_SECRET}, or empty to use (or generate) the stored one
     */
    public TotpGate(boolean enabled, String configSecret, String user, String issuer, Jdbi jdbi, TotpService totp,
                    RateLimiter limiter, SecurityLog security, Clock clock) {
        this.enabled = enabled;
        this.jdbi = jdbi;
        this.totp = totp;
        this.limiter = limiter;
        this.security = security;
        this.clock = clock;
        this.user = user;
        this.issuer = issuer;
        if (!enabled) {
            this.secret = null;
            return;
        }
        String s = configSecret;
        if (s == null || s.isBlank()) {
            s = setting("totp_gate_secret");
            if (s == null) {
                s = totp.newSecret();
                put("totp_gate_secret", s);
                log.warn("*** TOTP gate on: a new shared secret was generated and stored. Open the chat once to scan its "
                        + "QR code, or add this secret to your authenticator: {} ***", s);
            }
        }
        this.secret = s.replace(" ", "").toUpperCase(java.util.Locale.ROOT);
        long now = clock.millis();
        jdbi.useHandle(h -> h.createQuery("SELECT id_hash, expires_at FROM gate_passes WHERE expires_at > :now")
                .bind("now", now).map((rs, ctx) -> Map.entry(rs.getString(1), rs.getLong(2)))
                .forEach(e -> passes.put(e.getKey(), e.getValue())));
    }

    /** Whether the gate is on. */
    public boolean enabled() {
        return enabled;
    }

    /** Non-blocking: whether a cookie value is a live pass (always true when the gate is off). */
    public boolean passed(String cookieValue) {
        if (!enabled) {
            return true;
        }
        if (cookieValue == null || cookieValue.isBlank() || cookieValue.length() > 100) {
            return false;
        }
        Long exp = passes.get(SessionService.hash(cookieValue));
        return exp != null && exp > clock.millis();
    }

    /**
     * What the gate page shows: {@code {enabled, setup}} and, until the first code was accepted (seed 004:
     * the first visit sets up the authenticator), {@code qr} (PNG data URI), {@code otpauth} and {@code secret}.
     */
    public Map<String, Object> info() {
        if (!enabled) {
            return Map.of("enabled", false);
        }
        if (setting("totp_gate_setup_done") != null) {
            return Map.of("enabled", true, "setup", false);
        }
        return Map.of("enabled", true, "setup", true, "qr", totp.qrDataUri(secret, user, issuer),
                "otpauth", totp.otpauthUri(secret, user, issuer), "secret", secret);
    }

    /**
     * Checks a code and issues a pass. Blocking (database).
     *
     * @return the raw cookie value
     * @throws ChatException {@code rate_limited} (429) or {@code invalid_code} (401)
     */
    public String pass(String code, String ip) {
        long retry = limiter.retryAfter("gate:ip:" + ip, 5, 5 * 60_000L);
        if (retry > 0) {
            security.event("gate_lockout", ip, null, true);
            throw ChatException.rateLimited(retry);
        }
        OptionalLong step = totp.matchStep(secret, code);
        boolean fresh = step.isPresent() && jdbi.inTransaction(h -> {
            long last = h.createQuery("SELECT value FROM settings WHERE key = 'totp_gate_last_step'").mapTo(Long.class)
                    .findOne().orElse(0L);
            if (step.getAsLong() <= last) {
                return false;
            }
            h.createUpdate("INSERT INTO settings (key, value) VALUES ('totp_gate_last_step', :v) "
                    + "ON CONFLICT (key) DO UPDATE SET value = excluded.value")
                    .bind("v", String.valueOf(step.getAsLong())).execute();
            return true;
        });
        if (!fresh) {
            limiter.tryAcquire("gate:ip:" + ip, 5, 5 * 60_000L);
            security.event(step.isPresent() ? "gate_code_reused" : "gate_failure", ip, null, false);
            throw new ChatException("invalid_code", step.isPresent() ? "that code was already used; wait for the next one"
                    : "wrong code", 401);
        }
        byte[] b = new byte[32];
        random.nextBytes(b);
        String raw = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        long now = clock.millis();
        String hash = SessionService.hash(raw);
        jdbi.useHandle(h -> {
            h.createUpdate("INSERT INTO gate_passes (id_hash, ip, created_at, expires_at) VALUES (:h, :ip, :now, :exp)")
                    .bind("h", hash).bind("ip", ip).bind("now", now).bind("exp", now + PASS_TTL_MS).execute();
            h.execute("INSERT INTO settings (key, value) VALUES ('totp_gate_setup_done', '1') ON CONFLICT DO NOTHING");
        });
        passes.put(hash, now + PASS_TTL_MS);
        return raw;
    }

    private String setting(String key) {
        return jdbi.withHandle(h -> h.createQuery("SELECT value FROM settings WHERE key = :k").bind("k", key)
                .mapTo(String.class).findOne().orElse(null));
    }

    private void put(String key, String value) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO settings (key, value) VALUES (:k, :v) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
                .bind("k", key).bind("v", value).execute());
    }
}
