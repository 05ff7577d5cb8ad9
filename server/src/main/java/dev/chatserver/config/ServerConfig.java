package dev.chatserver.config;

import java.nio.file.Path;
import java.util.List;

/**
 * Immutable server settings. Built by {@link ConfigLoader}; tests build it with {@link #forTests(Path)}
 * and the {@code with*} copies.
 *
 * @param host            bind address (env {@code HOST})
 * @param port            TCP port, 0 = any free port (env {@code PORT}, seed default 5000)
 * @param dbPath          SQLite file (env {@code CHAT_DB}, seed 000 default {@code chat_app.sqlite3})
 * @param uploadsDir      upload directory (env {@code CHAT_UPLOADS}, seed 000 default {@code uploads/})
 * @param allowedOrigins  origins allowed besides the page's own (env {@code CORS_ALLOWED_ORIGINS});
 *                        an entry without a port allows every port of that scheme and host
 * @param pingIntervalMs  Engine.IO ping interval, ms
 * @param pingTimeoutMs   Engine.IO ping timeout, ms
 * @param messageMaxChars longest chat message, characters (seed 002: 500)
 * @param historyOnJoin   messages sent on join (seed 000: 200)
 * @param maxFrameBytes   largest websocket frame or polling body, bytes
 * @param commitBatchMax  most messages per SQLite transaction (group commit)
 * @param writeQueueMax   bound of the message write queue; beyond it senders get {@code server_busy}
 * @param sqliteSynchronous {@code FULL} or {@code NORMAL}
 * @param blockingThreads threads of the bounded executor for database and file work
 * @param httpBodyMaxBytes largest request body of non-upload HTTP endpoints, bytes
 * @param sessionTtlMs    login session lifetime, ms
 * @param sessionCookieSecure mark the session cookie {@code Secure} (env {@code SESSION_COOKIE_SECURE}; behind TLS)
 * @param allowAnonymous  sockets without a login keep the anonymous token identity (seed 000); else refused
 * @param require2fa      every account must use TOTP (env {@code CHAT_REQUIRE_2FA}; seed 004)
 * @param bcryptCost      bcrypt cost factor (>= 12 in production)
 * @param messagesPerMinute chat messages per user per minute (seed 001: 30)
 * @param loginAttemptsPerFiveMinutes login attempts per IP and per account per 5 minutes (seed 001: 5)
 * @param connectionsPerIp live sockets per IP
 * @param alertWebhookUrl URL that receives critical security events as JSON, or empty
 * @param adminUser       admin panel user name (env {@code CHAT_ADMIN_USER}, seed 000 default {@code root})
 * @param adminPass       admin password in plain text (env {@code CHAT_ADMIN_PASS}, default {@code root}: a loud warning at start)
 * @param adminPassHash   admin password hash, bcrypt or Werkzeug {@code pbkdf2:sha256:<iterations>$<salt>$<hex>}
 *                        (env {@code CHAT_ADMIN_PASS_HASH}); when set, {@code adminPass} is ignored
 * @param adminSessionTtlMs admin session lifetime, ms
 * @param debug           debug logging (env {@code DEBUG}, seeds 001/003 {@code FLASK_DEBUG})
 * @param gate            seed 004's shared TOTP gate ({@code CHAT_TOTP_GATE}, {@code TOTP_SECRET}, {@code TOTP_USER}, {@code TOTP_ISSUER_NAME})
 * @param telegram        Telegram alerts (seed 004 {@code TELEGRAM_BOT_TOKEN}, {@code TELEGRAM_CHAT_ID})
 * @param shutdownTimeoutMs longest a clean shutdown (SIGTERM, {@code close()}) may take, ms: sockets are told
 *                        {@code server_shutdown} and disconnected, queued messages committed, pools closed
 * @param uploads         file sharing limits (issue #5): size, types, pixels, rate, quota, orphan time
 */
public record ServerConfig(
        String host,
        int port,
        Path dbPath,
        Path uploadsDir,
        List<String> allowedOrigins,
        long pingIntervalMs,
        long pingTimeoutMs,
        int messageMaxChars,
        int historyOnJoin,
        int maxFrameBytes,
        int commitBatchMax,
        int writeQueueMax,
        String sqliteSynchronous,
        int blockingThreads,
        int httpBodyMaxBytes,
        long sessionTtlMs,
        boolean sessionCookieSecure,
        boolean allowAnonymous,
        boolean require2fa,
        int bcryptCost,
        int messagesPerMinute,
        int loginAttemptsPerFiveMinutes,
        int connectionsPerIp,
        String alertWebhookUrl,
        String adminUser,
        String adminPass,
        String adminPassHash,
        long adminSessionTtlMs,
        long shutdownTimeoutMs,
        UploadSettings uploads,
        boolean debug,
        TelegramSettings telegram,
        GateSettings gate) {

    /** Settings for a test server: loopback, port 0, database and uploads inside {@code dir}. */
    public static ServerConfig forTests(Path dir) {
        return new ServerConfig("127.0.0.1", 0, dir.resolve("chat.sqlite3"), dir.resolve("uploads"),
                List.of("http://localhost", "http://127.0.0.1"), 25_000, 20_000, 500, 200,
                2 * 1024 * 1024, 256, 20_000, "NORMAL", 4, 65_536,
                7L * 24 * 3600 * 1000, false, true, false, 12, 100_000, 5, 1_000, "", "root", "root", "", 1_800_000, 10_000,
                UploadSettings.DEFAULTS, false, TelegramSettings.NONE, GateSettings.OFF);
    }

    /** A copy with another port (tests restart on the same port). */
    public ServerConfig withPort(int newPort) {
        return new ServerConfig(host, newPort, dbPath, uploadsDir, allowedOrigins, pingIntervalMs, pingTimeoutMs,
                messageMaxChars, historyOnJoin, maxFrameBytes, commitBatchMax, writeQueueMax, sqliteSynchronous,
                blockingThreads, httpBodyMaxBytes, sessionTtlMs, sessionCookieSecure, allowAnonymous, require2fa,
                bcryptCost, messagesPerMinute, loginAttemptsPerFiveMinutes, connectionsPerIp, alertWebhookUrl,
                adminUser, adminPass, adminPassHash, adminSessionTtlMs, shutdownTimeoutMs, uploads, debug, telegram, gate);
    }

    /** A copy with other ping settings, ms. */
    public ServerConfig withPing(long intervalMs, long timeoutMs) {
        return new ServerConfig(host, port, dbPath, uploadsDir, allowedOrigins, intervalMs, timeoutMs,
                messageMaxChars, historyOnJoin, maxFrameBytes, commitBatchMax, writeQueueMax, sqliteSynchronous,
                blockingThreads, httpBodyMaxBytes, sessionTtlMs, sessionCookieSecure, allowAnonymous, require2fa,
                bcryptCost, messagesPerMinute, loginAttemptsPerFiveMinutes, connectionsPerIp, alertWebhookUrl,
                adminUser, adminPass, adminPassHash, adminSessionTtlMs, shutdownTimeoutMs, uploads, debug, telegram, gate);
    }

    /** A copy with other abuse limits (tests of the limits themselves). */
    public ServerConfig withLimits(int newMessagesPerMinute, int newConnectionsPerIp) {
        return new ServerConfig(host, port, dbPath, uploadsDir, allowedOrigins, pingIntervalMs, pingTimeoutMs,
                messageMaxChars, historyOnJoin, maxFrameBytes, commitBatchMax, writeQueueMax, sqliteSynchronous,
                blockingThreads, httpBodyMaxBytes, sessionTtlMs, sessionCookieSecure, allowAnonymous, require2fa,
                bcryptCost, newMessagesPerMinute, loginAttemptsPerFiveMinutes, newConnectionsPerIp, alertWebhookUrl,
                adminUser, adminPass, adminPassHash, adminSessionTtlMs, shutdownTimeoutMs, uploads, debug, telegram, gate);
    }

    /** A copy with other account settings. */
    public ServerConfig withAccounts(boolean newAllowAnonymous, boolean newRequire2fa, String newAlertWebhookUrl) {
        return new ServerConfig(host, port, dbPath, uploadsDir, allowedOrigins, pingIntervalMs, pingTimeoutMs,
                messageMaxChars, historyOnJoin, maxFrameBytes, commitBatchMax, writeQueueMax, sqliteSynchronous,
                blockingThreads, httpBodyMaxBytes, sessionTtlMs, sessionCookieSecure, newAllowAnonymous, newRequire2fa,
                bcryptCost, messagesPerMinute, loginAttemptsPerFiveMinutes, connectionsPerIp, newAlertWebhookUrl,
                adminUser, adminPass, adminPassHash, adminSessionTtlMs, shutdownTimeoutMs, uploads, debug, telegram, gate);
    }

    /** A copy with other admin credentials (tests of the admin login). */
    public ServerConfig withAdmin(String newAdminUser, String newAdminPass, String newAdminPassHash) {
        return new ServerConfig(host, port, dbPath, uploadsDir, allowedOrigins, pingIntervalMs, pingTimeoutMs,
                messageMaxChars, historyOnJoin, maxFrameBytes, commitBatchMax, writeQueueMax, sqliteSynchronous,
                blockingThreads, httpBodyMaxBytes, sessionTtlMs, sessionCookieSecure, allowAnonymous, require2fa,
                bcryptCost, messagesPerMinute, loginAttemptsPerFiveMinutes, connectionsPerIp, alertWebhookUrl,
                newAdminUser, newAdminPass, newAdminPassHash, adminSessionTtlMs, shutdownTimeoutMs, uploads, debug, telegram, gate);

    }

    /** A copy with other upload settings (tests use small limits). */
    public ServerConfig withUploads(UploadSettings newUploads) {
        return new ServerConfig(host, port, dbPath, uploadsDir, allowedOrigins, pingIntervalMs, pingTimeoutMs,
                messageMaxChars, historyOnJoin, maxFrameBytes, commitBatchMax, writeQueueMax, sqliteSynchronous,
                blockingThreads, httpBodyMaxBytes, sessionTtlMs, sessionCookieSecure, allowAnonymous, require2fa,
                bcryptCost, messagesPerMinute, loginAttemptsPerFiveMinutes, connectionsPerIp, alertWebhookUrl,
                adminUser, adminPass, adminPassHash, adminSessionTtlMs, shutdownTimeoutMs, newUploads, debug, telegram, gate);
    }

    /** A copy with another shutdown bound, ms. */
    public ServerConfig withShutdownTimeout(long newShutdownTimeoutMs) {
        return new ServerConfig(host, port, dbPath, uploadsDir, allowedOrigins, pingIntervalMs, pingTimeoutMs,
                messageMaxChars, historyOnJoin, maxFrameBytes, commitBatchMax, writeQueueMax, sqliteSynchronous,
                blockingThreads, httpBodyMaxBytes, sessionTtlMs, sessionCookieSecure, allowAnonymous, require2fa,
                bcryptCost, messagesPerMinute, loginAttemptsPerFiveMinutes, connectionsPerIp, alertWebhookUrl,
                adminUser, adminPass, adminPassHash, adminSessionTtlMs, newShutdownTimeoutMs, uploads, debug, telegram, gate);
    }

    /** A copy with other Telegram alert settings (tests point the API base at a local receiver). */
    public ServerConfig withTelegram(TelegramSettings newTelegram) {
        return new ServerConfig(host, port, dbPath, uploadsDir, allowedOrigins, pingIntervalMs, pingTimeoutMs,
                messageMaxChars, historyOnJoin, maxFrameBytes, commitBatchMax, writeQueueMax, sqliteSynchronous,
                blockingThreads, httpBodyMaxBytes, sessionTtlMs, sessionCookieSecure, allowAnonymous, require2fa,
                bcryptCost, messagesPerMinute, loginAttemptsPerFiveMinutes, connectionsPerIp, alertWebhookUrl,
                adminUser, adminPass, adminPassHash, adminSessionTtlMs, shutdownTimeoutMs, uploads, debug, newTelegram, gate);
    }

    /** A copy with the shared TOTP gate set (tests of seed 004's gate). */
    public ServerConfig withGate(GateSettings newGate) {
        return new ServerConfig(host, port, dbPath, uploadsDir, allowedOrigins, pingIntervalMs, pingTimeoutMs,
                messageMaxChars, historyOnJoin, maxFrameBytes, commitBatchMax, writeQueueMax, sqliteSynchronous,
                blockingThreads, httpBodyMaxBytes, sessionTtlMs, sessionCookieSecure, allowAnonymous, require2fa,
                bcryptCost, messagesPerMinute, loginAttemptsPerFiveMinutes, connectionsPerIp, alertWebhookUrl,
                adminUser, adminPass, adminPassHash, adminSessionTtlMs, shutdownTimeoutMs, uploads, debug, telegram, newGate);
    }
}
