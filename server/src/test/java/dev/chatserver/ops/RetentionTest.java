package dev.chatserver.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatserver.config.RetentionSettings;
import dev.chatserver.config.ServerConfig;
import dev.chatserver.store.Database;
import dev.chatserver.support.HttpSession;
import dev.chatserver.support.SocketClient;
import dev.chatserver.support.TestServer;
import dev.chatserver.support.Uploads;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Jdbi;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Message retention (issue #10, seed 001's cleanup of old messages), end to end on a real server: the right rows go
 * by age and by count, per-room overrides set through the admin API win, deletion runs in batches while acked
 * messages keep flowing, FTS search forgets deleted rows, files whose last message went are removed, and every run
 * leaves one audit entry.
 */
class RetentionTest {
    private static final long DAY = 24L * 3600 * 1000;

    @TempDir
    Path dir;
    TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private ServerConfig config(int maxAgeDays, int maxPerRoom, int batch) {
        return ServerConfig.forTests(dir).toBuilder()
                .retention(new RetentionSettings(maxAgeDays, maxPerRoom, 3_600_000L, batch)).build();
    }

    /** Writes rooms and messages into the database before the server opens it. @return the ids, per call order */
    private List<Long> seed(String room, int count, long createdAt, String textPrefix) {
        List<Long> ids = new ArrayList<>();
        try (Database db = new Database(dir.resolve("chat.sqlite3"), "NORMAL", 2)) {
            db.jdbi().useTransaction(h -> {
                h.execute("INSERT OR IGNORE INTO rooms (code, name, created_at) VALUES (?, ?, 0)", room, room);
                for (int i = 0; i < count; i++) {
                    ids.add(h.createUpdate("INSERT INTO messages (room, token, username, text, created_at) VALUES (?, 't', 'seed', ?, ?)")
                            .bind(0, room).bind(1, textPrefix + " " + i).bind(2, createdAt + i)
                            .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one());
                }
            });
        }
        return ids;
    }

    private Jdbi jdbi() {
        return server.server().database().jdbi();
    }

    private List<Long> idsOf(String room) {
        return jdbi().withHandle(h -> h.createQuery("SELECT id FROM messages WHERE room = ? ORDER BY id").bind(0, room)
                .mapTo(Long.class).list());
    }

    private int count(String sql, Object... args) {
        return jdbi().withHandle(h -> {
            var q = h.createQuery(sql);
            for (int i = 0; i < args.length; i++) {
                q.bind(i, args[i]);
            }
            return q.mapTo(Integer.class).one();
        });
    }

    private static HttpSession admin(TestServer s) {
        HttpSession h = new HttpSession(s.url());
        HttpResponse<String> r = h.postJson("/admin/login", new JSONObject().put("username", "root").put("password", "root"));
        assertEquals(200, r.statusCode(), r.body());
        return h;
    }

    private static JSONObject ok(HttpResponse<String> r) {
        assertEquals(200, r.statusCode(), r.body());
        return new JSONObject(r.body()).getJSONObject("data");
    }

    @Test
    void ageAndCountLimitsDeleteTheRightRowsAndRoomOverridesWin() {
        long now = System.currentTimeMillis();
        long old = now - 10 * DAY; // older than the global 7 days
        List<Long> oldA = seed("OLDA", 20, old, "old a");
        List<Long> newA = seed("OLDA", 3, now - 1000, "new a");
        List<Long> many = seed("MANY", 10, now - 5000, "many");
        List<Long> keepOld = seed("KEEP", 20, old, "keep old");
        List<Long> keepNew = seed("KEEP", 10, now - 4000, "keep new");
        List<Long> tightOld = seed("TIGHT", 4, old, "tight old");
        List<Long> tightNew = seed("TIGHT", 6, now - 3000, "tight new");
        server = TestServer.start(config(7, 5, 500));
        HttpSession admin = admin(server);
        // KEEP: no limit at all; TIGHT: the global age, but only 2 messages
        ok(admin.postJson("/admin/api/retention", new JSONObject().put("room", "KEEP").put("max_age_days", 0).put("max_count", 0)));
        ok(admin.postJson("/admin/api/retention", new JSONObject().put("room", "TIGHT").put("max_count", "2")));
        JSONObject shown = ok(admin.get("/admin/api/retention"));
        assertEquals(7, shown.getInt("max_age_days"));
        assertEquals(5, shown.getInt("max_per_room"));
        assertEquals(2, shown.getJSONArray("rooms").length());
        assertEquals(400, admin.postJson("/admin/api/retention", new JSONObject().put("room", "KEEP").put("max_count", -1)).statusCode());
        assertEquals(404, admin.postJson("/admin/api/retention", new JSONObject().put("room", "NOPE").put("max_count", 1)).statusCode());
        assertEquals(403, new HttpSession(server.url()).get("/admin/api/retention").statusCode(), "admins only");

        JSONObject run = ok(admin.postJson("/admin/api/retention/run", new JSONObject()));

        assertEquals(newA, idsOf("OLDA"), "old messages go, the 3 recent ones stay (within 5)");
        assertEquals(many.subList(5, 10), idsOf("MANY"), "only the newest 5 stay");
        List<Long> keep = new ArrayList<>(keepOld);
        keep.addAll(keepNew);
        assertEquals(keep, idsOf("KEEP"), "the override keeps everything");
        assertEquals(tightNew.subList(4, 6), idsOf("TIGHT"), "the old ones by age, then all but the newest 2");
        assertEquals(20 + 4, run.getLong("deleted_by_age"));
        assertEquals(5 + 4, run.getLong("deleted_by_count"));
        assertEquals(3, run.getInt("rooms"));
        assertEquals(0, count("SELECT count(*) FROM reactions r LEFT JOIN messages m ON m.id = r.message_id WHERE m.id IS NULL"));
        assertEquals("ok", server.server().database().integrityCheck());

        JSONObject audit = ok(admin.get("/admin/api/audit")).getJSONArray("rows").getJSONObject(0);
        assertEquals("retention", audit.getString("action"));
        assertEquals("system", audit.getString("admin"));
        assertEquals(24, audit.getJSONObject("details").getLong("deleted_by_age"));
        assertEquals(9, audit.getJSONObject("details").getLong("deleted_by_count"));
        assertEquals(2, ok(admin.get("/admin/api/audit")).getJSONArray("rows").getJSONObject(1).getJSONObject("details").getInt("max_count"),
                "setting an override is audited too");
    }

    @Test
    void offByDefaultNothingIsDeletedAndNoAuditEntryIsWritten() {
        List<Long> old = seed("ANCIENT", 30, System.currentTimeMillis() - 3650 * DAY, "ancient");
        server = TestServer.start(ServerConfig.forTests(dir));
        RetentionJob.Result r = server.server().retention().runOnce();
        assertEquals(0, r.deleted());
        assertEquals(old, idsOf("ANCIENT"));
        assertEquals(0, count("SELECT count(*) FROM audit_log"));
    }

    @Test
    void deletesInBatchesWhileAckedMessagesKeepFlowing() throws Exception {
        int oldCount = Integer.getInteger("retention.rows", 6000); // a larger run: -Dretention.rows=100000
        List<Long> old = seed("FLOW", oldCount, System.currentTimeMillis() - 30 * DAY, "old flow");
        server = TestServer.start(config(7, 0, 500));
        ConcurrentLinkedQueue<Long> acked = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong maxAckMs = new AtomicLong();
        CountDownLatch flowing = new CountDownLatch(20);
        Thread sender = new Thread(() -> {
            try (SocketClient c = server.client()) {
                c.join("FLOW", "sender");
                int i = 0;
                while (!stop.get()) {
                    long t0 = System.nanoTime();
                    JSONObject m = c.send("FLOW", "live " + i++);
                    maxAckMs.accumulateAndGet(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), Math::max);
                    acked.add(m.getLong("id"));
                    flowing.countDown();
                }
            }
        }, "flow-sender");
        sender.start();
        assertTrue(flowing.await(30, TimeUnit.SECONDS), "messages flow before the run");
        int ackedBefore = acked.size();
        RetentionJob.Result r = server.server().retention().runOnce();
        int ackedDuring = acked.size() - ackedBefore;
        stop.set(true);
        sender.join(30_000);
        assertFalse(sender.isAlive());

        assertEquals(oldCount, r.deletedByAge());
        assertEquals((oldCount + 499) / 500, r.batches(), "500 per transaction");
        List<Long> left = idsOf("FLOW");
        assertTrue(left.containsAll(acked), "no acked message newer than the cutoff is lost");
        assertEquals(acked.size(), left.size(), "only the live messages remain");
        assertFalse(left.contains(old.get(oldCount - 1)));
        assertTrue(ackedDuring > 0, "acks kept coming during the run");
        System.out.printf("retention: %d messages in %d batches in %d ms; %d messages acked during the run, slowest ack %d ms%n",
                r.deletedByAge(), r.batches(), r.durationMs(), ackedDuring, maxAckMs.get());
        // the room's in-memory history no longer holds deleted messages: a new joiner gets only live ones
        try (SocketClient late = server.client()) {
            JSONArray history = late.join("FLOW", "late").getJSONArray("messages");
            for (int i = 0; i < history.length(); i++) {
                assertTrue(history.getJSONObject(i).getString("message").startsWith("live "), history.getJSONObject(i).toString());
            }
        }
    }

    @Test
    void searchForgetsDeletedRowsAndAFileWhoseLastMessageWentIsRemoved() {
        server = TestServer.start(config(7, 0, 500));
        String token;
        String goneFile;
        String keptFile;
        try (SocketClient c = server.client()) {
            c.join("FILES", "sharer");
            token = c.awaitJson("identity").getString("token");
            c.send("FILES", "the xylophonist's farewell");
            goneFile = Uploads.uploadOk(server.url(), token, "old.txt", "text/plain",
                    "an old note\n".getBytes(StandardCharsets.UTF_8)).getString("file_id");
            keptFile = Uploads.uploadOk(server.url(), token, "both.txt", "text/plain",
                    "shared twice\n".getBytes(StandardCharsets.UTF_8)).getString("file_id");
            for (String f : List.of(goneFile, keptFile, keptFile)) {
                assertTrue(c.request("file_share", new JSONObject().put("room", "FILES").put("file_id", f)).getBoolean("ok"));
            }
            c.send("FILES", "newest"); // the newest message of the database is never deleted by age
        }
        assertTrue(Files.exists(server.server().uploads().pathOf(goneFile)));
        // everything but the last share of keptFile and the newest message becomes 10 days old
        jdbi().useHandle(h -> h.execute("UPDATE messages SET created_at = created_at - ? WHERE id < (SELECT max(id) FROM messages WHERE file_id = ?)",
                10 * DAY, keptFile));
        HttpSession reader = new HttpSession(server.url());
        assertEquals(1, search(reader, "xylophon").length(), "found before the run");

        RetentionJob.Result r = server.server().retention().runOnce();

        assertEquals(3, r.deletedByAge(), "the chat message, the share of old.txt and the first share of both.txt");
        assertEquals(1, r.filesRemoved());
        assertEquals(0, search(reader, "xylophon").length(), "search no longer finds it");
        assertEquals(0, count("SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'xylophon'"), "the FTS index forgot the row");
        assertFalse(Files.exists(server.server().uploads().pathOf(goneFile)), "the file whose only message went is removed");
        assertEquals(0, count("SELECT count(*) FROM uploads WHERE id = ?", goneFile), "its row is gone");
        assertTrue(Files.exists(server.server().uploads().pathOf(keptFile)), "a file still shared in a kept message stays");
        assertEquals(200, new HttpSession(server.url()).get("/api/download_file/" + keptFile).statusCode());
        assertEquals(404, new HttpSession(server.url()).get("/api/download_file/" + goneFile).statusCode());
        // FTS5's own check of an external-content index against its table: throws when they differ
        jdbi().useHandle(h -> h.execute("INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)"));
    }

    private static JSONArray search(HttpSession s, String q) {
        HttpResponse<String> r = s.get("/api/search_messages?q=" + q + "&room=FILES");
        assertEquals(200, r.statusCode(), r.body());
        return new JSONObject(r.body()).getJSONObject("data").getJSONArray("results");
    }
}
