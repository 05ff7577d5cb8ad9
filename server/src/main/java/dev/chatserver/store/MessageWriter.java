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
 * its transaction committed ("acked means stored"). Ids are assigned in the transaction, ascending, so every
 * room's messages of this node are committed and completed in id order. Several nodes may write the same table
 * (issue #11): on SQLite (nodes on one host sharing the file) the transaction takes the write lock first
 * ({@code BEGIN IMMEDIATE}) and the first row's id is {@code MAX(id) + 1}; on PostgreSQL it takes an advisory lock
 * and then its ids from the {@code messages.id} identity sequence. Either way ids stay unique and ascending in
 * commit order across nodes, and (PostgreSQL) are never given again after old messages were deleted (retention;
 * on SQLite retention never deletes the newest message, so {@code MAX(id)} never goes back).
 *
 * <p>When the database cannot be reached ({@link Database#isUnavailable}), the whole batch is refused with
 * {@code unavailable} (503) at once, never acked; the next batch tries again, so sending recovers by itself.
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
    /** PostgreSQL: other nodes insert too, so ids are read under a lock in each transaction. */
    private final boolean shared;
    /** Advisory lock key of message id allocation on PostgreSQL ("msgs"). */
    private static final long ID_LOCK = 0x6d736773L;
    private int unindexed; // committed since the last full-text catch-up (writer thread only)
    private boolean indexedOnce; // the queue left by an earlier run is indexed once at the first idle moment

    private record Pending(MessageRow row, java.util.function.Function<MessageRow, ?> then, CompletableFuture<Object> done) {
    }

    /** Put in the queue to wake the writer for a {@link #exclusive} task; never committed. */
    private static final Pending WAKE = new Pending(null, null, null);

    /** Work run on the writer thread between message batches ({@link #exclusive}). */
    private record Task(Runnable run, CompletableFuture<?> done) {
    }

    private final java.util.concurrent.ConcurrentLinkedQueue<Task> tasks = new java.util.concurrent.ConcurrentLinkedQueue<>();

    /**
     * @param jdbi     database
     * @param batchMax most messages per transaction
     * @param queueMax queue bound; {@link #submit} refuses beyond it with {@code server_busy}
     */
    public MessageWriter(Jdbi jdbi, int batchMax, int queueMax) {
        this.jdbi = jdbi;
        this.batchMax = batchMax;
        this.queue = new ArrayBlockingQueue<>(queueMax);
        this.shared = Database.dialectOf(jdbi) == Dialect.POSTGRES;
        this.thread = new Thread(this::run, "message-writer");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * Queues a message for the next commit. The row's id is ignored and assigned here.
     *
     * @return a future completed with the stored row (with its id) after commit, or failed with a
     *     {@link ChatException} ({@code server_busy} when the queue is full, {@code store_failed} on a database error,
     *     {@code unavailable} when the database cannot be reached)
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

    /**
     * Runs {@code work} in its own transaction on the writer thread, between two message batches: other writes to
     * {@code messages} (the retention job's deletes) never compete with the writer for SQLite's write lock. Measured:
     * while another connection deleted 500-row batches (IMMEDIATE or deferred transactions), the writer's insert
     * failed at once with {@code SQLITE_BUSY}, without waiting for {@code busy_timeout}, about once per 12 batches;
     * with the FTS5 triggers dropped it never did.
     * Keep {@code work} short (a batch): messages wait behind it.
     *
     * @return completed with the work's result after its commit; failed with the work's exception (rolled back), or with
     *     {@code server_busy} when the writer is closing
     */
    public <T> CompletableFuture<T> exclusive(java.util.function.Function<org.jdbi.v3.core.Handle, T> work) {
        CompletableFuture<T> done = new CompletableFuture<>();
        if (!running) {
            done.completeExceptionally(new ChatException("server_busy", "the server is shutting down", 503));
            return done;
        }
        tasks.add(new Task(() -> {
            try {
                done.complete(jdbi.inTransaction(work::apply));
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        }, done));
        queue.offer(WAKE); // a full queue means the writer is busy: it runs the task after the current batch anyway
        return done;
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
                // messages first, then at most one task: a message waits behind one task at most
                Pending first = tasks.isEmpty() ? queue.poll(100, TimeUnit.MILLISECONDS) : queue.poll();
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, batchMax - 1);
                    batch.removeIf(p -> p == WAKE);
                    if (!batch.isEmpty()) {
                        int n = batch.size();
                        commit(batch);
                        unindexed += n;
                        if (unindexed >= FtsIndex.BATCH) {
                            indexQueued();
                        }
                    }
                } else if (tasks.isEmpty()) {
                    indexQueued(); // idle for 100 ms
                }
                Task task = tasks.poll();
                if (task != null) {
                    task.run().run();
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
        if (shared || (unindexed == 0 && indexedOnce)) { // PostgreSQL: pg_trgm indexes at insert, no queue
            unindexed = 0;
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

    /**
     * @return true when committed, or when the database is unreachable (every future then failed with
     *     {@code unavailable}); false on another failure (a batch of one then failed with {@code store_failed})
     *
     * <p>Ids: see the class comment; on SQLite the transaction's first statement is the first row's INSERT,
     * whose id {@code MAX(id) + 1} is read under the write lock, and the batch's other rows follow it.
     */
    private boolean insert(List<Pending> batch) {
        List<MessageRow> stored = new ArrayList<>(batch.size());
        long started = System.nanoTime();
        try {
            if (shared) {
                insertPostgres(batch, stored);
            } else {
                insertSqlite(batch, stored);
            }
        } catch (RuntimeException e) {
            if (Database.isUnavailable(e)) {
                log.warn("database unavailable, {} message(s) refused: {}", batch.size(), e.toString());
                ChatException refused = new ChatException("unavailable",
                        "the database is unreachable; the message was not stored, retry shortly", 503);
                for (Pending p : batch) {
                    p.done().completeExceptionally(refused);
                }
                return true;
            }
            log.error("commit of {} message(s) failed: {}", batch.size(), e.toString());
            if (batch.size() == 1) {
                batch.get(0).done().completeExceptionally(
                        new ChatException("store_failed", "the message could not be stored; retry", 503));
            }
            return false;
        }
        commitObserver.accept(System.nanoTime() - started);
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

    /** PostgreSQL: ids from the identity sequence under an advisory lock, one transaction per batch. */
    private void insertPostgres(List<Pending> batch, List<MessageRow> stored) {
        jdbi.useTransaction(h -> {
            List<Long> ids = new ArrayList<>(batch.size());
            // under the lock, so one node's batch takes all its ids before the next node's batch
            h.execute("SELECT pg_advisory_xact_lock(" + ID_LOCK + ")");
            ids.addAll(h.createQuery("SELECT nextval(pg_get_serial_sequence('messages', 'id')) FROM generate_series(1, :n)")
                    .bind("n", batch.size()).mapTo(Long.class).list());
            java.util.Collections.sort(ids);
            stored.clear();
            for (int i = 0; i < batch.size(); i++) {
                MessageRow r = batch.get(i).row();
                stored.add(new MessageRow(ids.get(i), r.room(), r.token(), r.publicToken(), r.username(), r.text(), r.kind(),
                        r.senderIp(), r.createdAt(), r.file()));
            }
            PreparedBatch pb = h.prepareBatch("INSERT INTO messages (id, room, token, username, text, kind, sender_ip, created_at, file_id) "
                    + "VALUES (:id, :room, :token, :username, :text, :kind, :senderIp, :createdAt, :fileId)");
            for (MessageRow r : stored) {
                pb.bindMethods(r).add();
            }
            pb.execute();
        });
    }

    /** SQLite: write lock first, the first row's id {@code MAX(id) + 1} read by its INSERT, the others follow. */
    private void insertSqlite(List<Pending> batch, List<MessageRow> stored) {
        jdbi.useHandle(h -> {
            // IMMEDIATE: the write lock before MAX(id) is read (another node's writer may share the file)
            Database.immediate(h, () -> {
                MessageRow r0 = batch.get(0).row();
                h.createUpdate("INSERT INTO messages (id, room, token, username, text, kind, sender_ip, created_at, file_id) "
                                + "VALUES ((SELECT COALESCE(MAX(id), 0) + 1 FROM messages), :room, :token, :username, :text, "
                                + ":kind, :senderIp, :createdAt, :fileId)")
                        .bindMethods(r0).execute();
                long id = h.createQuery("SELECT last_insert_rowid()").mapTo(Long.class).one();
                for (Pending p : batch) {
                    MessageRow r = p.row();
                    stored.add(new MessageRow(id++, r.room(), r.token(), r.publicToken(), r.username(), r.text(), r.kind(),
                            r.senderIp(), r.createdAt(), r.file()));
                }
                if (stored.size() > 1) {
                    PreparedBatch pb = h.prepareBatch("INSERT INTO messages (id, room, token, username, text, kind, sender_ip, created_at, file_id) "
                            + "VALUES (:id, :room, :token, :username, :text, :kind, :senderIp, :createdAt, :fileId)");
                    for (MessageRow r : stored.subList(1, stored.size())) {
                        pb.bindMethods(r).add();
                    }
                    pb.execute();
                }
                return null;
            });
        });
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
            if (p != WAKE) {
                p.done().completeExceptionally(closed);
            }
        }
        for (Task t; (t = tasks.poll()) != null; ) {
            t.done().completeExceptionally(closed);
        }
    }
}
