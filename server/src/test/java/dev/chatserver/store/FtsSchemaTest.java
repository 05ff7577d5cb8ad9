package dev.chatserver.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The FTS5 index of message texts: triggers survive schema.sql's script parsing and keep it in step. */
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
                h.execute("DROP TRIGGER messages_fts_insert");
                h.execute("INSERT INTO messages (id, room, username, text, created_at) VALUES (7, 'R', 'a', 'legacy message', 1)");
            });
        }
        try (Database db = new Database(file, "NORMAL", 2)) {
            assertEquals(List.of(7L), match(db, "\"legacy\""));
        }
    }

    private static List<Long> match(Database db, String q) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT rowid FROM messages_fts WHERE messages_fts MATCH :q ORDER BY rowid")
                .bind("q", q).mapTo(Long.class).list());
    }
}
