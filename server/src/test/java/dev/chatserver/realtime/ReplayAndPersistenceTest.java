package dev.chatserver.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatserver.support.SocketClient;
import dev.chatserver.support.TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reconnect replay by last seen id (no gap, no duplicate) and durability across a restart. */
class ReplayAndPersistenceTest {
    @TempDir
    Path dir;
    TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.start(dir);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private SocketClient withToken(String token) {
        return SocketClient.sameIdentity(server.url(), token);
    }

    @Test
    void reconnectingClientGetsExactlyTheMessagesAfterItsLastId() {
        try (SocketClient sender = server.client()) {
            sender.join("REPLAY", "sender");
            long lastSeen;
            String token;
            try (SocketClient reader = server.client()) {
                reader.join("REPLAY", "reader");
                token = reader.awaitJson("identity").getString("token");
                sender.send("REPLAY", "before");
                lastSeen = reader.awaitJson("message").getLong("id");
            }
            List<Long> missed = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                missed.add(sender.send("REPLAY", "missed " + i).getLong("id"));
            }
            try (SocketClient back = withToken(token)) {
                JSONObject data = back.request("join_room", new JSONObject().put("room", "REPLAY").put("last_id", lastSeen))
                        .getJSONObject("data");
                assertTrue(data.getBoolean("replay"));
                assertEquals(missed, SocketClient.ids(data.getJSONArray("messages")));
                JSONObject history = back.awaitJson("history");
                assertTrue(history.getBoolean("replay"));
                assertEquals(missed, SocketClient.ids(history.getJSONArray("messages")));
            }
        }
    }

    @Test
    void replayWhileMessagesFlowHasNoGapAndNoDuplicate() throws Exception {
        try (SocketClient sender = server.client(); SocketClient reader = server.client()) {
            sender.join("FLOW", "sender");
            reader.join("FLOW", "reader");
            String token = reader.awaitJson("identity").getString("token");
            sender.send("FLOW", "first");
            long lastSeen = reader.awaitJson("message").getLong("id");
            reader.close();

            int total = 300;
            CompletableFuture<List<Long>> sent = CompletableFuture.supplyAsync(() -> {
                List<Long> ids = new ArrayList<>();
                for (int i = 0; i < total; i++) {
                    ids.add(sender.send("FLOW", "n" + i).getLong("id"));
                }
                return ids;
            });
            List<Long> received = new ArrayList<>();
            try (SocketClient back = withToken(token)) {
                JSONObject data = back.request("join_room", new JSONObject().put("room", "FLOW").put("last_id", lastSeen))
                        .getJSONObject("data");
                received.addAll(SocketClient.ids(data.getJSONArray("messages")));
                List<Long> expected = sent.get();
                while (received.size() < total) {
                    received.add(back.awaitJson("message").getLong("id"));
                }
                assertEquals(expected, received, "replay + live = every message once, in order");
            }
        }
    }

    @Test
    void messagesRoomsAndNamesSurviveARestart() {
        String token;
        List<Long> ids = new ArrayList<>();
        try (SocketClient c = server.client()) {
            c.join("DURABLE", "keeper");
            token = c.awaitJson("identity").getString("token");
            for (int i = 0; i < 10; i++) {
                ids.add(c.send("DURABLE", "kept " + i).getLong("id"));
            }
        }
        server.restart();
        assertEquals("ok", server.server().database().integrityCheck());
        try (SocketClient c = withToken(token)) {
            JSONObject data = c.join("DURABLE", null);
            assertEquals("keeper", c.awaitJson("identity").getString("username"));
            assertEquals(ids, SocketClient.ids(data.getJSONArray("messages")));
            long next = c.send("DURABLE", "after restart").getLong("id");
            assertTrue(next > ids.get(ids.size() - 1), "ids keep ascending after a restart");
        }
    }
}
