package dev.chatserver.security;

/**
 * Sliding-window counters (seed 001 limits: messages, uploads, login attempts). Node-local in memory now;
 * a shared store can implement it for several nodes.
 */
public interface RateLimiter {
    /**
     * Counts one event for a key if the limit allows it.
     *
     * @param key      what is limited, e.g. {@code login:ip:1.2.3.4}
     * @param limit    events allowed per window
     * @param windowMs window length, ms
     * @return 0 when allowed (and counted); otherwise ms until the next event would be allowed (not counted)
     */
    long tryAcquire(String key, int limit, long windowMs);

    /**
     * Whether the next event would be refused, without counting one.
     * @return 0 when allowed; otherwise ms until it would be
     */
    long retryAfter(String key, int limit, long windowMs);

    /** Forgets a key (e.g. after a successful login). */
    void reset(String key);
}
