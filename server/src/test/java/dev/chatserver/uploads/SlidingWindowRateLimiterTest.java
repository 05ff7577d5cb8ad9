package dev.chatserver.uploads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The in-memory limiter: seed 001's 5 uploads per 5 minutes, per key, sliding. */
class SlidingWindowRateLimiterTest {
    @Test
    void fivePerFiveMinutesThenWaitUntilTheOldestExpires() {
        RateLimiter limiter = new SlidingWindowRateLimiter(5, 300_000);
        for (int i = 0; i < 5; i++) {
            assertEquals(0, limiter.tryAcquire("alice", 1_000 + i * 10_000L), "upload " + (i + 1));
        }
        long wait = limiter.tryAcquire("alice", 60_000);
        assertEquals(1_000 + 300_000 - 60_000, wait, "until the first permit leaves the window");
        assertEquals(0, limiter.tryAcquire("bob", 60_000), "other users are not affected");
        assertTrue(limiter.tryAcquire("alice", 300_999) > 0);
        assertEquals(0, limiter.tryAcquire("alice", 301_000), "the first permit left the window");
        assertTrue(limiter.tryAcquire("alice", 301_000) > 0, "refusals take no permit, and the window is full again");
    }

    @Test
    void manyIdleKeysArePruned() {
        SlidingWindowRateLimiter limiter = new SlidingWindowRateLimiter(1, 1000);
        for (int i = 0; i < 20_000; i++) {
            assertEquals(0, limiter.tryAcquire("k" + i, i)); // each key idle after 1 s
        }
        assertEquals(0, limiter.tryAcquire("k19999", 21_000));
    }
}
