package dev.chatserver.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatserver.support.SocketClient;
import dev.chatserver.support.TestServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients written for each seed, using only that seed's event names and payload shapes, against one server:
 * each gets room messages exactly once in its own names.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DialectsEndToEndTest {
    TestServer server;

    @BeforeAll
    void start(@TempDir Path dir) {
        server = TestServer.start(dir);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void seed002CreateRoomJoinByIdAndSendMessage() {
        try (SocketClient host = server.client(); SocketClient guest = server.client()) {
            JSONObject created = host.request("create_room", new JSONObject().put("username", "host"));
            assertTrue(created.getBoolean("ok"), created.toString());
            String roomId = created.getJSONObject("data").getString("room_id");
            assertTrue(roomId.matches("[A-Z0-9]{6}"), roomId);
            assertEquals(roomId, host.awaitJson("room_created").getString("room_id"));

            assertTrue(host.request("join_room", new JSONObject().put("room_id", roomId).put("username", "host")).getBoolean("ok"));
            assertTrue(guest.request("join_room", new JSONObject().put("room_id", roomId).put("username", "guest")).getBoolean("ok"));
            assertEquals("guest", host.awaitJson("user_joined").getString("username"));

            assertTrue(guest.request("send_message", new JSONObject().put("room_id", roomId).put("message", "hi 002")).getBoolean("ok"));
            for (SocketClient c : List.of(host, guest)) {
                JSONObject m = c.awaitJson("new_message");
                assertEquals("hi 002", m.getString("message"));
                assertEquals("guest", m.getString("username"));
            }
            assertTrue(host.drain("message").isEmpty(), "a 002 client gets new_message only");
        }
    }

    @Test
    void seed002JoiningAnUnknownRoomIdIsRefused() {
        try (SocketClient c = server.client()) {
            JSONObject ack = c.request("join_room", new JSONObject().put("room_id", "ZZZZZZ").put("username", "x"));
            assertFalse(ack.getBoolean("ok"));
            assertEquals("room_not_found", ack.getJSONObject("error").getString("code"));
            assertEquals("room_not_found", c.awaitJson("error").getString("code"));
        }
    }

    @Test
    void seed003JoinMessageAndSystemNotices() {
        String room;
        try (SocketClient maker = server.client()) {
            room = maker.request("create_room", new JSONObject()).getJSONObject("data").getString("room_id");
        }
        try (SocketClient a = server.client(); SocketClient b = server.client()) {
            assertTrue(a.request("join", new JSONObject().put("room", room)).getBoolean("ok"));
            assertTrue(b.request("join", new JSONObject().put("room", room)).getBoolean("ok"));
            JSONObject notice = a.awaitJson("message");
            assertEquals("System", notice.getString("username"));
            assertTrue(notice.getString("message").contains("has joined"));

            assertTrue(b.request("message", new JSONObject().put("room", room).put("message", "hi 003")).getBoolean("ok"));
            JSONObject m = a.awaitJson("message");
            assertEquals("hi 003", m.getString("message"));
            assertTrue(m.has("username") && m.has("timestamp") && m.has("user_id"), "seed 003 shape: " + m);
            assertEquals("hi 003", b.awaitJson("message", x -> !x.optBoolean("system")).getString("message"));

            b.close();
            JSONObject left = a.awaitJson("message");
            assertTrue(left.getString("message").contains("has left"), left.toString());
        }
    }

    @Test
    void seed004SingleChatWithReceiveMessageAndTyping() {
        try (SocketClient a = server.client(); SocketClient b = server.client()) {
            assertTrue(a.request("join", new JSONObject().put("username", "anna")).getBoolean("ok"));
            assertTrue(b.request("join", new JSONObject().put("username", "ben")).getBoolean("ok"));
            a.request("typing", new JSONObject());
            assertEquals("anna", b.awaitJson("typing").getString("username"));
            a.request("stop_typing", new JSONObject());
            assertEquals("anna", b.awaitJson("stop_typing").getString("username"));

            assertTrue(a.request("send_message", new JSONObject().put("message", "hi 004")).getBoolean("ok"));
            for (SocketClient c : List.of(a, b)) {
                JSONObject m = c.awaitJson("receive_message");
                assertEquals("hi 004", m.getString("message"));
                assertEquals("lobby", m.getString("room"));
            }
            assertTrue(b.drain("message").isEmpty(), "a 004 client gets receive_message only");
            assertTrue(b.drain("user_typing").isEmpty());
        }
    }

    @Test
    void seed001JoinRoomAndMessage() {
        try (SocketClient a = server.client(); SocketClient b = server.client()) {
            a.join("general", "amy");
            b.join("general", "bert");
            assertEquals("bert", a.awaitJson("user_joined").getString("username"));
            a.send("general", "hi 001");
            assertEquals("hi 001", b.awaitJson("message").getString("message"));
            b.close();
            assertEquals("bert", a.awaitJson("user_left").getString("username"));
        }
    }

    @Test
    void allFourDialectsInOneRoomEachGetEveryMessageOnceInTheirOwnNames() {
        try (SocketClient c1 = server.client(); SocketClient c2 = server.client();
             SocketClient c3 = server.client(); SocketClient c4 = server.client()) {
            assertTrue(c1.request("join_room", new JSONObject().put("room", "lobby").put("username", "one")).getBoolean("ok"));
            assertTrue(c2.request("join_room", new JSONObject().put("room_id", "lobby").put("username", "two")).getBoolean("ok"));
            assertTrue(c3.request("join", new JSONObject().put("room", "lobby").put("username", "three")).getBoolean("ok"));
            assertTrue(c4.request("join", new JSONObject().put("username", "four")).getBoolean("ok"));

            assertTrue(c1.request("message", new JSONObject().put("room", "lobby").put("message", "from 1")).getBoolean("ok"));
            assertTrue(c2.request("send_message", new JSONObject().put("room_id", "lobby").put("message", "from 2")).getBoolean("ok"));
            assertTrue(c3.request("message", new JSONObject().put("room", "lobby").put("message", "from 3")).getBoolean("ok"));
            assertTrue(c4.request("send_message", new JSONObject().put("message", "from 4")).getBoolean("ok"));

            Map<SocketClient, String> names = Map.of(c1, "message", c2, "new_message", c3, "message", c4, "receive_message");
            for (Map.Entry<SocketClient, String> e : names.entrySet()) {
                SocketClient c = e.getKey();
                for (int i = 1; i <= 4; i++) {
                    String want = "from " + i;
                    JSONObject m = c.awaitJson(e.getValue(), x -> !x.optBoolean("system"));
                    assertEquals(want, m.getString("message"));
                }
            }
            // a final marker from c1 shows nothing else was queued before it
            c1.send("lobby", "marker");
            for (Map.Entry<SocketClient, String> e : names.entrySet()) {
                assertEquals("marker", e.getKey().awaitJson(e.getValue(), x -> !x.optBoolean("system")).getString("message"));
                List<Object> extra = e.getKey().drain(e.getValue()).stream()
                        .filter(o -> !((JSONObject) o).optBoolean("system")).toList();
                assertTrue(extra.isEmpty(), "extra copies: " + extra);
            }
            assertTrue(c2.drain("message").isEmpty() && c4.drain("message").isEmpty() && c4.drain("new_message").isEmpty());
            assertTrue(c1.drain("new_message").isEmpty() && c1.drain("receive_message").isEmpty());
            assertTrue(c3.drain("new_message").isEmpty() && c3.drain("receive_message").isEmpty());
        }
    }

    @Test
    void dialectNamedInAuthWins() {
        io.socket.client.IO.Options o = SocketClient.options();
        o.auth = Map.of("dialect", "004");
        try (SocketClient a = SocketClient.connect(server.url(), o)) {
            a.join("AUTHD", "zed"); // join_room would infer 001; auth fixes 004
            a.send("AUTHD", "named");
            assertEquals("named", a.awaitJson("receive_message").getString("message"));
            assertTrue(a.drain("message").isEmpty());
        }
    }
}
