package dev.chatserver.security;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** {@link RateLimiter} in this process's memory: a timestamp log per key, pruned as it is used. Thread-safe. */
public final class MemoryRateLimiter implements RateLimiter {
    private final Map<String, ArrayDeque<Long>> logs = new ConcurrentHashMap<>();
    private final Clock clock;

    public MemoryRateLimiter(Clock clock) {
        this.clock = clock;
    }

    @Override
    public long tryAcquire(String key, int limit, long windowMs) {
        long now = clock.millis();
        long[] retry = {0};
        logs.compute(key, (k, log) -> {
            ArrayDeque<Long> l = log == null ? new ArrayDeque<>() : log;
            while (!l.isEmpty() && l.peekFirst() <= now - windowMs) {
                l.pollFirst();
            }
            if (l.size() >= limit) {
                retry[0] = Math.max(1, l.peekFirst() + windowMs - now);
            } else {
                l.addLast(now);
            }
            return l;
        });
        if (logs.size() > 100_000) {
            logs.entrySet().removeIf(e -> e.getValue().isEmpty() || e.getValue().peekLast() <= now - 3_600_000);
        }
        return retry[0];
    }

    @Override
    public long retryAfter(String key, int limit, long windowMs) {
        long now = clock.millis();
        long[] retry = {0};
        logs.computeIfPresent(key, (k, l) -> { // under the map's lock for this key, like tryAcquire
            while (!l.isEmpty() && l.peekFirst() <= now - windowMs) {
                l.pollFirst();
            }
            if (l.size() >= limit) {
                retry[0] = Math.max(1, l.peekFirst() + windowMs - now);
            }
            return l;
        });
        return retry[0];
    }

    @Override
    public void reset(String key) {
        logs.remove(key);
    }
}
