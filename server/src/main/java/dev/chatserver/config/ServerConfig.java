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
 * @param retention       automatic deletion of old messages (seed 001): global max age and count per room, run interval, batch size
 * @param trustedProxies  reverse proxies (IPs or CIDR blocks, env {@code CHAT_TRUSTED_PROXIES}) whose {@code X-Forwarded-For} names the client; empty = none
 * @param logging         logging (seed 004): text or JSON lines, stderr or a size-rotated file, level
 * @param database        PostgreSQL instead of the SQLite file (issue #11; {@link DatabaseSettings#SQLITE}: the file)
 * @param cluster         several nodes through Redis (issue #11, {@code CHAT_REDIS_URL}, {@code CHAT_NODE_ID});
 *                        {@link ClusterSettings#OFF} by default
 * @param connections     TCP connections per IP and slow-HTTP timeouts (issue #9)
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
        GateSettings gate,
        RetentionSettings retention,
        List<String> trustedProxies,
        LogSettings logging,
        DatabaseSettings database,
        ClusterSettings cluster,
        ConnectionSettings connections) {

    /** Settings for a test server: loopback, port 0, database and uploads inside {@code dir}. */
    public static ServerConfig forTests(Path dir) {
        return new ServerConfig("127.0.0.1", 0, dir.resolve("chat.sqlite3"), dir.resolve("uploads"),
                List.of("http://localhost", "http://127.0.0.1"), 25_000, 20_000, 500, 200,
                2 * 1024 * 1024, 256, 20_000, "NORMAL", 4, 65_536,
                7L * 24 * 3600 * 1000, false, true, false, 12, 100_000, 5, 1_000, "", "root", "root", "", 1_800_000, 10_000,
                UploadSettings.DEFAULTS, false, TelegramSettings.NONE, GateSettings.OFF, RetentionSettings.OFF, List.of(), LogSettings.DEFAULTS,
                DatabaseSettings.SQLITE, ClusterSettings.OFF,
                ConnectionSettings.DEFAULTS);
    }

    /** A copy with another port (tests restart on the same port). */
    public ServerConfig withPort(int newPort) {
        return toBuilder().port(newPort).build();
    }

    /** A copy with other ping settings, ms. */
    public ServerConfig withPing(long intervalMs, long timeoutMs) {
        return toBuilder().pingIntervalMs(intervalMs).pingTimeoutMs(timeoutMs).build();
    }

    /** A copy with other abuse limits (tests of the limits themselves). */
    public ServerConfig withLimits(int newMessagesPerMinute, int newConnectionsPerIp) {
        return toBuilder().messagesPerMinute(newMessagesPerMinute).connectionsPerIp(newConnectionsPerIp).build();
    }

    /** A copy with other account settings. */
    public ServerConfig withAccounts(boolean newAllowAnonymous, boolean newRequire2fa, String newAlertWebhookUrl) {
        return toBuilder().allowAnonymous(newAllowAnonymous).require2fa(newRequire2fa).alertWebhookUrl(newAlertWebhookUrl).build();
    }

    /** A copy with other admin credentials (tests of the admin login). */
    public ServerConfig withAdmin(String newAdminUser, String newAdminPass, String newAdminPassHash) {
        return toBuilder().adminUser(newAdminUser).adminPass(newAdminPass).adminPassHash(newAdminPassHash).build();
    }

    /** A copy with other upload settings (tests use small limits). */
    public ServerConfig withUploads(UploadSettings newUploads) {
        return toBuilder().uploads(newUploads).build();
    }

    /** A copy with another shutdown bound, ms. */
    public ServerConfig withShutdownTimeout(long newShutdownTimeoutMs) {
        return toBuilder().shutdownTimeoutMs(newShutdownTimeoutMs).build();
    }

    /** A copy with other Telegram alert settings (tests point the API base at a local receiver). */
    public ServerConfig withTelegram(TelegramSettings newTelegram) {
        return toBuilder().telegram(newTelegram).build();
    }

    /** A copy using another database (tests run on PostgreSQL with {@code DatabaseSettings.postgres(url, ...)}). */
    public ServerConfig withDatabase(DatabaseSettings newDatabase) {
        return toBuilder().database(newDatabase).build();
    }

    /** A copy with the shared TOTP gate set (tests of seed 004's gate). */
    public ServerConfig withGate(GateSettings newGate) {
        return toBuilder().gate(newGate).build();
    }

    /** A copy that joins a cluster through Redis (tests of several nodes). */
    public ServerConfig withCluster(ClusterSettings newCluster) {
        return toBuilder().cluster(newCluster).build();
    }

    /** A builder holding this config's values, to change a few (the {@code with*} copies use it). */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.host = host;
        b.port = port;
        b.dbPath = dbPath;
        b.uploadsDir = uploadsDir;
        b.allowedOrigins = allowedOrigins;
        b.pingIntervalMs = pingIntervalMs;
        b.pingTimeoutMs = pingTimeoutMs;
        b.messageMaxChars = messageMaxChars;
        b.historyOnJoin = historyOnJoin;
        b.maxFrameBytes = maxFrameBytes;
        b.commitBatchMax = commitBatchMax;
        b.writeQueueMax = writeQueueMax;
        b.sqliteSynchronous = sqliteSynchronous;
        b.blockingThreads = blockingThreads;
        b.httpBodyMaxBytes = httpBodyMaxBytes;
        b.sessionTtlMs = sessionTtlMs;
        b.sessionCookieSecure = sessionCookieSecure;
        b.allowAnonymous = allowAnonymous;
        b.require2fa = require2fa;
        b.bcryptCost = bcryptCost;
        b.messagesPerMinute = messagesPerMinute;
        b.loginAttemptsPerFiveMinutes = loginAttemptsPerFiveMinutes;
        b.connectionsPerIp = connectionsPerIp;
        b.alertWebhookUrl = alertWebhookUrl;
        b.adminUser = adminUser;
        b.adminPass = adminPass;
        b.adminPassHash = adminPassHash;
        b.adminSessionTtlMs = adminSessionTtlMs;
        b.shutdownTimeoutMs = shutdownTimeoutMs;
        b.uploads = uploads;
        b.debug = debug;
        b.telegram = telegram;
        b.gate = gate;
        b.retention = retention;
        b.trustedProxies = trustedProxies;
        b.logging = logging;
        b.database = database;
        b.cluster = cluster;
        b.connections = connections;
        return b;
    }

    /** Mutable holder of every component; {@link #build()} makes the record. */
    public static final class Builder {
        private String host;
        private int port;
        private Path dbPath;
        private Path uploadsDir;
        private List<String> allowedOrigins;
        private long pingIntervalMs;
        private long pingTimeoutMs;
        private int messageMaxChars;
        private int historyOnJoin;
        private int maxFrameBytes;
        private int commitBatchMax;
        private int writeQueueMax;
        private String sqliteSynchronous;
        private int blockingThreads;
        private int httpBodyMaxBytes;
        private long sessionTtlMs;
        private boolean sessionCookieSecure;
        private boolean allowAnonymous;
        private boolean require2fa;
        private int bcryptCost;
        private int messagesPerMinute;
        private int loginAttemptsPerFiveMinutes;
        private int connectionsPerIp;
        private String alertWebhookUrl;
        private String adminUser;
        private String adminPass;
        private String adminPassHash;
        private long adminSessionTtlMs;
        private long shutdownTimeoutMs;
        private UploadSettings uploads;
        private boolean debug;
        private TelegramSettings telegram;
        private GateSettings gate;
        private RetentionSettings retention;
        private List<String> trustedProxies;
        private LogSettings logging;
        private DatabaseSettings database;
        private ClusterSettings cluster = ClusterSettings.OFF;
        private ConnectionSettings connections;

        private Builder() {
        }

        public Builder host(String value) {
            this.host = value;
            return this;
        }

        public Builder port(int value) {
            this.port = value;
            return this;
        }

        public Builder dbPath(Path value) {
            this.dbPath = value;
            return this;
        }

        public Builder uploadsDir(Path value) {
            this.uploadsDir = value;
            return this;
        }

        public Builder allowedOrigins(List<String> value) {
            this.allowedOrigins = value;
            return this;
        }

        public Builder pingIntervalMs(long value) {
            this.pingIntervalMs = value;
            return this;
        }

        public Builder pingTimeoutMs(long value) {
            this.pingTimeoutMs = value;
            return this;
        }

        public Builder messageMaxChars(int value) {
            this.messageMaxChars = value;
            return this;
        }

        public Builder historyOnJoin(int value) {
            this.historyOnJoin = value;
            return this;
        }

        public Builder maxFrameBytes(int value) {
            this.maxFrameBytes = value;
            return this;
        }

        public Builder commitBatchMax(int value) {
            this.commitBatchMax = value;
            return this;
        }

        public Builder writeQueueMax(int value) {
            this.writeQueueMax = value;
            return this;
        }

        public Builder sqliteSynchronous(String value) {
            this.sqliteSynchronous = value;
            return this;
        }

        public Builder blockingThreads(int value) {
            this.blockingThreads = value;
            return this;
        }

        public Builder httpBodyMaxBytes(int value) {
            this.httpBodyMaxBytes = value;
            return this;
        }

        public Builder sessionTtlMs(long value) {
            this.sessionTtlMs = value;
            return this;
        }

        public Builder sessionCookieSecure(boolean value) {
            this.sessionCookieSecure = value;
            return this;
        }

        public Builder allowAnonymous(boolean value) {
            this.allowAnonymous = value;
            return this;
        }

        public Builder require2fa(boolean value) {
            this.require2fa = value;
            return this;
        }

        public Builder bcryptCost(int value) {
            this.bcryptCost = value;
            return this;
        }

        public Builder messagesPerMinute(int value) {
            this.messagesPerMinute = value;
            return this;
        }

        public Builder loginAttemptsPerFiveMinutes(int value) {
            this.loginAttemptsPerFiveMinutes = value;
            return this;
        }

        public Builder connectionsPerIp(int value) {
            this.connectionsPerIp = value;
            return this;
        }

        public Builder alertWebhookUrl(String value) {
            this.alertWebhookUrl = value;
            return this;
        }

        public Builder adminUser(String value) {
            this.adminUser = value;
            return this;
        }

        public Builder adminPass(String value) {
            this.adminPass = value;
            return this;
        }

        public Builder adminPassHash(String value) {
            this.adminPassHash = value;
            return this;
        }

        public Builder adminSessionTtlMs(long value) {
            this.adminSessionTtlMs = value;
            return this;
        }

        public Builder shutdownTimeoutMs(long value) {
            this.shutdownTimeoutMs = value;
            return this;
        }

        public Builder uploads(UploadSettings value) {
            this.uploads = value;
            return this;
        }

        public Builder debug(boolean value) {
            this.debug = value;
            return this;
        }

        public Builder telegram(TelegramSettings value) {
            this.telegram = value;
            return this;
        }

        public Builder gate(GateSettings value) {
            this.gate = value;
            return this;
        }

        public Builder retention(RetentionSettings value) {
            this.retention = value;
            return this;
        }

        public Builder trustedProxies(List<String> value) {
            this.trustedProxies = value;
            return this;
        }

        public Builder logging(LogSettings value) {
            this.logging = value;
            return this;
        }

        public Builder cluster(ClusterSettings value) {
            this.cluster = value;
            return this;
        }

        public Builder database(DatabaseSettings value) {
            this.database = value;
            return this;
        }

        public Builder connections(ConnectionSettings value) {
            this.connections = value;
            return this;
        }

        /** @return the config with the values set */
        public ServerConfig build() {
            return new ServerConfig(host, port, dbPath, uploadsDir, allowedOrigins, pingIntervalMs, pingTimeoutMs, messageMaxChars, historyOnJoin, maxFrameBytes, commitBatchMax, writeQueueMax, sqliteSynchronous, blockingThreads, httpBodyMaxBytes, sessionTtlMs, sessionCookieSecure, allowAnonymous, require2fa, bcryptCost, messagesPerMinute, loginAttemptsPerFiveMinutes, connectionsPerIp, alertWebhookUrl, adminUser, adminPass, adminPassHash, adminSessionTtlMs, shutdownTimeoutMs, uploads, debug, telegram, gate, retention, trustedProxies, logging, database, cluster, connections);
        }
    }
}
