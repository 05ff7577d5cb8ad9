package dev.chatserver.realtime;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs tasks one at a time, in submission order, on a shared executor: each socket's events are handled
 * in the order they arrived, off the Netty event loop, without a thread per socket.
 */
public final class SerialExecutor implements Executor {
    private static final int FAIRNESS_BATCH = 64;
    private final Queue<Runnable> tasks = new ArrayDeque<>();
    private final Executor pool;
    private final int maxQueued;
    private boolean running;

    /** @param pool the bounded executor that runs the tasks; @param maxQueued tasks allowed to wait */
    public SerialExecutor(Executor pool, int maxQueued) {
        this.pool = pool;
        this.maxQueued = maxQueued;
    }

    /** @throws RejectedExecutionException when {@code maxQueued} tasks already wait */
    @Override
    public void execute(Runnable task) {
        synchronized (tasks) {
            if (tasks.size() >= maxQueued) {
                throw new RejectedExecutionException("too many queued events");
            }
            tasks.add(task);
            if (running) {
                return;
            }
            running = true;
        }
        try {
            pool.execute(this::drain);
        } catch (RejectedExecutionException e) {
            synchronized (tasks) {
                tasks.remove(task);
                running = false;
            }
            throw e;
        }
    }

    private void drain() {
        for (int done = 0; ; done++) {
            if (done == FAIRNESS_BATCH) {
                try {
                    pool.execute(this::drain); // let other sockets' tasks run; still marked running
                    return;
                } catch (RejectedExecutionException e) {
                    done = 0; // the pool is full: keep draining on this thread
                }
            }
            Runnable next;
            synchronized (tasks) {
                next = tasks.poll();
                if (next == null) {
                    running = false;
                    return;
                }
            }
            try {
                next.run();
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(SerialExecutor.class).error("task failed", e);
            }
        }
    }
}
