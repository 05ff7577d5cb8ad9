package dev.chatserver.store;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Brings the full-text index {@code messages_fts} up to date with the messages queued in
 * {@code messages_fts_pending} (schema.sql explains why new messages are indexed in batches: FTS5 writes a segment
 * per transaction, and indexing each group commit on its own was most of the message writer's CPU time).
 * Called by the {@link MessageWriter} (every {@link #BATCH} messages and when idle) and by every search before
 * it reads the index, so a search always sees every committed message. Blocking (database): never on an event loop.
 */
public final class FtsIndex {
    /** Messages the writer lets queue before it indexes them. */
    public static final int BATCH = 500;

    private FtsIndex() {
    }

    /**
     * Indexes every queued message in one transaction (SQLite's write lock keeps a concurrent insert out of it).
     *
     * @return messages indexed (0 when none was queued; then nothing is written)
     */
    public static int catchUp(Jdbi jdbi) {
        return jdbi.withHandle(FtsIndex::catchUp);
    }

    /** As {@link #catchUp(Jdbi)} on an open handle in auto-commit mode (not inside a transaction of the caller's). */
    public static int catchUp(Handle h) {
        boolean queued = h.createQuery("SELECT EXISTS (SELECT 1 FROM messages_fts_pending)").mapTo(Boolean.class).one();
        if (!queued) {
            return 0;
        }
        // IMMEDIATE: take the write lock first (waiting up to busy_timeout); a deferred transaction that read first
        // would fail at once with SQLITE_BUSY when another connection committed in between (WAL snapshot)
        return Database.immediate(h, () -> {
            int n = h.execute("INSERT INTO messages_fts (rowid, text) SELECT m.id, m.text FROM messages_fts_pending p "
                    + "JOIN messages m ON m.id = p.id ORDER BY p.id");
            h.execute("DELETE FROM messages_fts_pending");
            return n;
        });
    }
}
