package dev.chatserver.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatserver.config.ServerConfig;
import dev.chatserver.support.RawEngineIo;
import dev.chatserver.support.SocketClient;
import dev.chatserver.support.TestServer;
import java.nio.file.Path;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A peer that completes the handshake, joins a room and then stops answering Engine.IO pings (a frozen laptop,
 * a dead NAT mapping) is dropped within pingInterval + pingTimeout, and the room's other members get
 * {@code user_left} and the new presence. A peer that does answer pings stays.
 */
class DeadPeerTest {
    static final long PING_INTERVAL_MS = 600;
    static final long PING_TIMEOUT_MS = 400;

    @Test
    void aPeerThatStopsAnsweringPingsIsDroppedAndPresenceUpdated(@TempDir Path dir) {
        try (TestServer server = TestServer.start(ServerConfig.forTests(dir).withPing(PING_INTERVAL_MS, PING_TIMEOUT_MS));
             SocketClient alice = server.client()) {
            alice.join("PEERS", "alice");
            try (RawEngineIo ghost = RawEngineIo.open(server.url(), true, false);
                 RawEngineIo alive = RawEngineIo.open(server.url(), true, true)) {
                ghost.send("420[\"join_room\",{\"room\":\"PEERS\",\"username\":\"ghost\"}]");
                ghost.await(t -> t.startsWith("430[") && t.contains("\"ok\":true"));
                long lastHeard = System.nanoTime(); // the ghost's last packet; from now on it is silent
                alive.send("421[\"join_room\",{\"room\":\"PEERS\",\"username\":\"alive\"}]");
                alive.await(t -> t.startsWith("431[") && t.contains("\"ok\":true"));
                alice.awaitJson("user_joined", j -> j.getString("username").equals("ghost"));

                JSONObject left = alice.awaitJson("user_left", j -> j.getString("username").equals("ghost"));
                long droppedMs = (System.nanoTime() - lastHeard) / 1_000_000;
                System.out.printf("dead peer dropped %d ms after its last packet (pingInterval %d + pingTimeout %d = %d ms)%n",
                        droppedMs, PING_INTERVAL_MS, PING_TIMEOUT_MS, PING_INTERVAL_MS + PING_TIMEOUT_MS);
                // netty-socketio sends the first ping pingInterval after the open and drops the peer pingTimeout
                // later; 1 s of slack for a loaded machine
                assertTrue(droppedMs <= PING_INTERVAL_MS + PING_TIMEOUT_MS + 1_000, "dropped after " + droppedMs + " ms");
                assertFalse(names(left.getJSONArray("users")).contains("ghost"), left.toString());
                assertTrue(names(left.getJSONArray("users")).contains("alive"), "the peer that answers pings stays");
                ghost.awaitClosed();
                assertFalse(alive.closed().isDone(), "the live raw peer is still connected");

                try (SocketClient bob = server.client()) { // a newcomer sees the same presence
                    JSONArray users = bob.join("PEERS", "bob").getJSONArray("users");
                    assertFalse(names(users).contains("ghost"), users.toString());
                    assertEquals(3, users.length(), users.toString());
                }
            }
        }
    }

    private static java.util.List<String> names(JSONArray users) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < users.length(); i++) {
            Object u = users.get(i);
            out.add(u instanceof JSONObject o ? o.optString("username") : String.valueOf(u));
        }
        return out;
    }
}
