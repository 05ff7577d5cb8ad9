package dev.chatserver.config;

/**
 * Logging (seed 004: JSON log lines with file rotation; issue #10). Applied at start by
 * {@code dev.chatserver.ops.LogSetup}.
 *
 * @param format   {@code text} (one readable line per event) or {@code json} (one JSON object per line: time, level,
 *                 logger, thread, message, fields, error); key {@code logFormat}
 * @param file     log file; empty = standard error (the journal under systemd); key {@code logFile}
 * @param maxBytes the file is rotated once it reaches this many bytes (key {@code logMaxBytes})
 * @param maxFiles rotated files kept besides the current one, {@code <file>.1} (newest) to {@code <file>.<maxFiles>}
 *                 (key {@code logMaxFiles}, 1..20)
 * @param level    {@code trace}, {@code debug}, {@code info}, {@code warn}, {@code error} or {@code off} (key
 *                 {@code logLevel}); {@code DEBUG=true} makes it {@code debug}
 */
public record LogSettings(String format, String file, long maxBytes, int maxFiles, String level) {
    /** Text on standard error at INFO (the jar's defaults). */
    public static final LogSettings DEFAULTS = new LogSettings("text", "", 10_485_760L, 5, "info");

    /** Whether lines are JSON objects. */
    public boolean json() {
        return format.equals("json");
    }
}
