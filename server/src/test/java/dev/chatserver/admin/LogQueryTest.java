package dev.chatserver.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatserver.store.Database;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The admin log filters against a seeded database: each filter alone, combined, paging and the CSV export. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LogQueryTest {
    static final long DAY1 = Instant.parse("2024-05-01T10:00:00Z").toEpochMilli();
    static final long DAY2 = Instant.parse("2024-05-02T10:00:00Z").toEpochMilli();
    Database db;
    LogQuery logs;

    @BeforeAll
    void seed(@TempDir Path dir) {
        db = dev.chatserver.support.TestDatabases.open(dir);
        db.jdbi().useHandle(h -> {
            h.execute("INSERT INTO rooms (code, name, created_at) VALUES ('A', 'A', 0), ('B', 'B', 0)");
            h.execute("INSERT INTO tokens (token, public_token, username, created_at, last_seen) VALUES "
                    + "('secret-1', 'pub-1', 'alice', 0, 0), ('secret-2', 'pub-2', 'bob', 0, 0)");
            String ins = "INSERT INTO messages (id, room, token, username, text, sender_ip, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)";
            h.execute(ins, 1, "A", "secret-1", "alice", "hello everyone", "10.0.0.1", DAY1);
            h.execute(ins, 2, "A", "secret-2", "bob", "Hello alice, wonderful day", "10.0.0.2", DAY1 + 1000);
            h.execute(ins, 3, "B", "secret-1", "alice", "سلام دوستان", "10.0.0.1", DAY2);
            h.execute(ins, 4, "B", "secret-2", "bob", "ok", "10.0.0.2", DAY2 + 1000);
            h.execute(ins, 5, "A", "secret-1", "alice", "<img src=x onerror=alert(1)>", "10.0.0.1", DAY2 + 2000);
        });
        logs = new LogQuery(db.jdbi());
    }

    @AfterAll
    void close() {
        db.close();
    }

    private List<Long> ids(Map<String, String> params) {
        return logs.page(LogQuery.Filter.of(params::get), 1, 50).rows().stream().map(r -> (Long) r.get("id")).toList();
    }

    @Test
    void eachFilterAloneNewestFirst() {
        assertEquals(List.of(5L, 4L, 3L, 2L, 1L), ids(Map.of()));
        assertEquals(List.of(5L, 3L, 1L), ids(Map.of("ip", "10.0.0.1")));
        assertEquals(List.of(4L, 2L), ids(Map.of("token", "pub-2")), "public token");
        assertEquals(List.of(4L, 2L), ids(Map.of("token", "secret-2")), "secret token");
        assertEquals(List.of(4L, 3L), ids(Map.of("room", "B")));
        assertEquals(List.of(5L, 4L, 3L), ids(Map.of("from", "2024-05-02")));
        assertEquals(List.of(2L, 1L), ids(Map.of("to", "2024-05-01")), "a date 'to' includes that day");
        assertEquals(List.of(2L, 1L), ids(Map.of("q", "hello")), "case-insensitive FTS");
        assertEquals(List.of(2L), ids(Map.of("q", "nderf")), "substring (trigram)");
        assertEquals(List.of(3L), ids(Map.of("q", "دوست")), "Persian");
        assertEquals(List.of(4L), ids(Map.of("q", "ok")), "short text falls back to LIKE");
        assertEquals(List.of(), ids(Map.of("q", "100%")));
    }

    @Test
    void filtersCombine() {
        assertEquals(List.of(1L), ids(Map.of("q", "hello", "ip", "10.0.0.1")));
        assertEquals(List.of(5L), ids(Map.of("room", "A", "from", String.valueOf(DAY2))));
        assertEquals(List.of(), ids(Map.of("room", "B", "token", "pub-1", "to", "2024-05-01")));
        assertEquals(List.of(3L), ids(Map.of("room", "B", "token", "pub-1", "from", "2024-05-02T00:00", "q", "سلام")));
    }

    @Test
    void pagesAndRowsShowOnlyThePublicToken() {
        LogQuery.Page p1 = logs.page(LogQuery.Filter.of(Map.<String, String>of()::get), 1, 2);
        LogQuery.Page p3 = logs.page(LogQuery.Filter.of(Map.<String, String>of()::get), 3, 2);
        assertTrue(p1.hasMore());
        assertEquals(List.of(5L, 4L), p1.rows().stream().map(r -> r.get("id")).toList());
        assertFalse(p3.hasMore());
        assertEquals(1, p3.rows().size());
        assertEquals("pub-1", p1.rows().get(0).get("public_token"));
        assertFalse(p1.rows().toString().contains("secret-"));
    }

    @Test
    void csvQuotesAndDefusesFormulas() {
        db.jdbi().useHandle(h -> h.execute("INSERT INTO messages (id, room, token, username, text, sender_ip, created_at) "
                + "VALUES (6, 'A', 'secret-2', 'bob', '=HYPERLINK(\"x\"), yes', '10.0.0.2', 1)"));
        String csv;
        try {
            csv = LogQuery.csv(logs.export(LogQuery.Filter.of(Map.of("room", "A", "ip", "10.0.0.2")::get)));
        } finally {
            db.jdbi().useHandle(h -> h.execute("DELETE FROM messages WHERE id = 6")); // the other tests see the seed only
        }
        assertTrue(csv.startsWith("id,time,room,username,public_token,ip,kind,text\r\n"), csv);
        assertTrue(csv.contains("\"'=HYPERLINK(\"\"x\"\"), yes\""), csv);
        assertTrue(csv.contains("2024-05-01T10:00:01Z,A,bob,pub-2,10.0.0.2,chat,\"Hello alice, wonderful day\""), csv);
    }
}
