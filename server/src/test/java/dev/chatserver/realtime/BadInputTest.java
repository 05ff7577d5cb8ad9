package dev.chatserver.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.chatserver.support.SocketClient;
import dev.chatserver.support.TestServer;
import java.nio.file.Path;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad payloads are answered with an ack error and an {@code error} event carrying a stable code, and the
 * same socket keeps working afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {
    TestServer server;

    @BeforeAll
    void start(@TempDir Path dir) {
        server = TestServer.start(dir);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private static void assertRefused(SocketClient c, String event, Object payload, String code) {
        JSONObject ack = c.request(event, payload);
        assertFalse(ack.getBoolean("ok"), ack.toString());
        assertEquals(code, ack.getJSONObject("error").getString("code"), ack.toString());
        JSONObject err = c.awaitJson("error");
        assertEquals(code, err.getString("code"));
        assertEquals(event, err.getString("event"));
    }

    /** The socket still chats after the refusal. */
    private static void assertStillServing(SocketClient c, String room) {
        c.join(room, null);
        JSONObject stored = c.send(room, "still here");
        assertEquals("still here", c.awaitJson("message", m -> m.getLong("id") == stored.getLong("id")).getString("message"));
    }

    @Test
    void messageWithoutTextIsABadRequest() {
        try (SocketClient c = server.client()) {
            c.join("BAD1", null);
            assertRefused(c, "message", new JSONObject().put("room", "BAD1"), "bad_request");
            assertStillServing(c, "BAD1");
        }
    }

    @Test
    void wrongTypesAreBadRequests() {
        try (SocketClient c = server.client()) {
            c.join("BAD2", null);
            assertRefused(c, "message", new JSONObject().put("room", 5).put("message", "x"), "bad_request");
            assertRefused(c, "message", new JSONObject().put("room", "BAD2").put("message", new JSONObject()), "bad_request");
            assertRefused(c, "join_room", 42, "bad_request");
            assertRefused(c, "join_room", new JSONObject().put("room", "BAD2").put("last_id", "abc"), "bad_request");
            assertStillServing(c, "BAD2");
        }
    }

    @Test
    void aOneMegabyteMessageIsRefusedAsTooLong() {
        try (SocketClient c = server.client()) {
            c.join("BAD3", null);
            String huge = "x".repeat(1024 * 1024);
            assertRefused(c, "message", new JSONObject().put("room", "BAD3").put("message", huge), "message_too_long");
            assertRefused(c, "message", new JSONObject().put("room", "BAD3").put("message", "y".repeat(501)), "message_too_long");
            assertEquals(500, c.send("BAD3", "z".repeat(500)).getString("message").length());
            assertStillServing(c, "BAD3");
        }
    }

    @Test
    void emptyMessageIsRefused() {
        try (SocketClient c = server.client()) {
            c.join("BAD4", null);
            assertRefused(c, "message", new JSONObject().put("room", "BAD4").put("message", "   "), "empty_message");
            assertStillServing(c, "BAD4");
        }
    }

    @Test
    void invalidRoomCodesAndRoomsNotJoinedAreRefused() {
        try (SocketClient c = server.client()) {
            assertRefused(c, "join_room", new JSONObject().put("room", "../etc/passwd"), "invalid_room");
            assertRefused(c, "join_room", new JSONObject().put("room", "a".repeat(65)), "invalid_room");
            assertRefused(c, "join_room", new JSONObject(), "bad_request");
            assertRefused(c, "message", new JSONObject().put("room", "NOTJOINED").put("message", "x"), "not_in_room");
            assertRefused(c, "typing", new JSONObject().put("room", "NOTJOINED"), "not_in_room");
            assertRefused(c, "leave_room", new JSONObject().put("room", "NOTJOINED"), "not_in_room");
            assertStillServing(c, "BAD5");
        }
    }

    @Test
    void unknownRoomForJoinOnlyDialectsIsRefused() {
        try (SocketClient c = server.client()) {
            assertRefused(c, "join", new JSONObject().put("room", "NO_SUCH_ROOM"), "room_not_found");
        }
    }

    @Test
    void messagesWithoutAnyPayloadAreRefusedNotCrashing() {
        try (SocketClient c = server.client()) {
            assertRefused(c, "message", JSONObject.NULL, "not_in_room");
            c.join("BAD6", null);
            assertRefused(c, "message", JSONObject.NULL, "bad_request");
            assertStillServing(c, "BAD6");
        }
    }
}
