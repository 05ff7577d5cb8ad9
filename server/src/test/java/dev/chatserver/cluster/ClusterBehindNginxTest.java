package dev.chatserver.cluster;

import static dev.chatserver.support.NginxServer.replaceOnce;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.chatserver.support.Await;
import dev.chatserver.support.Failover;
import dev.chatserver.support.HttpSession;
import dev.chatserver.support.NginxServer;
import dev.chatserver.support.PostgresServer;
import dev.chatserver.support.RedisServer;
import dev.chatserver.support.ServerProcess;
import dev.chatserver.support.SocketClient;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #11 end to end, with every part real: two chat-server nodes (separate JVMs) on one PostgreSQL database
 * and one {@code redis-server}, behind Debian's nginx running the {@code ip_hash} configuration of docs/scale.md.
 * A client that came in through nginx chats with a client on the other node (each message exactly once), its node is
 * killed with SIGKILL, and it comes back through the same nginx address, lands on the surviving node and gets
 * exactly the messages it missed, in order, from PostgreSQL, then live ones without a duplicate.
 */
@Tag("nginx")
class ClusterBehindNginxTest {
    @TempDir
    Path dir;
    RedisServer redis;
    NginxServer nginx;
    final List<ServerProcess> nodes = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        if (nginx != null) {
            nginx.close();
        }
        for (ServerProcess p : nodes) {
            p.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private ServerProcess node(String id, String dbUrl) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("CHAT_DATABASE_URL", dbUrl);
        env.put("CHAT_DATABASE_USER", PostgresServer.USER);
        env.put("CHAT_DB", dir.resolve("unused-" + id + ".db").toString());
        env.put("CHAT_UPLOADS", dir.resolve("uploads").toString());
        env.put("CHAT_REDIS_URL", redis.url());
        env.put("CHAT_NODE_ID", id);
        env.put("CHAT_ADMIN_USER", "root");
        env.put("CHAT_ADMIN_PASS", "root");
        env.put("CHAT_MESSAGES_PER_MINUTE", "100000");
        env.put("CHAT_CONNECTIONS_PER_IP", "1000");
        ServerProcess p = ServerProcess.start(dir, id, env);
        nodes.add(p);
        HttpSession http = new HttpSession(p.url());
        Await.until(() -> http.get("/readyz").statusCode() == 200, 20_000, () -> "node " + id + " ready");
        return p;
    }

    /** @return the node id of {@code username}'s session, from node {@code via}'s admin live view (all nodes) */
    private static String nodeOf(ServerProcess via, String username) {
        HttpSession admin = new HttpSession(via.url());
        assertEquals(200, admin.postJson("/admin/login", new JSONObject().put("username", "root").put("password", "root")).statusCode());
        String[] found = new String[1];
        Await.until(() -> {
            JSONArray live = new JSONObject(admin.get("/admin/api/sessions").body()).getJSONObject("data").getJSONArray("sessions");
            for (int i = 0; i < live.length(); i++) {
                JSONObject s = live.getJSONObject(i);
                if (username.equals(s.optString("username"))) {
                    found[0] = s.getString("node");
                    return true;
                }
            }
            return false;
        }, 10_000, () -> username + " in the live view of every node");
        return found[0];
    }

    private static java.util.Set<String> nodesOf(HttpSession admin, String username) {
        JSONArray live = new JSONObject(admin.get("/admin/api/sessions").body()).getJSONObject("data").getJSONArray("sessions");
        java.util.Set<String> out = new java.util.HashSet<>();
        for (int i = 0; i < live.length(); i++) {
            if (username.equals(live.getJSONObject(i).optString("username"))) {
                out.add(live.getJSONObject(i).getString("node"));
            }
        }
        return out;
    }

    @Test
    void twoNodesOnPostgresAndRedisBehindTheDocumentedNginxDeliverOnceAndReplayAfterANodeDies() throws Exception {
        Assumptions.assumeTrue(NginxServer.available(), "skipped: /usr/sbin/nginx is missing (apt-get install -y nginx)");
        PostgresServer pg = PostgresServer.shared();
        String dbUrl = pg.createDatabase();
        redis = RedisServer.start(dir);
        ServerProcess a = node("a", dbUrl);
        ServerProcess b = node("b", dbUrl);

        int port = NginxServer.freePort();
        String site = NginxServer.documentedBlock("docs/scale.md", "nginx (`ip_hash`");
        site = replaceOnce(site, "listen 80;", "listen 127.0.0.1:" + port + ";");
        site = replaceOnce(site, "server 127.0.0.1:5001", "server 127.0.0.1:" + a.port());
        site = replaceOnce(site, "server 127.0.0.1:5002", "server 127.0.0.1:" + b.port());
        nginx = NginxServer.start(dir.resolve("nginx"), site, port);
        String balanced = "http://127.0.0.1:" + port;

        String room = "behind-nginx";
        SocketClient watcher = SocketClient.connect(balanced, SocketClient.options());
        watcher.join(room, "watcher");
        String token = watcher.awaitJson("identity").getString("token");
        String landed = nodeOf(a, "watcher");
        ServerProcess home = landed.equals("a") ? a : b;
        ServerProcess other = home == a ? b : a;
        assertEquals(landed, nodeOf(other, "watcher"), "both nodes list the session with its node");

        try (SocketClient sender = SocketClient.connect(other.url(), SocketClient.options())) {
            sender.join(room, "sender");
            watcher.awaitJson("user_joined", j -> j.getString("username").equals("sender"));
            for (int i = 0; i < 30; i++) {
                long id = sender.send(room, "across nodes " + i).getLong("id");
                assertEquals(id, watcher.awaitJson("message").getLong("id"), "the next delivery is this message: once, in order");
            }
            long from = watcher.send(room, "from behind nginx").getLong("id");
            assertEquals(from, sender.awaitJson("message", j -> j.getLong("id") == from).getLong("id"));
            assertEquals(from, watcher.awaitJson("message").getLong("id"), "its own message, after the 30, once");
            assertEquals(List.of(), watcher.drain("message"), "no duplicate");

            home.kill();
            watcher.await("disconnect");
            watcher.close();
            List<Long> missed = Failover.sendWhileAway(sender, room, 20);
            // nginx passes it to the surviving node, which replays from PostgreSQL
            try (SocketClient back = Failover.reconnectAndReplay(balanced, token, room, from, missed, sender)) {
                String survivor = other == a ? "a" : "b";
                HttpSession admin = new HttpSession(other.url());
                admin.postJson("/admin/login", new JSONObject().put("username", "root").put("password", "root"));
                Await.until(() -> nodesOf(admin, "watcher").equals(java.util.Set.of(survivor)), 15_000,
                        () -> "the live view lists the watcher on " + survivor + " only (the dead node's entry expires)");
            }
        }
        try (Connection c = DriverManager.getConnection(dbUrl, PostgresServer.USER, "");
             ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM messages WHERE room = '" + room + "'")) {
            rs.next();
            assertEquals(30 + 1 + 20 + 1, rs.getInt(1), "every acked message is in PostgreSQL");
        }
    }
}
