package dev.chatserver.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** SerialExecutor: per-socket order, no concurrency within a socket, parallelism across sockets, the maxQueued bound. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class SerialExecutorTest {
    private static final long WAIT_S = 10;
    private final ExecutorService pool = Executors.newFixedThreadPool(4);

    @AfterEach
    void stop() throws InterruptedException {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(WAIT_S, TimeUnit.SECONDS));
    }

    @Test
    void tasksRunInSubmissionOrder() throws InterruptedException {
        SerialExecutor serial = new SerialExecutor(pool, 10_000);
        List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(1);
        int n = 1_000; // more than one fairness batch, so the drain is handed back to the pool several times
        for (int i = 0; i < n; i++) {
            int task = i;
            serial.execute(() -> ran.add(task));
        }
        serial.execute(done::countDown);
        assertTrue(done.await(WAIT_S, TimeUnit.SECONDS));
        assertEquals(IntStream.range(0, n).boxed().toList(), ran);
    }

    @Test
    void oneSocketsTasksNeverRunConcurrently() throws InterruptedException {
        int sockets = 8;
        int tasksEach = 300;
        AtomicInteger violations = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(sockets * tasksEach);
        List<Thread> submitters = new ArrayList<>();
        for (int s = 0; s < sockets; s++) {
            SerialExecutor serial = new SerialExecutor(pool, 10_000);
            AtomicInteger active = new AtomicInteger();
            // Submit from two threads per socket, as Netty's event loop and the dispatcher may.
            for (int t = 0; t < 2; t++) {
                submitters.add(new Thread(() -> {
                    for (int i = 0; i < tasksEach / 2; i++) {
                        serial.execute(() -> {
                            if (active.incrementAndGet() != 1) {
                                violations.incrementAndGet();
                            }
                            for (int spin = 0; spin < 200; spin++) {
                                Thread.onSpinWait();
                            }
                            active.decrementAndGet();
                            done.countDown();
                        });
                    }
                }));
            }
        }
        submitters.forEach(Thread::start);
        for (Thread t : submitters) {
            t.join(TimeUnit.SECONDS.toMillis(WAIT_S));
        }
        assertTrue(done.await(WAIT_S, TimeUnit.SECONDS), "every task ran");
        assertEquals(0, violations.get(), "tasks of one socket overlapped");
    }

    @Test
    void differentSocketsRunInParallel() throws InterruptedException {
        SerialExecutor a = new SerialExecutor(pool, 10);
        SerialExecutor b = new SerialExecutor(pool, 10);
        CountDownLatch bRan = new CountDownLatch(1);
        CountDownLatch aSawB = new CountDownLatch(1);
        a.execute(() -> {
            try {
                if (bRan.await(WAIT_S, TimeUnit.SECONDS)) {
                    aSawB.countDown();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        b.execute(bRan::countDown);
        assertTrue(aSawB.await(WAIT_S, TimeUnit.SECONDS), "a blocked task of one socket does not hold up another socket");
    }

    @Test
    void refusesBeyondMaxQueuedWhileATaskRuns() throws InterruptedException {
        SerialExecutor serial = new SerialExecutor(pool, 3);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        serial.execute(() -> {
            started.countDown();
            try {
                release.await(WAIT_S, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ran.incrementAndGet();
        });
        assertTrue(started.await(WAIT_S, TimeUnit.SECONDS));
        for (int i = 0; i < 3; i++) {
            serial.execute(ran::incrementAndGet); // the running task does not count: three may wait
        }
        assertThrows(RejectedExecutionException.class, () -> serial.execute(ran::incrementAndGet));

        CountDownLatch drained = new CountDownLatch(1);
        release.countDown();
        // Once the queue drains, tasks are accepted again.
        awaitAccepted(serial, drained::countDown);
        assertTrue(drained.await(WAIT_S, TimeUnit.SECONDS));
        assertEquals(4, ran.get(), "the refused task never ran");
    }

    /** Retries a submission that may be refused while the queue is still full (time-bound). */
    private static void awaitAccepted(SerialExecutor serial, Runnable task) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        while (true) {
            try {
                serial.execute(task);
                return;
            } catch (RejectedExecutionException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.onSpinWait();
            }
        }
    }

    @Test
    void aFailingTaskDoesNotStopTheNextOnes() throws InterruptedException {
        SerialExecutor serial = new SerialExecutor(pool, 10);
        CountDownLatch next = new CountDownLatch(1);
        serial.execute(() -> {
            throw new IllegalStateException("expected by SerialExecutorTest");
        });
        serial.execute(next::countDown);
        assertTrue(next.await(WAIT_S, TimeUnit.SECONDS));
    }

    @Test
    void aPoolThatRefusesOnceDoesNotLeaveTheExecutorStuck() throws InterruptedException {
        java.util.concurrent.atomic.AtomicBoolean refuseNext = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.Executor flaky = task -> {
            if (refuseNext.getAndSet(false)) {
                throw new java.util.concurrent.RejectedExecutionException("full");
            }
            pool.execute(task);
        };
        SerialExecutor serial = new SerialExecutor(flaky, 10);
        org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.RejectedExecutionException.class, () -> serial.execute(() -> { }));
        java.util.concurrent.CountDownLatch ran = new java.util.concurrent.CountDownLatch(1);
        serial.execute(ran::countDown);
        org.junit.jupiter.api.Assertions.assertTrue(ran.await(WAIT_S, java.util.concurrent.TimeUnit.SECONDS), "the next task still runs");
    }
}
