package dev.chatserver.uploads;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link RateLimiter} in this process's memory: per key, the times of the permits taken within the window
 * (each key updated atomically). Memory is bounded by the keys active in the last window; idle keys are
 * dropped as the map grows.
 */
public final class SlidingWindowRateLimiter implements RateLimiter {
    private static final int PRUNE_AT = 10_000;
    private final int limit;
    private final long windowMs;
    private final Map<String, ArrayDeque<Long>> taken = new ConcurrentHashMap<>();

    /** @param limit permits per window; @param windowMs window length, ms */
    public SlidingWindowRateLimiter(int limit, long windowMs) {
        this.limit = limit;
        this.windowMs = windowMs;
    }

    @Override
    public long tryAcquire(String key, long nowMs) {
        if (taken.size() > PRUNE_AT) {
            prune(nowMs);
        }
        long[] wait = {0};
        taken.compute(key, (k, times) -> {
            ArrayDeque<Long> t = times == null ? new ArrayDeque<>() : times;
            while (!t.isEmpty() && t.peekFirst() <= nowMs - windowMs) {
                t.removeFirst();
            }
            if (t.size() >= limit) {
                wait[0] = Math.max(1, t.peekFirst() + windowMs - nowMs);
            } else {
                t.addLast(nowMs);
            }
            return t;
        });
        return wait[0];
    }

    private void prune(long nowMs) {
        for (String key : List.copyOf(taken.keySet())) {
            taken.computeIfPresent(key, (k, t) -> t.isEmpty() || t.peekLast() <= nowMs - windowMs ? null : t);
        }
    }
}
