package dev.chatserver.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatserver.admin.AdminDao;
import dev.chatserver.config.DatabaseSettings;
import dev.chatserver.config.ServerConfig;
import dev.chatserver.support.PostgresServer;
import dev.chatserver.support.SocketClient;
import dev.chatserver.support.TestServer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code migrate-to-postgres} round trip: a SQLite database with rows in every table is copied into PostgreSQL;
 * the counts per table and every row's content are equal, ids are kept (gaps included), the sequences continue
 * after the copied ids, a server on the copy serves the old history, and a second migration into the same target
 * is refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MigrateToPostgresTest {
    PostgresServer pg;

    @BeforeAll
    void startPostgres() {
        pg = PostgresServer.shared(); // each test creates its own database in it
    }

    /** Two or more rows in every table, with NULLs, non-ASCII text and id gaps. */
    private static void fill(Handle h) {
        h.execute("INSERT INTO tokens VALUES ('tok-a', 'pub-a', 'alice', 1, '10.0.0.1', 1000, 2000), "
                + "('tok-b', 'pub-b', 'بهرام', 0, NULL, 1001, 2001)");
        h.execute("INSERT INTO rooms VALUES ('lobby', 'Lobby', NULL, 1, 0), ('PRIV01', 'Secret', 'tok-a', 2, 1), "
                + "('dm:pub-a:pub-b', 'dm', NULL, 3, 1)");
        h.execute("INSERT INTO room_members VALUES ('PRIV01', 'tok-a', 'owner', 5), ('PRIV01', 'tok-b', 'member', 6)");
        h.execute("INSERT INTO uploads VALUES ('0123456789abcdef0123456789abcdef', 'cat.png', 'image/png', 'png', 1234, "
                + "'ab12', 'tok-a', 'alice', 'lobby', '10.0.0.1', 640, 480, 7000, 7001), "
                + "('fedcba9876543210fedcba9876543210', 'notes.txt', 'text/plain', 'txt', 10, 'cd34', 'tok-b', 'بهرام', "
                + "NULL, NULL, NULL, NULL, 7002, NULL)");
        h.execute("INSERT INTO messages (id, room, token, username, text, kind, sender_ip, created_at, file_id, edited_at, deleted_at) "
                + "VALUES (1, 'lobby', 'tok-a', 'alice', 'hello world', 'chat', '10.0.0.1', 8000, NULL, NULL, NULL), "
                + "(2, 'lobby', 'tok-b', 'بهرام', 'سلام دوستان، کتابخانه باز است', 'chat', NULL, 8001, NULL, 8100, NULL), "
                + "(7, 'lobby', 'tok-a', 'alice', 'cat.png', 'file', '10.0.0.1', 8002, '0123456789abcdef0123456789abcdef', NULL, NULL), "
                + "(500, 'PRIV01', 'tok-a', 'alice', '', 'chat', NULL, 8003, NULL, NULL, 8200)");
        h.execute("INSERT INTO banned VALUES ('tok-old', 'seed 000 ban', 900)");
        h.execute("INSERT INTO bans (id, kind, value, reason, banned_by, created_at, expires_at) VALUES "
                + "(10, 'ip', '10.9.9.9', 'spam', 'root', 950, 99999999)");
        h.execute("INSERT INTO mutes VALUES ('lobby', 'tok-b', 99999, 'calm down', 'root'), ('PRIV01', 'tok-a', 5, NULL, NULL)");
        h.execute("INSERT INTO admin_sessions VALUES ('hash1', 'root', '127.0.0.1', 1, 2), ('hash2', 'alice', NULL, 3, 4)");
        h.execute("INSERT INTO audit_log VALUES (3, 100, 'root', 'ban', 'tok-old', 'spam', '{\"k\":1}'), "
                + "(4, 101, 'root', 'mute', 'tok-b', NULL, NULL)");
        h.execute("INSERT INTO users VALUES (5, 'Alice', 'a@example.org', '$2a$12$hash', 'tok-a', 1, '{\"theme\":\"dark\"}', "
                + "'SECRET', NULL, 12345, 900), (9, 'bahram', NULL, '$2a$12$hash2', 'tok-b', 0, '{}', NULL, 'PENDING', 0, 901)");
        h.execute("INSERT INTO sessions VALUES ('s1', 5, 'full', '10.0.0.1', 1, 99), ('s2', 9, 'mfa', NULL, 2, 98)");
        h.execute("INSERT INTO recovery_codes VALUES (5, 'c1', NULL), (5, 'c2', 77)");
        h.execute("INSERT INTO blocks VALUES ('tok-a', 'tok-b', 10), ('tok-b', 'tok-a', 11)");
        h.execute("INSERT INTO message_audit VALUES (1, 2, 'lobby', 'edit', 'tok-b', 'tok-b', 8100), "
                + "(6, 500, 'PRIV01', 'delete', 'tok-a', 'tok-a', 8200)");
        h.execute("INSERT INTO reactions VALUES (2, '👍', 'tok-a', 9000), (1, '❤️', 'tok-b', 9000), (1, '👍', 'tok-b', 8999)");
        h.execute("INSERT INTO polls VALUES (4, 'lobby', 'tok-a', 'Tea or coffee?', '[\"tea\",\"coffee\"]', 1, NULL, NULL, 9500), "
                + "(8, 'lobby', 'tok-b', 'چای؟', '[\"بله\",\"نه\"]', 0, 99999, 9600, 9501)");
        h.execute("INSERT INTO poll_votes VALUES (4, 'tok-a', 0, 9510), (4, 'tok-a', 1, 9511), (8, 'tok-b', 1, 9512)");
        h.execute("INSERT INTO read_marks VALUES ('lobby', 'tok-a', 7, 9700), ('PRIV01', 'tok-b', 500, 9701)");
        h.execute("INSERT INTO settings VALUES ('totp_gate_secret', 'JBSWY3DPEHPK3PXP'), ('totp_gate_last_step', '123')");
        h.execute("INSERT INTO gate_passes VALUES ('g1', '10.0.0.1', 1, 2), ('g2', NULL, 3, 4)");
        h.execute("INSERT INTO room_retention VALUES ('lobby', 30, NULL, 9800), ('PRIV01', NULL, 100, 9801)");
    }

    /** Every row of a table as text, in a stable order. */
    private static List<Map<String, String>> rows(Jdbi jdbi, String table, List<String> columns) {
        String cols = String.join(", ", columns);
        return jdbi.withHandle(h -> h.createQuery("SELECT " + cols + " FROM " + table + " ORDER BY " + cols)
                .map((rs, ctx) -> {
                    Map<String, String> m = new LinkedHashMap<>();
                    for (String c : columns) {
                        m.put(c, rs.getString(c));
                    }
                    return m;
                }).list());
    }

    @Test
    void everyTableIsCopiedWithItsIdsAndCountsAndContentAreEqual(@TempDir Path dir) {
        Path file = dir.resolve("chat.sqlite3");
        try (Database lite = new Database(file, "NORMAL", 2)) {
            lite.jdbi().useTransaction(MigrateToPostgresTest::fill);
        }
        String url = pg.createDatabase();
        SqliteToPostgres.Result result = SqliteToPostgres.run(file, url, PostgresServer.USER, "", 2); // batches of 2
        assertEquals(SqliteToPostgres.TABLES, result.tables().stream().map(SqliteToPostgres.TableCount::table).toList());
        for (SqliteToPostgres.TableCount t : result.tables()) {
            assertTrue(t.source() >= 1, t.table() + " has rows in the source");
            assertEquals(t.source(), t.target(), t.table());
        }
        assertTrue(result.report().contains("messages"), result.report());

        try (Database lite = new Database(file, "NORMAL", 2); Database pgdb = Database.postgres(url, PostgresServer.USER, "", 2)) {
            for (String table : SqliteToPostgres.TABLES) {
                List<String> columns = lite.jdbi().withHandle(h -> h.createQuery("SELECT name FROM pragma_table_info('" + table + "')")
                        .mapTo(String.class).list());
                assertEquals(rows(lite.jdbi(), table, columns), rows(pgdb.jdbi(), table, columns), table);
            }
            List<String> liteOrder = lite.jdbi().withHandle(h -> h.createQuery("SELECT emoji FROM reactions ORDER BY rowid")
                    .mapTo(String.class).list());
            List<String> pgOrder = pgdb.jdbi().withHandle(h -> h.createQuery("SELECT emoji FROM reactions ORDER BY rowid")
                    .mapTo(String.class).list());
            assertEquals(liteOrder, pgOrder, "reactions keep their insertion order");

            // the sequences continue after the copied ids
            long poll = pgdb.jdbi().onDemand(PollDao.class).insert(new PollDao.PollRow(0, "lobby", "tok-a", null, null, "Next?",
                    "[\"a\",\"b\"]", false, null, null, 10_000));
            assertEquals(9, poll);
            pgdb.jdbi().useHandle(h -> h.attach(TokenDao.class).insert(new TokenRow("tok-c", "pub-c", "carol", true, null, 1L, 1L)));
            assertEquals(10, pgdb.jdbi().onDemand(UserDao.class).insert("carol", null, "$2a$12$x", "tok-c", false, 1L));
            pgdb.jdbi().onDemand(AdminDao.class).audit(1L, "root", "test", null, null, null);
            long audit = pgdb.jdbi().withHandle(h -> h.createQuery("SELECT max(id) FROM audit_log").mapTo(Long.class).one());
            assertEquals(5L, audit);
            assertEquals(Boolean.TRUE, pgdb.jdbi().onDemand(UserDao.class).byUsername("ALICE").map(UserRow::isAdmin).orElse(null),
                    "usernames stay case-insensitive");
        }

        // a server on the copy serves the old history and continues the ids
        ServerConfig config = ServerConfig.forTests(dir.resolve("node")).withDatabase(
                new DatabaseSettings(url, PostgresServer.USER, "", 0));
        try (TestServer server = TestServer.start(config); SocketClient c = server.client()) {
            JSONArray history = c.join("lobby", "dave").getJSONArray("messages");
            List<Long> ids = SocketClient.ids(history);
            assertEquals(List.of(1L, 2L, 7L), ids);
            JSONObject sent = c.send("lobby", "after the move");
            assertEquals(501L, sent.getLong("id"));
        }

        IllegalStateException again = assertThrows(IllegalStateException.class,
                () -> SqliteToPostgres.run(file, url, PostgresServer.USER, "", 1000));
        assertTrue(again.getMessage().contains("not empty"), again.getMessage());
    }

    @Test
    void aMissingSourceOrAnUnreachableTargetFailsWithAClearMessage(@TempDir Path dir) {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> SqliteToPostgres.run(dir.resolve("none.sqlite3"), pg.createDatabase(), PostgresServer.USER, "", 1000));
        assertTrue(missing.getMessage().contains("no SQLite database"), missing.getMessage());
        Path file = dir.resolve("chat.sqlite3");
        new Database(file, "NORMAL", 2).close();
        IllegalStateException down = assertThrows(IllegalStateException.class,
                () -> SqliteToPostgres.run(file, "jdbc:postgresql://127.0.0.1:1/none", PostgresServer.USER, "", 1000));
        assertTrue(down.getMessage().contains("cannot connect to PostgreSQL"), down.getMessage());
    }

    /**
     * Speed of the copy (prints rows/s): 200,000 messages. Long, so tagged {@code slow}:
     * {@code mvn -DskipNpm=true test -Dtest=MigrateToPostgresTest -Dsurefire.excludedGroups= -Dgroups=slow}.
     */
    @Test
    @Tag("slow")
    void copySpeed(@TempDir Path dir) {
        Path file = dir.resolve("big.sqlite3");
        int n = Integer.getInteger("migrate.rows", 200_000);
        try (Database lite = new Database(file, "NORMAL", 2)) {
            lite.jdbi().useTransaction(h -> {
                h.execute("INSERT INTO rooms VALUES ('lobby', 'Lobby', NULL, 1, 0)");
                var batch = h.prepareBatch("INSERT INTO messages (id, room, token, username, text, kind, sender_ip, created_at) "
                        + "VALUES (:id, 'lobby', 'tok', 'user', :text, 'chat', '10.0.0.1', :id)");
                for (int i = 1; i <= n; i++) {
                    batch.bind("id", i).bind("text", "message number " + i + " with some ordinary chat text").add();
                }
                batch.execute();
            });
        }
        SqliteToPostgres.Result r = SqliteToPostgres.run(file, pg.createDatabase(), PostgresServer.USER, "", 1000);
        System.out.print(r.report());
        assertEquals(n + 1, r.rows());
    }
}
