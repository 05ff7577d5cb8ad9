package dev.chatserver.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The in-memory sliding-window limiter behind messages, logins and uploads (seed 001 limits). */
class MemoryRateLimiterTest {
    /** A clock the test moves by hand. */
    static final class MovableClock extends Clock {
        long now;

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now);
        }
    }

    @Test
    void fivePerFiveMinutesThenWaitUntilTheOldestLeavesTheWindow() {
        MovableClock clock = new MovableClock();
        MemoryRateLimiter limiter = new MemoryRateLimiter(clock);
        for (int i = 0; i < 5; i++) {
            clock.now = 1_000 + i * 10_000L;
            assertEquals(0, limiter.tryAcquire("alice", 5, 300_000), "event " + (i + 1));
        }
        clock.now = 60_000;
        assertEquals(1_000 + 300_000 - 60_000, limiter.tryAcquire("alice", 5, 300_000));
        assertEquals(limiter.retryAfter("alice", 5, 300_000), 1_000 + 300_000 - 60_000, "retryAfter only looks");
        assertEquals(0, limiter.tryAcquire("bob", 5, 300_000), "other keys are not affected");
        clock.now = 301_000;
        assertEquals(0, limiter.tryAcquire("alice", 5, 300_000), "the first event left the window");
        assertTrue(limiter.tryAcquire("alice", 5, 300_000) > 0, "refusals count nothing, and the window is full again");
    }

    @Test
    void resetForgetsAKey() {
        MemoryRateLimiter limiter = new MemoryRateLimiter(new MovableClock());
        assertEquals(0, limiter.tryAcquire("k", 1, 1000));
        assertTrue(limiter.tryAcquire("k", 1, 1000) > 0);
        limiter.reset("k");
        assertEquals(0, limiter.tryAcquire("k", 1, 1000));
    }
}
