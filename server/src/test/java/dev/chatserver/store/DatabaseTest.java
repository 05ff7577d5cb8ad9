package dev.chatserver.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Database: schema applied idempotently at every open, WAL + foreign keys on every pooled connection, integrity check. */
class DatabaseTest {
    @TempDir
    Path dir;

    private Database open() {
        return new Database(dir.resolve("t.sqlite3"), "NORMAL", 2);
    }

    @Test
    void schemaIsAppliedIdempotentlyWhenTheSameFileIsOpenedTwice() {
        try (Database db = open()) {
            db.jdbi().onDemand(RoomDao.class).insertIfAbsent(new RoomRow("R1", "Room one", null, 1L));
        }
        try (Database db = open()) {
            int version = db.jdbi().withHandle(h -> h.createQuery("PRAGMA user_version").mapTo(Integer.class).one());
            assertEquals(3, version);
            List<String> tables = db.jdbi().withHandle(h -> h.createQuery(
                    "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").mapTo(String.class).list());
            assertTrue(tables.containsAll(List.of("banned", "messages", "room_members", "rooms", "tokens", "uploads",
                    "room_retention")), tables.toString());
            assertEquals("Room one", db.jdbi().onDemand(RoomDao.class).find("R1").orElseThrow().name(),
                    "reopening keeps the data");
        }
    }

    @Test
    void aVersionOneDatabaseGetsTheFileIdColumnAndKeepsItsMessages() {
        Path file = dir.resolve("v1.sqlite3");
        // the messages table as schema.sql version 1 made it (before issue #5)
        org.jdbi.v3.core.Jdbi.create("jdbc:sqlite:" + file).useHandle(h -> {
            h.execute("CREATE TABLE rooms (code TEXT PRIMARY KEY, name TEXT NOT NULL, host_token TEXT, created_at INTEGER NOT NULL)");
            h.execute("CREATE TABLE messages (id INTEGER PRIMARY KEY, room TEXT NOT NULL REFERENCES rooms (code) ON DELETE CASCADE,"
                    + " token TEXT, username TEXT NOT NULL, text TEXT NOT NULL, kind TEXT NOT NULL DEFAULT 'chat',"
                    + " sender_ip TEXT, created_at INTEGER NOT NULL)");
            h.execute("INSERT INTO rooms (code, name, created_at) VALUES ('R', 'R', 0)");
            h.execute("INSERT INTO messages (id, room, username, text, created_at) VALUES (1, 'R', 'a', 'old', 0)");
            h.execute("PRAGMA user_version = 1");
        });
        for (int open = 0; open < 2; open++) { // the upgrade is idempotent
            try (Database db = new Database(file, "NORMAL", 2)) {
                List<String> columns = db.jdbi().withHandle(h -> h.createQuery("SELECT name FROM pragma_table_info('messages')")
                        .mapTo(String.class).list());
                assertEquals("file_id", columns.get(columns.size() - 1));
                List<MessageRow> rows = db.jdbi().onDemand(MessageDao.class).latest("R", 10);
                assertEquals(1, rows.size());
                assertEquals("old", rows.get(0).text());
                assertEquals(null, rows.get(0).file());
            }
        }
    }

    @Test
    void createsMissingParentDirectories() {
        try (Database db = new Database(dir.resolve("a/b/t.sqlite3"), "FULL", 2)) {
            assertEquals("ok", db.integrityCheck());
        }
    }

    @Test
    void everyPooledConnectionUsesWalAndForeignKeys() {
        try (Database db = open()) {
            // Two handles open at once: both connections of the pool.
            try (Handle a = db.jdbi().open(); Handle b = db.jdbi().open()) {
                for (Handle h : List.of(a, b)) {
                    assertEquals("wal", h.createQuery("PRAGMA journal_mode").mapTo(String.class).one());
                    assertEquals(1, h.createQuery("PRAGMA foreign_keys").mapTo(Integer.class).one());
                    assertEquals(1, h.createQuery("PRAGMA synchronous").mapTo(Integer.class).one(), "NORMAL is 1");
                }
            }
        }
    }

    @Test
    void integrityCheckIsOk() {
        try (Database db = open()) {
            assertEquals("ok", db.integrityCheck());
        }
    }

    @Test
    void messageReferencingAMissingRoomIsRefusedByTheForeignKey() {
        try (Database db = open()) {
            assertThrows(UnableToExecuteStatementException.class, () -> db.jdbi().useHandle(h -> h.execute(
                    "INSERT INTO messages (id, room, username, text, created_at) VALUES (1, 'no-such-room', 'a', 'hi', 0)")));
            assertEquals(0L, db.jdbi().onDemand(MessageDao.class).maxId());
        }
    }

    @Test
    void deletingARoomDeletesItsMessages() {
        try (Database db = open()) {
            db.jdbi().useHandle(h -> {
                h.execute("INSERT INTO rooms (code, name, created_at) VALUES ('R', 'R', 0)");
                h.execute("INSERT INTO messages (id, room, username, text, created_at) VALUES (1, 'R', 'a', 'hi', 0)");
                h.execute("DELETE FROM rooms WHERE code = 'R'");
            });
            assertEquals(0L, db.jdbi().onDemand(MessageDao.class).countInRoom("R"));
        }
    }

    @Test
    void aDatabaseFromBeforeTheEditColumnsGetsThemAndKeepsItsMessages() {
        org.jdbi.v3.core.Jdbi old = org.jdbi.v3.core.Jdbi.create("jdbc:sqlite:" + dir.resolve("t.sqlite3").toAbsolutePath());
        old.useHandle(h -> {
            h.execute("CREATE TABLE rooms (code TEXT PRIMARY KEY, name TEXT NOT NULL, host_token TEXT, created_at INTEGER NOT NULL, private INTEGER NOT NULL DEFAULT 0)");
            h.execute("CREATE TABLE messages (id INTEGER PRIMARY KEY, room TEXT NOT NULL REFERENCES rooms (code) ON DELETE CASCADE, "
                    + "token TEXT, username TEXT NOT NULL, text TEXT NOT NULL, kind TEXT NOT NULL DEFAULT 'chat', sender_ip TEXT, created_at INTEGER NOT NULL)");
            h.execute("INSERT INTO rooms (code, name, created_at) VALUES ('R1', 'R1', 1)");
            h.execute("INSERT INTO messages (id, room, username, text, created_at) VALUES (1, 'R1', 'ann', 'old', 1)");
        });
        try (Database db = open()) {
            var row = db.jdbi().onDemand(MessageDao.class).latest("R1", 10).get(0);
            assertEquals("old", row.text());
            assertEquals(null, row.editedAt());
            assertEquals(null, row.deletedAt());
        }
    }
}
