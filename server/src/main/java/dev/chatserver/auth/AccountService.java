package dev.chatserver.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chatserver.chat.Usernames;
import dev.chatserver.common.ChatException;
import dev.chatserver.security.RateLimiter;
import dev.chatserver.security.SecurityLog;
import dev.chatserver.store.TokenDao;
import dev.chatserver.store.TokenRow;
import dev.chatserver.store.UserDao;
import dev.chatserver.store.UserRow;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.jdbi.v3.core.Jdbi;

/**
 * Accounts beside the anonymous identity: registration (the first account is admin, seed 001), password
 * login with throttling and no user enumeration, TOTP two-factor with one-time recovery codes (seed 004),
 * profile updates. Blocking (bcrypt, database): blocking executor only.
 */
public final class AccountService {
    /** Shortest password, characters. */
    public static final int MIN_PASSWORD = 10;
    private static final long FIVE_MINUTES = 5 * 60_000L;
    private static final String BASE32 = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    private final Jdbi jdbi;
    private final UserDao users;
    private final TokenDao tokens;
    private final PasswordHasher hasher;
    private final TotpService totp;
    private final RateLimiter limiter;
    private final SecurityLog security;
    private final Clock clock;
    private final int loginAttempts;
    private final SecureRandom random = new SecureRandom();

    /** @param loginAttempts attempts per IP and per account per 5 minutes (seed 001: 5) */
    public AccountService(Jdbi jdbi, PasswordHasher hasher, TotpService totp, RateLimiter limiter, SecurityLog security,
                          Clock clock, int loginAttempts) {
        this.jdbi = jdbi;
        this.users = jdbi.onDemand(UserDao.class);
        this.tokens = jdbi.onDemand(TokenDao.class);
        this.hasher = hasher;
        this.totp = totp;
        this.limiter = limiter;
        this.security = security;
        this.clock = clock;
        this.loginAttempts = loginAttempts;
    }

    /**
     * Creates an account and its chat identity.
     *
     * @return the new account
     * @throws ChatException {@code invalid_username}, {@code weak_password}, {@code username_taken}, {@code bad_request}
     */
    public UserRow register(String rawUsername, String password, String email, String ip) {
        String username = Usernames.validate(rawUsername);
        checkPassword(username, password);
        String mail = validEmail(email);
        String hash = hasher.hash(password);
        return jdbi.inTransaction(h -> {
            UserDao u = h.attach(UserDao.class);
            if (u.byUsername(username).isPresent()) {
                throw new ChatException("username_taken", "that username is taken", 409);
            }
            long now = clock.millis();
            String token = randomToken(32);
            h.attach(TokenDao.class).insert(new TokenRow(token, randomToken(9), username, true, ip, now, now));
            boolean first = u.count() == 0;
            long id = u.insert(username, mail, hash, token, first, now);
            return u.byId(id).orElseThrow();
        });
    }

    /**
     * Checks a password login. Each failed attempt counts against the IP and the account (5 per 5 minutes by
     * default, seed 001); when either is used up, logins are refused until the window moves on (never a
     * permanent lock). An unknown user costs a bcrypt check too and gets the same error as a wrong password.
     *
     * @return the account
     * @throws ChatException {@code rate_limited} (429, with retry_after_ms) or {@code invalid_credentials} (401)
     */
    public UserRow checkPassword(String username, String password, String ip) {
        String name = username == null ? "" : username.strip();
        String ipKey = "login:ip:" + ip;
        String userKey = "login:user:" + name.toLowerCase(java.util.Locale.ROOT);
        long retry = Math.max(limiter.retryAfter(ipKey, loginAttempts, FIVE_MINUTES),
                limiter.retryAfter(userKey, loginAttempts, FIVE_MINUTES));
        if (retry > 0) {
            security.event("login_lockout", ip, name, true);
            throw rateLimited(retry);
        }
        Optional<UserRow> user = name.isEmpty() ? Optional.empty() : users.byUsername(name);
        String pw = password == null ? "" : password;
        boolean ok = user.isPresent() ? hasher.verify(pw, user.get().passwordHash()) : verifyDummy(pw);
        if (!ok) {
            limiter.tryAcquire(ipKey, loginAttempts, FIVE_MINUTES);
            limiter.tryAcquire(userKey, loginAttempts, FIVE_MINUTES);
            security.event("login_failure", ip, name, false);
            throw invalidCredentials();
        }
        limiter.reset("login:user:" + name.toLowerCase(java.util.Locale.ROOT));
        return user.get();
    }

    /**
     * Second factor: a current TOTP code (never one used before) or an unused recovery code. Five wrong
     * codes in 5 minutes -> {@code rate_limited}.
     *
     * @throws ChatException {@code invalid_code} (401) or {@code rate_limited} (429)
     */
    public void checkSecondFactor(UserRow user, String code, String ip) {
        long retry = limiter.tryAcquire("2fa:user:" + user.id(), 5, FIVE_MINUTES);
        if (retry > 0) {
            security.event("2fa_lockout", ip, user.username(), true);
            throw rateLimited(retry);
        }
        String c = code == null ? "" : code.strip();
        OptionalLong step = totp.matchStep(user.totpSecret(), c);
        if (step.isPresent()) {
            if (users.useTotpStep(user.id(), step.getAsLong()) == 1) {
                limiter.reset("2fa:user:" + user.id());
                return;
            }
            security.event("2fa_code_reused", ip, user.username(), false);
            throw new ChatException("invalid_code", "that code was already used; wait for the next one", 401);
        }
        if (c.length() >= 10 && users.useRecoveryCode(user.id(), sha256(normaliseRecovery(c)), clock.millis()) == 1) {
            limiter.reset("2fa:user:" + user.id());
            security.event("2fa_recovery_code_used", ip, user.username(), false);
            return;
        }
        security.event("2fa_failure", ip, user.username(), false);
        throw new ChatException("invalid_code", "wrong code", 401);
    }

    /**
     * Confirms the password of a signed-in user before a sensitive change (counts toward the login limit).
     * @throws ChatException {@code invalid_credentials} (403) or {@code rate_limited}
     */
    public void reauthenticate(UserRow user, String password, String ip) {
        try {
            checkPassword(user.username(), password, ip);
        } catch (ChatException e) {
            if (e.code().equals("invalid_credentials")) {
                throw new ChatException("invalid_credentials", "the password is wrong", 403);
            }
            throw e;
        }
    }

    /**
     * Starts TOTP setup: a new pending secret. @return {@code [secret, qrDataUri, otpauthUri]}
     */
    public String[] startTotp(UserRow user, String issuer) {
        String secret = totp.newSecret();
        users.setTotpPending(user.id(), secret);
        return new String[] {secret, totp.qrDataUri(secret, user.username(), issuer), totp.otpauthUri(secret, user.username(), issuer)};
    }

    /**
     * Confirms TOTP setup with one current code and issues 10 recovery codes (shown once, stored hashed).
     *
     * @return the recovery codes
     * @throws ChatException {@code invalid_code} (400) when the code does not match the pending secret
     */
    public List<String> confirmTotp(UserRow user, String code) {
        OptionalLong step = totp.matchStep(user.totpPending(), code);
        if (user.totpPending() == null || step.isEmpty()) {
            throw new ChatException("invalid_code", "that code does not match; scan the QR code again and retry", 400);
        }
        List<String> codes = new ArrayList<>();
        jdbi.useTransaction(h -> {
            UserDao u = h.attach(UserDao.class);
            u.confirmTotp(user.id(), step.getAsLong());
            u.deleteRecoveryCodes(user.id());
            for (int i = 0; i < 10; i++) {
                String rc = recoveryCode();
                codes.add(rc);
                u.insertRecoveryCode(user.id(), sha256(normaliseRecovery(rc)));
            }
        });
        return codes;
    }

    /**
     * Updates a profile. Changing the password needs the current one.
     *
     * @param prefs display preferences (a JSON object), or null to keep
     * @throws ChatException on invalid fields or a wrong current password
     */
    public UserRow updateProfile(UserRow user, String rawUsername, String email, String newPassword, String currentPassword,
                                 JsonNode prefs, String ip) {
        String username = rawUsername == null || rawUsername.isBlank() ? user.username() : Usernames.validate(rawUsername);
        String mail = email == null ? user.email() : validEmail(email);
        String prefsJson = user.prefs();
        if (prefs != null) {
            if (!prefs.isObject() || prefs.toString().length() > 4096) {
                throw ChatException.badRequest("prefs must be a JSON object under 4 KB");
            }
            prefsJson = prefs.toString();
        }
        String newHash = null;
        if (newPassword != null && !newPassword.isEmpty()) {
            if (currentPassword == null || !hasher.verify(currentPassword, user.passwordHash())) {
                security.event("password_change_failure", ip, user.username(), false);
                throw new ChatException("invalid_credentials", "the current password is wrong", 403);
            }
            checkPassword(username, newPassword);
            newHash = hasher.hash(newPassword);
        }
        String finalPrefs = prefsJson;
        String finalHash = newHash;
        jdbi.useTransaction(h -> { // every check before any write: nothing is half applied
            UserDao u = h.attach(UserDao.class);
            Optional<UserRow> other = u.byUsername(username);
            if (other.isPresent() && other.get().id() != user.id()) {
                throw new ChatException("username_taken", "that username is taken", 409);
            }
            u.updateProfile(user.id(), username, mail, finalPrefs);
            h.attach(TokenDao.class).rename(user.token(), username);
            if (finalHash != null) {
                u.updatePassword(user.id(), finalHash);
            }
        });
        return users.byId(user.id()).orElseThrow();
    }

    /** @return the account, if any */
    public Optional<UserRow> byId(long id) {
        return users.byId(id);
    }

    /** @return the account that speaks as this chat token, if any */
    public Optional<UserRow> byToken(String token) {
        return token == null ? Optional.empty() : users.byToken(token);
    }

    private void checkPassword(String username, String password) {
        if (password == null || password.codePointCount(0, password.length()) < MIN_PASSWORD) {
            throw new ChatException("weak_password", "a password needs at least " + MIN_PASSWORD + " characters");
        }
        if (password.length() > 1000) {
            throw new ChatException("weak_password", "that password is too long");
        }
        if (password.equalsIgnoreCase(username)) {
            throw new ChatException("weak_password", "the password must not be the username");
        }
    }

    private static String validEmail(String email) {
        if (email == null || email.isBlank()) {
            return null;
        }
        String e = email.strip();
        if (e.length() > 254 || !e.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
            throw new ChatException("invalid_email", "that email address does not look right");
        }
        return e;
    }

    private boolean verifyDummy(String password) {
        hasher.verifyDummy(password);
        return false;
    }

    private static ChatException invalidCredentials() {
        return new ChatException("invalid_credentials", "wrong username or password", 401);
    }

    private static ChatException rateLimited(long retryAfterMs) {
        return ChatException.rateLimited(retryAfterMs);
    }

    private String randomToken(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private String recoveryCode() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            if (i == 4 || i == 8) {
                sb.append('-');
            }
            sb.append(BASE32.charAt(random.nextInt(BASE32.length())));
        }
        return sb.toString();
    }

    private static String normaliseRecovery(String code) {
        return code.replace("-", "").replace(" ", "").toUpperCase(java.util.Locale.ROOT);
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
