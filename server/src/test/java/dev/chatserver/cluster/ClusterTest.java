package dev.chatserver.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatserver.config.ServerConfig;
import dev.chatserver.support.Await;
import dev.chatserver.support.Failover;
import dev.chatserver.support.Cluster;
import dev.chatserver.support.HttpSession;
import dev.chatserver.support.RedisServer;
import dev.chatserver.support.ServerProcess;
import dev.chatserver.support.SocketClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes in this JVM sharing one SQLite file and a real {@code redis-server} (issue #11): rooms, presence, bans,
 * kicks, rate limits and the admin live view across nodes; Redis taken away and brought back; a node process killed.
 */
class ClusterTest {
    @TempDir
    static Path dir;
    static RedisServer redis;
    static Cluster cluster;

    @BeforeAll
    static void start() {
        redis = RedisServer.start(dir);
        cluster = Cluster.start(ServerConfig.forTests(dir), redis.url(), 2);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @BeforeEach
    void ready() {
        redis.start(); // a test that stopped it failed half way
        cluster.awaitReady();
    }

    String url(int node) {
        return cluster.node(node).url();
    }

    @Test
    void messagesOfSendersOnBothNodesReachEveryClientOnceAndInOrder() throws Exception {
        String room = "cl-msgs";
        List<SocketClient> clients = new ArrayList<>();
        int perClient = 40;
        try {
            for (int i = 0; i < 4; i++) {
                SocketClient c = SocketClient.connect(url(i % 2), SocketClient.options());
                c.join(room, "u" + i);
                clients.add(c);
            }
            ExecutorService senders = Executors.newFixedThreadPool(4);
            List<Future<List<Long>>> acked = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                SocketClient c = clients.get(i);
                int who = i;
                acked.add(senders.submit(() -> {
                    List<Long> ids = new ArrayList<>();
                    for (int k = 0; k < perClient; k++) {
                        ids.add(c.send(room, "m " + who + " " + k).getLong("id"));
                    }
                    return ids;
                }));
            }
            Set<Long> all = new HashSet<>();
            List<List<Long>> bySender = new ArrayList<>();
            for (Future<List<Long>> f : acked) {
                List<Long> ids = f.get();
                bySender.add(ids);
                all.addAll(ids);
            }
            senders.shutdown();
            assertEquals(4 * perClient, all.size(), "every message got its own id");
            for (SocketClient c : clients) {
                List<JSONObject> got = new ArrayList<>();
                for (int n = 0; n < all.size(); n++) {
                    got.add(c.awaitJson("message"));
                }
                List<Long> ids = got.stream().map(j -> j.getLong("id")).toList();
                assertEquals(all, new HashSet<>(ids), "each acked message arrives");
                assertEquals(ids.size(), new HashSet<>(ids).size(), "no duplicate");
                for (int s = 0; s < 4; s++) {
                    String prefix = "m " + s + " ";
                    List<Long> fromS = got.stream().filter(j -> j.getString("message").startsWith(prefix))
                            .map(j -> j.getLong("id")).toList();
                    assertEquals(bySender.get(s), fromS, "sender " + s + "'s messages in its order");
                }
                assertTrue(c.drain("message").isEmpty(), "nothing more");
            }
            // a late joiner on either node gets the whole history in id order, once
            try (SocketClient late = SocketClient.connect(url(1), SocketClient.options())) {
                JSONArray h = late.join(room, "late").getJSONArray("messages");
                List<Long> ids = SocketClient.ids(h);
                assertEquals(all.stream().sorted().toList(), ids);
            }
        } finally {
            clients.forEach(SocketClient::close);
        }
    }

    @Test
    void presenceAndJoinNoticesCoverBothNodes() {
        String room = "cl-presence";
        try (SocketClient a = SocketClient.connect(url(0), SocketClient.options());
             SocketClient b = SocketClient.connect(url(1), SocketClient.options())) {
            a.join(room, "alice");
            JSONObject joined = b.join(room, "bob");
            Set<String> seen = names(joined.getJSONArray("users"));
            assertTrue(seen.contains("bob"), "b is in its own join answer");
            if (!seen.equals(Set.of("alice", "bob"))) {
                // a's member list travels over Redis pub/sub, so it may arrive just after b's join answer:
                // node 1 then sends b a presence update (eventual, not instant, across nodes)
                b.awaitJson("presence", j -> names(j.getJSONArray("users")).equals(Set.of("alice", "bob")));
            }
            assertEquals("bob", a.awaitJson("user_joined", j -> j.getString("room").equals(room)).getString("username"));
            a.awaitJson("presence", j -> names(j.getJSONArray("users")).equals(Set.of("alice", "bob")));
            assertEquals("username_taken", SocketClient.connect(url(1), SocketClient.options())
                    .refused("join_room", new JSONObject().put("room", room).put("username", "Alice")), "names are unique across nodes");
            b.ok("typing", new JSONObject().put("room", room));
            assertEquals("bob", a.awaitJson("user_typing").getString("username"));
            b.ok("leave_room", new JSONObject().put("room", room));
            assertEquals("bob", a.awaitJson("user_left", j -> j.getString("room").equals(room)).getString("username"));
            a.awaitJson("presence", j -> names(j.getJSONArray("users")).equals(Set.of("alice")));
        }
    }

    @Test
    void editsReactionsAndPrivateMessagesReachTheOtherNode() {
        String room = "cl-rich";
        try (SocketClient a = SocketClient.connect(url(0), SocketClient.options());
             SocketClient b = SocketClient.connect(url(1), SocketClient.options())) {
            a.join(room, "rich-a");
            b.join(room, "rich-b");
            String bPublic = b.awaitJson("identity").getString("public_token");
            long id = a.send(room, "first draft").getLong("id");
            b.awaitJson("message", j -> j.getLong("id") == id);
            a.ok("edit_message", new JSONObject().put("message_id", id).put("message", "final text"));
            assertEquals("final text", b.awaitJson("message_edited").getString("message"));
            b.ok("add_reaction", new JSONObject().put("message_id", id).put("emoji", "👍"));
            assertEquals(1, a.awaitJson("message_reaction").getJSONObject("counts").getInt("👍"));
            a.ok("private_message", new JSONObject().put("to", bPublic).put("message", "psst"));
            assertEquals("psst", b.awaitJson("private_message").getString("message"));
            try (SocketClient late = SocketClient.connect(url(1), SocketClient.options())) {
                JSONArray h = late.join(room, "rich-late").getJSONArray("messages");
                assertEquals("final text", h.getJSONObject(h.length() - 1).getString("message"),
                        "the other node's in-memory history has the edit");
            }
        }
    }

    @Test
    void banOnOneNodeDropsTheSocketOnTheOtherWithinOneSecond() {
        try (SocketClient victim = SocketClient.connect(url(1), SocketClient.options())) {
            victim.join("cl-ban", "victim");
            String publicToken = victim.awaitJson("identity").getString("public_token");
            HttpSession admin = admin(0);
            long t0 = System.nanoTime();
            ok(admin.postJson("/admin/api/ban", new JSONObject().put("kind", "token").put("target", publicToken)));
            JSONObject err = victim.awaitJson("error", j -> "banned".equals(j.optString("code")));
            victim.await("disconnect");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("cross-node ban: socket dropped " + ms + " ms after the ban was issued");
            assertEquals("banned", err.getString("code"));
            assertTrue(ms <= 1000, "dropped on the other node after " + ms + " ms");
            ok(admin.postJson("/admin/api/unban", new JSONObject().put("kind", "token").put("target", publicToken)));
        }
    }

    @Test
    void adminLiveViewListsBothNodesAndKicksAcrossThem() {
        try (SocketClient a = SocketClient.connect(url(0), SocketClient.options());
             SocketClient b = SocketClient.connect(url(1), SocketClient.options())) {
            a.join("cl-live", "live-a");
            b.join("cl-live", "live-b");
            HttpSession admin = admin(0);
            JSONObject[] snap = new JSONObject[1];
            Await.until(() -> {
                snap[0] = ok(admin.get("/admin/api/sessions"));
                return sessionOf(snap[0], "live-b") != null && sessionOf(snap[0], "live-a") != null;
            }, 5000, () -> "both sessions listed: " + snap[0]);
            assertEquals("node-0", sessionOf(snap[0], "live-a").getString("node"));
            JSONObject remote = sessionOf(snap[0], "live-b");
            assertEquals("node-1", remote.getString("node"));
            assertEquals(List.of("node-0", "node-1"), snap[0].getJSONArray("nodes").toList());
            ok(admin.postJson("/admin/api/move", new JSONObject().put("sid", remote.getString("sid")).put("room", "cl-moved")));
            assertEquals("cl-moved", b.awaitJson("moved").getString("to"), "moved by an admin signed in on the other node");
            long t0 = System.nanoTime();
            ok(admin.postJson("/admin/api/kick", new JSONObject().put("sid", remote.getString("sid")).put("reason", "bye")));
            assertEquals("kicked", b.awaitJson("error", j -> "kicked".equals(j.optString("code"))).getString("code"));
            b.await("disconnect");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("cross-node admin kick: socket dropped " + ms + " ms after the kick");
            assertTrue(ms <= 1000, "kicked on the other node after " + ms + " ms");
        }
    }

    @Test
    void failedAdminSignInsCountOnEveryNode() {
        // 5 failures per IP per 5 minutes (seed 001): 3 on one node and 2 on the other use them up
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> r = new HttpSession(url(i < 3 ? 0 : 1)).postJson("/admin/login",
                    new JSONObject().put("username", "nobody-" + i).put("password", "wrong password " + i));
            assertEquals(401, r.statusCode(), r.body());
        }
        HttpResponse<String> limited = new HttpSession(url(0)).postJson("/admin/login",
                new JSONObject().put("username", "nobody").put("password", "wrong password"));
        assertEquals(429, limited.statusCode(), limited.body());
        // the other tests sign in from this IP too
        redis.command("EVAL", "for _, k in ipairs(redis.call('KEYS', 'chat:rl:*')) do redis.call('DEL', k) end return 0", "0");
    }

    @Test
    void redisGoneLocalChatGoesOnReadyzSaysWhyAndSharingResumesWhenItReturns() {
        String room = "cl-outage";
        try (SocketClient a = SocketClient.connect(url(0), SocketClient.options());
             SocketClient a2 = SocketClient.connect(url(0), SocketClient.options());
             SocketClient b = SocketClient.connect(url(1), SocketClient.options())) {
            a.join(room, "oa");
            a2.join(room, "oa2");
            b.join(room, "ob");
            redis.stop();
            for (int n = 0; n < 2; n++) {
                HttpSession h = new HttpSession(url(n));
                Await.until(() -> h.get("/readyz").statusCode() == 503, 5000, () -> "readyz 503 without Redis");
                JSONObject body = new JSONObject(h.get("/readyz").body());
                assertTrue(body.getString("reason").contains("Redis"), body.toString());
            }
            long during = a.send(room, "during the outage").getLong("id");
            assertEquals(during, a2.awaitJson("message", j -> j.getString("message").equals("during the outage")).getLong("id"),
                    "chat on one node goes on");
            redis.start();
            cluster.awaitReady();
            assertEquals(200, new HttpSession(url(0)).get("/readyz").statusCode());
            // the message of the outage is caught up from the database, then live delivery resumes
            assertEquals(during, b.awaitJson("message", j -> j.getString("message").equals("during the outage")).getLong("id"));
            long after = a.send(room, "after the outage").getLong("id");
            assertEquals(after, b.awaitJson("message", j -> j.getString("message").equals("after the outage")).getLong("id"));
            assertTrue(b.drain("message").isEmpty(), "once");
        }
    }

    @Test
    void killedNodesClientsReconnectElsewhereAndGetWhatTheyMissedOnce() throws Exception {
        String room = "cl-kill";
        try (ServerProcess p = ServerProcess.start(dir, "node-p", Map.of(
                "CHAT_DB", ServerConfig.forTests(dir).dbPath().toString(),
                "CHAT_UPLOADS", dir.resolve("uploads-p").toString(),
                "CHAT_REDIS_URL", redis.url(), "CHAT_NODE_ID", "node-p",
                "CHAT_MESSAGES_PER_MINUTE", "100000", "CHAT_CONNECTIONS_PER_IP", "1000"));
             SocketClient sender = SocketClient.connect(url(0), SocketClient.options())) {
            HttpSession hp = new HttpSession(p.url());
            Await.until(() -> hp.get("/readyz").statusCode() == 200, 15_000, () -> "node-p ready");
            sender.join(room, "sender");
            try {
                watchThroughAKill(p, room, sender);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n--- node-p log:\n" + p.log(), e);
            }
        }
    }

    private void watchThroughAKill(ServerProcess p, String room, SocketClient sender) throws Exception {
        {
            SocketClient onP = SocketClient.connect(p.url(), SocketClient.options());
            onP.join(room, "watcher");
            String token = onP.awaitJson("identity").getString("token");
            sender.awaitJson("user_joined", j -> j.getString("username").equals("watcher"));
            long lastSeen = 0;
            for (int i = 0; i < 20; i++) {
                long id = sender.send(room, "before " + i).getLong("id");
                lastSeen = onP.awaitJson("message", j -> j.getLong("id") == id).getLong("id");
            }
            p.kill();
            onP.await("disconnect");
            onP.close();
            List<Long> missed = Failover.sendWhileAway(sender, room, 20);
            // the watcher's identity reconnects through the balancer to node 0 and replays from its last id
            Failover.reconnectAndReplay(url(0), token, room, lastSeen, missed, sender).close();
            // node-p's live key expires: its users leave the room's presence on node 0
            sender.awaitJson("presence", j -> names(j.getJSONArray("users")).equals(Set.of("sender")));
        }
    }

    static Set<String> names(JSONArray users) {
        Set<String> s = new HashSet<>();
        for (int i = 0; i < users.length(); i++) {
            s.add(users.getJSONObject(i).getString("username"));
        }
        return s;
    }

    static JSONObject sessionOf(JSONObject snap, String username) {
        JSONArray list = snap.getJSONArray("sessions");
        for (int i = 0; i < list.length(); i++) {
            if (list.getJSONObject(i).getString("username").equals(username)) {
                return list.getJSONObject(i);
            }
        }
        return null;
    }

    HttpSession admin(int node) {
        HttpSession h = new HttpSession(url(node));
        HttpResponse<String> r = h.postJson("/admin/login", new JSONObject().put("username", "root").put("password", "root"));
        assertEquals(200, r.statusCode(), r.body());
        return h;
    }

    static JSONObject ok(HttpResponse<String> r) {
        assertEquals(200, r.statusCode(), r.body());
        return new JSONObject(r.body()).getJSONObject("data");
    }
}
