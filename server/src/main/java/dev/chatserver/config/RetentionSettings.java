package dev.chatserver.config;

/**
 * Automatic deletion of old messages (seed 001 "automatic cleanup of old messages"; issue #10). Off by default:
 * with both limits 0 and no per-room override nothing is ever deleted. A room's override (admin API
 * {@code POST /admin/api/retention}) replaces the global value of that limit for that room.
 *
 * @param maxAgeDays  messages older than this many days are deleted; 0 = no age limit (key {@code retentionMaxAgeDays})
 * @param maxPerRoom  only the newest this many messages of each room are kept; 0 = no count limit
 *                    (key {@code retentionMaxPerRoom})
 * @param intervalMs  ms between two runs of the job (key {@code retentionIntervalMs}); the first run comes one
 *                    interval after the start
 * @param batchSize   messages deleted per transaction (key {@code retentionBatchSize}), so the message writer
 *                    never waits long for the database
 */
public record RetentionSettings(int maxAgeDays, int maxPerRoom, long intervalMs, int batchSize) {
    /** Nothing deleted (the defaults of the jar's config.properties). */
    public static final RetentionSettings OFF = new RetentionSettings(0, 0, 3_600_000L, 500);

    /** A copy with other global limits (0 = none). */
    public RetentionSettings withLimits(int newMaxAgeDays, int newMaxPerRoom) {
        return new RetentionSettings(newMaxAgeDays, newMaxPerRoom, intervalMs, batchSize);
    }

    /** A copy with another batch size, messages per transaction. */
    public RetentionSettings withBatchSize(int newBatchSize) {
        return new RetentionSettings(maxAgeDays, maxPerRoom, intervalMs, newBatchSize);
    }
}
