package dev.chatserver.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatserver.support.PostgresServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PostgreSQL store (issue #11) on a real PostgreSQL: the schema matches schema.sql table by table and column by
 * column, nodes starting together both get it, two writers (two nodes) on one database give unique ascending ids,
 * and the pg_trgm index serves the substring search (partial and Persian words).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresStoreTest {
    PostgresServer pg;

    @BeforeAll
    void startPostgres() {
        pg = PostgresServer.shared(); // each test creates its own database in it
    }

    private Database open(String url) {
        return Database.postgres(url, PostgresServer.USER, "", 4);
    }

    @Test
    void theSchemaHasEveryTableColumnAndIndexOfTheSqliteSchema(@TempDir Path dir) {
        Map<String, TreeSet<String>> sqliteColumns = new TreeMap<>();
        TreeSet<String> sqliteIndexes = new TreeSet<>();
        try (Database lite = new Database(dir.resolve("s.sqlite3"), "NORMAL", 2)) {
            lite.jdbi().useHandle(h -> {
                for (String t : h.createQuery("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                        + "AND name NOT LIKE 'messages_fts%'").mapTo(String.class).list()) {
                    sqliteColumns.put(t, new TreeSet<>(h.createQuery("SELECT name FROM pragma_table_info('" + t + "')")
                            .mapTo(String.class).list()));
                }
                sqliteIndexes.addAll(h.createQuery("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
                        .mapTo(String.class).list());
            });
        }
        Map<String, TreeSet<String>> pgColumns = new TreeMap<>();
        TreeSet<String> pgIndexes = new TreeSet<>();
        try (Database db = open(pg.createDatabase())) {
            assertEquals(Dialect.POSTGRES, db.dialect());
            db.jdbi().useHandle(h -> {
                h.createQuery("SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'")
                        .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2)))
                        .forEach(e -> pgColumns.computeIfAbsent(e.getKey(), k -> new TreeSet<>()).add(e.getValue()));
                pgIndexes.addAll(h.createQuery("SELECT indexname FROM pg_indexes WHERE schemaname = 'public' "
                        + "AND indexname NOT LIKE '%_pkey' AND indexname NOT LIKE '%_key'").mapTo(String.class).list());
                assertEquals(Database.SCHEMA_VERSION, h.createQuery("SELECT version FROM schema_version").mapTo(Integer.class).one());
            });
        }
        assertEquals(new TreeSet<>(List.of("id", "version")), pgColumns.remove("schema_version"));
        assertTrue(pgColumns.get("reactions").remove("rowid"), "reactions keep SQLite's insertion order in a rowid column");
        assertEquals(sqliteColumns, pgColumns);
        assertTrue(pgIndexes.remove("messages_text_trgm"), "the pg_trgm index replaces messages_fts");
        assertEquals(sqliteIndexes, pgIndexes);
    }

    @Test
    void nodesStartingTogetherBothGetTheSchema() throws Exception {
        String url = pg.createDatabase();
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            List<Future<Database>> opened = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                opened.add(two.submit(() -> open(url)));
            }
            for (Future<Database> f : opened) {
                try (Database db = f.get(60, TimeUnit.SECONDS)) {
                    assertEquals(0L, db.jdbi().onDemand(MessageDao.class).maxId());
                }
            }
        } finally {
            two.shutdownNow();
        }
    }

    @Test
    void twoWritersOnOneDatabaseGiveUniqueIdsAscendingInEachRoom() throws Exception {
        String url = pg.createDatabase();
        try (Database a = open(url); Database b = open(url)) {
            a.jdbi().onDemand(RoomDao.class).insertIfAbsent(new RoomRow("R", "R", null, 1L));
            MessageWriter wa = new MessageWriter(a.jdbi(), 16, 1000);
            MessageWriter wb = new MessageWriter(b.jdbi(), 16, 1000); // both start with the same max id: like two nodes
            try {
                List<CompletableFuture<MessageRow>> fa = new ArrayList<>();
                List<CompletableFuture<MessageRow>> fb = new ArrayList<>();
                for (int i = 0; i < 300; i++) {
                    fa.add(wa.submit(new MessageRow(0, "R", null, null, "a", "a" + i, "chat", null, i)));
                    fb.add(wb.submit(new MessageRow(0, "R", null, null, "b", "b" + i, "chat", null, i)));
                }
                List<Long> ids = new ArrayList<>();
                for (List<CompletableFuture<MessageRow>> node : List.of(fa, fb)) {
                    long last = 0;
                    for (CompletableFuture<MessageRow> f : node) {
                        long id = f.get(30, TimeUnit.SECONDS).id();
                        assertTrue(id > last, "one node's messages get ascending ids");
                        last = id;
                        ids.add(id);
                    }
                }
                assertEquals(600, new TreeSet<>(ids).size(), "no id given twice");
                assertEquals(600L, a.jdbi().onDemand(MessageDao.class).countInRoom("R"));
                List<MessageRow> stored = b.jdbi().onDemand(MessageDao.class).after("R", 0, 1000);
                for (MessageRow r : stored) {
                    MessageRow acked = (r.username().equals("a") ? fa : fb).get(Integer.parseInt(r.text().substring(1))).join();
                    assertEquals(acked.id(), r.id(), "the acked id is the stored id");
                }
            } finally {
                wa.close();
                wb.close();
            }
        }
    }

    @Test
    void retentionOverridesAndDeletesWorkAndDeletedIdsAreNeverGivenAgain() {
        try (Database db = open(pg.createDatabase())) {
            db.jdbi().onDemand(RoomDao.class).insertIfAbsent(new RoomRow("R", "R", null, 1L));
            MessageWriter w = new MessageWriter(db.jdbi(), 16, 100);
            try {
                for (int i = 0; i < 5; i++) {
                    w.submit(new MessageRow(0, "R", null, null, "u", "old " + i, "chat", null, 1_000L + i)).join();
                }
                RetentionStore retention = new RetentionStore(db.jdbi(), w);
                retention.setOverride("R", 1, null, 1L);
                assertEquals(List.of(new RetentionStore.Override("R", 1, null)), retention.overrides());
                assertEquals(5, retention.deleteAgedBatch("R", 10_000L, Long.MAX_VALUE, 100).size());
                assertEquals(0L, db.jdbi().onDemand(MessageDao.class).countInRoom("R"));
                assertEquals(6L, w.submit(new MessageRow(0, "R", null, null, "u", "new", "chat", null, 20_000L)).join().id(),
                        "a client that saw id 5 must see the next message: ids continue after deleted ones");
            } finally {
                w.close();
            }
        }
    }

    @Test
    void thePgTrgmIndexServesSubstringSearchInAnyScript() {
        try (Database db = open(pg.createDatabase())) {
            db.jdbi().onDemand(RoomDao.class).insertIfAbsent(new RoomRow("S", "S", null, 1L));
            MessageWriter w = new MessageWriter(db.jdbi(), 16, 100);
            try {
                for (String text : List.of("the unbelievable journey begins", "سلام دوستان عزیز، کتابخانه باز است",
                        "nothing to see", "100% sure_thing")) {
                    w.submit(new MessageRow(0, "S", null, null, "u", text, "chat", null, 1L)).join();
                }
            } finally {
                w.close();
            }
            MessageSearch search = new MessageSearch(db.jdbi());
            List<MessageSearch.Hit> persian = search.search("کتابخا", null, null, 10);
            assertEquals(1, persian.size());
            assertEquals("سلام دوستان عزیز، \u0002کتابخا\u0003نه باز است", persian.get(0).marked());
            List<MessageSearch.Hit> english = search.search("BELIEV", null, "S", 10);
            assertEquals(List.of("the unbelievable journey begins"), english.stream().map(MessageSearch.Hit::text).toList());
            assertEquals("the un\u0002believ\u0003able journey begins", english.get(0).marked(), "case-insensitive, marked");
            assertEquals(1, search.search("ee", null, null, 10).size(), "two characters: still found");
            assertEquals(1, search.search("0%", null, null, 10).size(), "% is a character, not a wildcard");
            assertEquals(0, search.search("e_j", null, null, 10).size(), "_ is a character, not a wildcard (\"e j\" does not match)");
            String plan = db.jdbi().withHandle(h -> {
                h.execute("SET enable_seqscan = off"); // few rows: make the planner show that the index can serve it
                return String.join("\n", h.createQuery("EXPLAIN SELECT id FROM messages WHERE text ILIKE '%believ%'")
                        .mapTo(String.class).list());
            });
            assertTrue(plan.contains("messages_text_trgm"), plan);
        }
    }
}
