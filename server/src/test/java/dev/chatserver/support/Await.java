package dev.chatserver.support;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition until it holds or a deadline passes (for state without an event to await, e.g. readiness). */
public final class Await {
    private Await() {
    }

    /**
     * @param timeoutMs longest wait, ms
     * @param why       the failure message
     * @throws AssertionError when the condition did not hold in time
     */
    public static void until(BooleanSupplier condition, long timeoutMs, Supplier<String> why) {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(why.get() + " (after " + timeoutMs + " ms)");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000); // poll interval, not a synchronisation
        }
    }
}
