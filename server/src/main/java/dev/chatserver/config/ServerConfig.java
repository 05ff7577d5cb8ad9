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
        UploadSettings uploads) {

    /** Settings for a test server: loopback, port 0, database and uploads inside {@code dir}. */
    public static ServerConfig forTests(Path dir) {
        return new ServerConfig("127.0.0.1", 0, dir.resolve("chat.sqlite3"), dir.resolve("uploads"),
                List.of("http://localhost", "http://127.0.0.1"), 25_000, 20_000, 500, 200,
                2 * 1024 * 1024, 256, 20_000, "NORMAL", 4, 65_536, UploadSettings.DEFAULTS);
    }

    /** A copy with another port (tests restart on the same port). */
    public ServerConfig withPort(int newPort) {
        return new ServerConfig(host, newPort, dbPath, uploadsDir, allowedOrigins, pingIntervalMs, pingTimeoutMs,
                messageMaxChars, historyOnJoin, maxFrameBytes, commitBatchMax, writeQueueMax, sqliteSynchronous,
                blockingThreads, httpBodyMaxBytes, uploads);
    }

    /** A copy with other ping settings, ms. */
    public ServerConfig withPing(long intervalMs, long timeoutMs) {
        return new ServerConfig(host, port, dbPath, uploadsDir, allowedOrigins, intervalMs, timeoutMs,
                messageMaxChars, historyOnJoin, maxFrameBytes, commitBatchMax, writeQueueMax, sqliteSynchronous,
                blockingThreads, httpBodyMaxBytes, uploads);
    }

    /** A copy with other upload settings (tests use small limits). */
    public ServerConfig withUploads(UploadSettings newUploads) {
        return new ServerConfig(host, port, dbPath, uploadsDir, allowedOrigins, pingIntervalMs, pingTimeoutMs,
                messageMaxChars, historyOnJoin, maxFrameBytes, commitBatchMax, writeQueueMax, sqliteSynchronous,
                blockingThreads, httpBodyMaxBytes, newUploads);
    }
}
