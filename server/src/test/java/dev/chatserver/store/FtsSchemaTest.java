package dev.chatserver.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The FTS5 index of message texts: triggers survive schema.sql's script parsing and keep it in step, with new
 * messages queued and indexed in batches by {@link FtsIndex#catchUp}.
 */
class FtsSchemaTest {
    @TempDir
    Path dir;

    @Test
    void insertedUpdatedAndDeletedMessagesAreFoundOnlyWhileTheyExist() {
        try (Database db = new Database(dir.resolve("f.sqlite3"), "NORMAL", 2)) {
            db.jdbi().useHandle(h -> {
                h.execute("INSERT INTO rooms (code, name, created_at) VALUES ('R', 'R', 1)");
                h.execute("INSERT INTO messages (id, room, username, text, created_at) VALUES (1, 'R', 'a', 'hello wonderful world', 1)");
                h.execute("INSERT INTO messages (id, room, username, text, created_at) VALUES (2, 'R', 'a', 'سلام دنیا', 1)");
            });
            assertEquals(List.of(1L), match(db, "\"wonder\""));
            assertEquals(List.of(2L), match(db, "\"دنیا\""));
            db.jdbi().useHandle(h -> h.execute("UPDATE messages SET text = 'bye' WHERE id = 1"));
            assertEquals(List.of(), match(db, "\"wonder\""));
            db.jdbi().useHandle(h -> h.execute("DELETE FROM messages WHERE id = 2"));
            assertEquals(List.of(), match(db, "\"دنیا\""));
        }
    }

    @Test
    void anExistingDatabaseIsIndexedWhenTheIndexIsNew() {
        Path file = dir.resolve("old.sqlite3");
        try (Database db = new Database(file, "NORMAL", 2)) {
            db.jdbi().useHandle(h -> {
                h.execute("DROP TABLE messages_fts");
                h.execute("INSERT INTO rooms (code, name, created_at) VALUES ('R', 'R', 1)");
                h.execute("DROP TRIGGER messages_fts_queue"); // as before the index existed
                h.execute("INSERT INTO messages (id, room, username, text, created_at) VALUES (7, 'R', 'a', 'legacy message', 1)");
            });
        }
        try (Database db = new Database(file, "NORMAL", 2)) {
            assertEquals(List.of(7L), match(db, "\"legacy\""));
        }
    }

    @Test
    void queuedMessagesAreIndexedInOneCatchUpAndEditsOfQueuedOrIndexedOnesKeepTheIndexIntact() {
        try (Database db = new Database(dir.resolve("q.sqlite3"), "NORMAL", 2)) {
            db.jdbi().useHandle(h -> {
                h.execute("INSERT INTO rooms (code, name, created_at) VALUES ('R', 'R', 1)");
                for (int i = 1; i <= 4; i++) {
                    h.execute("INSERT INTO messages (id, room, username, text, created_at) VALUES (?, 'R', 'a', ?, 1)", i, "apple " + i);
                }
            });
            assertEquals(4, pending(db), "new messages are queued, not indexed yet");
            assertEquals(List.of(), raw(db, "\"apple\""), "the index itself waits for the catch-up");
            db.jdbi().useHandle(h -> {
                h.execute("UPDATE messages SET text = 'banana' WHERE id = 1"); // queued: the catch-up takes the new text
                h.execute("DELETE FROM messages WHERE id = 2"); // queued: leaves the queue
            });
            assertEquals(3, FtsIndex.catchUp(db.jdbi()));
            assertEquals(0, pending(db));
            assertEquals(0, FtsIndex.catchUp(db.jdbi()), "nothing left");
            assertEquals(List.of(3L, 4L), raw(db, "\"apple\""));
            assertEquals(List.of(1L), raw(db, "\"banana\""));
            db.jdbi().useHandle(h -> {
                h.execute("UPDATE messages SET text = 'cherry' WHERE id = 3"); // indexed: re-indexed by the trigger
                h.execute("DELETE FROM messages WHERE id = 4"); // indexed: removed by the trigger
                h.execute("INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')"); // throws if out of step
            });
            assertEquals(List.of(), raw(db, "\"apple\""));
            assertEquals(List.of(3L), raw(db, "\"cherry\""));
        }
    }

    private static int pending(Database db) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM messages_fts_pending").mapTo(Integer.class).one());
    }

    /** The index as it is, without catching up. */
    private static List<Long> raw(Database db, String q) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT rowid FROM messages_fts WHERE messages_fts MATCH :q ORDER BY rowid")
                .bind("q", q).mapTo(Long.class).list());
    }

    /** A search as the routes do it: catch up, then match. */
    private static List<Long> match(Database db, String q) {
        FtsIndex.catchUp(db.jdbi());
        return db.jdbi().withHandle(h -> h.createQuery("SELECT rowid FROM messages_fts WHERE messages_fts MATCH :q ORDER BY rowid")
                .bind("q", q).mapTo(Long.class).list());
    }
}
