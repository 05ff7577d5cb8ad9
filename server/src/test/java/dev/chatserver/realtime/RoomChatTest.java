package dev.chatserver.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatserver.support.SocketClient;
import dev.chatserver.support.TestServer;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rooms end to end with real io.socket clients: notices, presence, fan-out exactly once, history. */
class RoomChatTest {
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

    @Test
    void newClientGetsAnIdentityWithSecretAndPublicToken() {
        try (SocketClient c = server.client()) {
            c.join("lobby", null);
            JSONObject id = c.awaitJson("identity");
            assertTrue(id.getString("token").length() >= 40, "secret token is 256-bit base64url");
            assertFalse(id.getString("public_token").isEmpty());
            assertTrue(id.getString("username").startsWith("Guest-"));
        }
    }

    @Test
    void othersGetJoinAndLeaveNoticesAndPresence() {
        try (SocketClient alice = server.client(); SocketClient bob = server.client()) {
            alice.join("ROOM1", "alice");
            bob.join("ROOM1", "bob");
            JSONObject joined = alice.awaitJson("user_joined");
            assertEquals("bob", joined.getString("username"));
            JSONObject presence = alice.awaitJson("presence", p -> p.getJSONArray("users").length() == 2);
            assertEquals(Set.of("alice", "bob"), names(presence.getJSONArray("users")));
            assertTrue(bob.drain("user_joined").isEmpty(), "the joiner gets no notice of itself");

            assertTrue(bob.request("leave_room", new JSONObject().put("room", "ROOM1")).getBoolean("ok"));
            assertEquals("bob", alice.awaitJson("user_left").getString("username"));
            alice.awaitJson("presence", p -> p.getJSONArray("users").length() == 1);
        }
    }

    @Test
    void disconnectGivesLeaveNotice() {
        try (SocketClient alice = server.client()) {
            alice.join("R2", "alice");
            SocketClient bob = server.client();
            bob.join("R2", "bob");
            alice.awaitJson("user_joined");
            bob.close();
            assertEquals("bob", alice.awaitJson("user_left").getString("username"));
        }
    }

    @Test
    void messageReachesEveryMemberExactlyOnceAndNoOneOutside() throws Exception {
        try (SocketClient a = server.client(); SocketClient b = server.client(); SocketClient outsider = server.client()) {
            a.join("FAN", "a");
            b.join("FAN", "b");
            outsider.join("OTHER", "c");
            int n = 50;
            Set<Long> acked = new HashSet<>();
            for (int i = 0; i < n; i++) {
                acked.add(a.send("FAN", "m" + i).getLong("id"));
            }
            for (SocketClient c : List.of(a, b)) {
                Set<Long> got = new HashSet<>();
                for (int i = 0; i < n; i++) {
                    JSONObject m = c.awaitJson("message");
                    assertTrue(got.add(m.getLong("id")), "duplicate delivery " + m);
                    assertEquals("FAN", m.getString("room"));
                }
                assertEquals(acked, got);
            }
            // a marker message proves the outsider's channel is live, then nothing of FAN arrived there
            outsider.send("OTHER", "marker");
            assertEquals("marker", outsider.awaitJson("message").getString("message"));
            assertTrue(outsider.drain("message").isEmpty());
            assertTrue(a.drain("message").isEmpty() && b.drain("message").isEmpty(), "no extra copies");
        }
    }

    @Test
    void messagesArriveInSendOrderWithAscendingIds() {
        try (SocketClient a = server.client(); SocketClient b = server.client()) {
            a.join("ORD", "a");
            b.join("ORD", "b");
            for (int i = 0; i < 30; i++) {
                a.emit("message", new JSONObject().put("room", "ORD").put("message", "n" + i));
            }
            long last = 0;
            for (int i = 0; i < 30; i++) {
                JSONObject m = b.awaitJson("message");
                assertEquals("n" + i, m.getString("message"));
                assertTrue(m.getLong("id") > last);
                last = m.getLong("id");
            }
        }
    }

    @Test
    void joinSendsTheLast200MessagesOldestFirst() {
        try (SocketClient a = server.client()) {
            a.join("HIST", "a");
            for (int i = 0; i < 230; i++) {
                a.emit("message", new JSONObject().put("room", "HIST").put("message", "h" + i));
            }
            a.awaitJson("message", m -> m.getString("message").equals("h229"));
        }
        try (SocketClient b = server.client()) {
            JSONObject data = b.join("HIST", "b");
            JSONArray msgs = data.getJSONArray("messages");
            assertEquals(200, msgs.length());
            assertEquals("h30", msgs.getJSONObject(0).getString("message"));
            assertEquals("h229", msgs.getJSONObject(199).getString("message"));
            JSONObject history = b.awaitJson("history");
            assertEquals(200, history.getJSONArray("messages").length());
            assertFalse(history.getBoolean("replay"));
        }
    }

    @Test
    void typingGoesToOthersOnly() {
        try (SocketClient a = server.client(); SocketClient b = server.client()) {
            a.join("TY", "a");
            b.join("TY", "b");
            a.request("typing", new JSONObject().put("room", "TY"));
            JSONObject t = b.awaitJson("user_typing");
            assertEquals("a", t.getString("username"));
            assertTrue(t.getBoolean("typing"));
            a.request("stop_typing", new JSONObject().put("room", "TY"));
            assertFalse(b.awaitJson("user_typing").getBoolean("typing"));
            assertTrue(a.drain("user_typing").isEmpty());
        }
    }

    static Set<String> names(JSONArray users) {
        Set<String> s = new HashSet<>();
        for (int i = 0; i < users.length(); i++) {
            s.add(users.getJSONObject(i).getString("username"));
        }
        return s;
    }
}
