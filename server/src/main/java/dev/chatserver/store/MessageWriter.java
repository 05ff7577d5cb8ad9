package dev.chatserver.store;

import dev.chatserver.common.ChatException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer of {@code messages}: a queue drained by one thread that inserts up to
 * {@code batchMax} messages per transaction (group commit) and completes each message's future only after
 * its transaction committed ("acked means stored"). Ids are assigned here, ascending, so every room's
 * messages are committed and completed in id order.
 *
 * <p>Futures complete on the writer thread in id order; callers that fan out should hop to one
 * ordered executor.
 */
public final class MessageWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MessageWriter.class);

    private final Jdbi jdbi;
    private final int batchMax;
    private final BlockingQueue<Pending> queue;
    private final Thread thread;
    private final AtomicLong commits = new AtomicLong();
    private final AtomicLong committedMessages = new AtomicLong();
    private volatile boolean running = true;
    private volatile java.util.concurrent.Executor commitExecutor;
    private volatile java.util.function.Consumer<MessageRow> commitListener;
    private volatile java.util.function.LongConsumer commitObserver = nanos -> { };
    private long nextId;
    private int unindexed; // committed since the last full-text catch-up (writer thread only)
    private boolean indexedOnce; // the queue left by an earlier run is indexed once at the first idle moment

    private record Pending(MessageRow row, java.util.function.Function<MessageRow, ?> then, CompletableFuture<Object> done) {
    }

    /**
     * @param jdbi     database
     * @param batchMax most messages per transaction
     * @param queueMax queue bound; {@link #submit} refuses beyond it with {@code server_busy}
     */
    public MessageWriter(Jdbi jdbi, int batchMax, int queueMax) {
        this.jdbi = jdbi;
        this.batchMax = batchMax;
        this.queue = new ArrayBlockingQueue<>(queueMax);
        this.nextId = jdbi.onDemand(MessageDao.class).maxId() + 1;
        this.thread = new Thread(this::run, "message-writer");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * Queues a message for the next commit. The row's id is ignored and assigned here.
     *
     * @return a future completed with the stored row (with its id) after commit, or failed with a
     *     {@link ChatException} ({@code server_busy} when the queue is full, {@code store_failed} on a database error)
     */
    public CompletableFuture<MessageRow> submit(MessageRow row) {
        return submit(row, r -> r);
    }

    /**
     * Queues a message for the next commit and runs {@code then} on the stored row in commit (= id) order: on
     * the {@link #onCommit(java.util.concurrent.Executor, java.util.function.Consumer) commit executor} right
     * after the commit listener, or on the writer thread when there is none. Use it for any fan-out that must
     * keep id order (direct messages): a continuation attached to the returned future by the submitting thread
     * could run after a newer message's, if the commit finished before it was attached.
     *
     * @param then what to do with the stored row, in commit order; must not block; its result completes the future
     * @return a future completed with {@code then}'s result after commit, or failed as {@link #submit(MessageRow)}
     *     (also with {@code then}'s exception, if it threw)
     */
    @SuppressWarnings("unchecked")
    public <T> CompletableFuture<T> submit(MessageRow row, java.util.function.Function<MessageRow, T> then) {
        CompletableFuture<Object> done = new CompletableFuture<>();
        if (!running) {
            done.completeExceptionally(new ChatException("server_busy", "the server is shutting down", 503));
        } else if (!queue.offer(new Pending(row, then, done))) {
            done.completeExceptionally(new ChatException("server_busy", "too many messages in flight; retry shortly", 503));
        }
        return (CompletableFuture<T>) (CompletableFuture<?>) done;
    }

    /** Receives the duration of every committed transaction, ns (metrics); called on the writer thread. */
    public void onCommit(java.util.function.LongConsumer observer) {
        this.commitObserver = observer;
    }

    /**
     * Runs {@code listener} for every committed row on {@code executor}, handed over by the writer thread in
     * commit (= id) order, before the row's future completes. With a one-thread executor the listener sees
     * rows strictly in id order: the room fan-out relies on it (a continuation attached by the submitting
     * thread could run after a newer message of the same room, which the fan-out then skipped: found by the
     * benchmark's loss ledger).
     */
    public void onCommit(java.util.concurrent.Executor executor, java.util.function.Consumer<MessageRow> listener) {
        this.commitExecutor = executor;
        this.commitListener = listener;
    }

    /** Transactions committed since start. */
    public long commits() {
        return commits.get();
    }

    /** Messages committed since start. */
    public long committedMessages() {
        return committedMessages.get();
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(batchMax);
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    indexQueued(); // idle for 100 ms
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, batchMax - 1);
                commit(batch);
                unindexed += batch.size();
                if (unindexed >= FtsIndex.BATCH) {
                    indexQueued();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } finally {
                batch.clear();
            }
        }
    }

    /** Moves the messages queued for the full-text index into it (see {@link FtsIndex}); failures are only logged. */
    private void indexQueued() {
        if (unindexed == 0 && indexedOnce) {
            return;
        }
        try {
            FtsIndex.catchUp(jdbi);
            unindexed = 0;
            indexedOnce = true;
        } catch (RuntimeException e) {
            log.error("full-text indexing failed (searches index the queue themselves): {}", e.toString());
        }
    }

    /**
     * Commits a batch in one transaction. If the transaction fails, the messages are retried one per
     * transaction so that one bad message (e.g. its room was deleted) fails alone.
     */
    private void commit(List<Pending> batch) {
        if (insert(batch)) {
            return;
        }
        if (batch.size() > 1) {
            for (Pending p : batch) {
                insert(List.of(p));
            }
        }
    }

    /** @return true when committed; on failure the futures are failed with {@code store_failed} */
    private boolean insert(List<Pending> batch) {
        List<MessageRow> stored = new ArrayList<>(batch.size());
        long id = nextId;
        for (Pending p : batch) {
            MessageRow r = p.row();
            stored.add(new MessageRow(id++, r.room(), r.token(), r.publicToken(), r.username(), r.text(), r.kind(),
                    r.senderIp(), r.createdAt(), r.file()));
        }
        long started = System.nanoTime();
        try {
            jdbi.useTransaction(h -> {
                PreparedBatch pb = h.prepareBatch("INSERT INTO messages (id, room, token, username, text, kind, sender_ip, created_at, file_id) "
                        + "VALUES (:id, :room, :token, :username, :text, :kind, :senderIp, :createdAt, :fileId)");
                for (MessageRow r : stored) {
                    pb.bindMethods(r).add();
                }
                pb.execute();
            });
        } catch (RuntimeException e) {
            log.error("commit of {} message(s) failed: {}", batch.size(), e.toString());
            try {
                nextId = Math.max(nextId, jdbi.onDemand(MessageDao.class).maxId() + 1);
            } catch (RuntimeException again) {
                log.error("cannot read the last message id: {}", again.toString());
            }
            if (batch.size() == 1) {
                batch.get(0).done().completeExceptionally(
                        new ChatException("store_failed", "the message could not be stored; retry", 503));
            }
            return false;
        }
        commitObserver.accept(System.nanoTime() - started);
        nextId = id;
        commits.incrementAndGet();
        committedMessages.addAndGet(stored.size());
        java.util.function.Consumer<MessageRow> listener = commitListener;
        for (int i = 0; i < batch.size(); i++) {
            Pending p = batch.get(i);
            MessageRow row = stored.get(i);
            if (listener == null) {
                finish(p, row);
                continue;
            }
            try {
                commitExecutor.execute(() -> {
                    try {
                        listener.accept(row);
                    } catch (RuntimeException e) {
                        log.error("commit listener failed for message {}", row.id(), e);
                    } finally {
                        finish(p, row);
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                finish(p, row); // shutting down: stored; its own step runs here (nobody is left to fan out to)
            }
        }
        return true;
    }

    /** Runs the message's own in-order step and completes its future with the result. */
    private static void finish(Pending p, MessageRow row) {
        try {
            p.done().complete(p.then().apply(row));
        } catch (RuntimeException e) {
            log.error("commit step failed for message {}", row.id(), e);
            p.done().completeExceptionally(e);
        }
    }

    /** As {@link #close(long)} with 10 s. */
    @Override
    public void close() {
        close(10_000);
    }

    /**
     * Stops taking messages, commits what is queued, and waits up to {@code timeoutMs} for the writer thread;
     * messages still queued after that fail with {@code server_busy} (never acked, so never claimed stored).
     *
     * @param timeoutMs longest wait for the queued commits, ms (at least 1)
     */
    public void close(long timeoutMs) {
        running = false;
        try {
            thread.join(Math.max(1, timeoutMs));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // a submit that raced with close may have queued after the thread ended: never leave it hanging
        ChatException closed = new ChatException("server_busy", "the server is shutting down", 503);
        for (Pending p; (p = queue.poll()) != null; ) {
            p.done().completeExceptionally(closed);
        }
    }
}
