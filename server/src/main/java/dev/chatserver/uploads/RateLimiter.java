package dev.chatserver.uploads;

/**
 * Counts actions per key in a sliding window (seed 001: "File uploads: 5 per 5 minutes per user"). An
 * interface so that a several-node deployment can keep the counters in Redis (architecture: no node-local
 * state a second node would need).
 */
public interface RateLimiter {
    /**
     * Takes one permit for {@code key} if fewer than the limit were taken in the window ending now.
     *
     * @param key   who acts (here: the uploader's secret token)
     * @param nowMs epoch ms
     * @return 0 when the permit was taken; otherwise ms until the oldest permit in the window expires (&gt; 0)
     */
    long tryAcquire(String key, long nowMs);
}
