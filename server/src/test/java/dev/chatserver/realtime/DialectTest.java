package dev.chatserver.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** Dialect: ids, inference from the first join and send_message (docs/protocol.md "Dialects"), and event names per dialect. */
class DialectTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    @Test
    void idsRoundTripAndUnknownIdsAreNull() {
        for (Dialect d : Dialect.values()) {
            assertSame(d, Dialect.fromId(d.id()));
        }
        assertEquals("001", Dialect.S001.id());
        assertEquals("004", Dialect.S004.id());
        assertNull(Dialect.fromId("005"));
        assertNull(Dialect.fromId("1"));
    }

    @Test
    void firstJoinDecidesTheDialect() {
        assertEquals(Dialect.S002, Dialect.infer(Dialect.S001, false, "join_room", json("{\"room_id\":\"ABC123\"}")));
        assertEquals(Dialect.S001, Dialect.infer(Dialect.S001, false, "join_room", json("{\"room\":\"lobby\"}")));
        assertEquals(Dialect.S001, Dialect.infer(Dialect.S001, false, "join_room", null));
        assertEquals(Dialect.S003, Dialect.infer(Dialect.S001, false, "join", json("{\"room\":\"ABC123\"}")));
        assertEquals(Dialect.S003, Dialect.infer(Dialect.S001, false, "join", TextNode.valueOf("ABC123")));
        assertEquals(Dialect.S004, Dialect.infer(Dialect.S001, false, "join", json("{\"username\":\"bob\"}")));
        assertEquals(Dialect.S004, Dialect.infer(Dialect.S001, false, "join", null));
    }

    @Test
    void laterJoinsDoNotChangeTheDialect() {
        assertEquals(Dialect.S003, Dialect.infer(Dialect.S003, true, "join_room", json("{\"room_id\":\"X\"}")));
        assertEquals(Dialect.S002, Dialect.infer(Dialect.S002, true, "join", json("{}")));
        assertEquals(Dialect.S004, Dialect.infer(Dialect.S004, true, "join", json("{\"room\":\"X\"}")));
    }

    @Test
    void sendMessageMoves001To002And003To004() {
        assertEquals(Dialect.S002, Dialect.infer(Dialect.S001, true, "send_message", json("{\"message\":\"hi\"}")));
        assertEquals(Dialect.S004, Dialect.infer(Dialect.S003, true, "send_message", json("{\"message\":\"hi\"}")));
        assertEquals(Dialect.S002, Dialect.infer(Dialect.S002, true, "send_message", null));
        assertEquals(Dialect.S004, Dialect.infer(Dialect.S004, true, "send_message", null));
    }

    @ParameterizedTest
    @CsvSource({"message", "typing", "stop_typing", "leave_room", "set_username", "something_else"})
    void otherEventsKeepTheDialect(String event) {
        for (Dialect d : Dialect.values()) {
            assertEquals(d, Dialect.infer(d, false, event, json("{\"room\":\"X\",\"room_id\":\"X\"}")), d + " " + event);
            assertEquals(d, Dialect.infer(d, true, event, null), d + " " + event);
        }
    }

    private static String nameOf(Dialect d, Outbound event) {
        List<Dialect.Emit> emits = d.render(event, Map.of("room", "R", "username", "bob", "timestamp", "T"));
        assertEquals(1, emits.size(), "each event reaches a socket exactly once");
        return emits.get(0).name();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            // dialect, chat message, user joined, user left, typing, stop typing, presence
            "S001, message,         user_joined, user_left, user_typing, user_typing, presence",
            "S002, new_message,     user_joined, user_left, user_typing, user_typing, presence",
            "S003, message,         message,     message,   user_typing, user_typing, presence",
            "S004, receive_message, user_joined, user_left, typing,      stop_typing, presence",
    })
    void rendersEachEventUnderTheDialectsName(Dialect d, String chat, String joined, String left, String typing,
                                              String stopTyping, String presence) {
        assertEquals(chat, nameOf(d, Outbound.CHAT_MESSAGE));
        assertEquals(joined, nameOf(d, Outbound.USER_JOINED));
        assertEquals(left, nameOf(d, Outbound.USER_LEFT));
        assertEquals(typing, nameOf(d, Outbound.TYPING));
        assertEquals(stopTyping, nameOf(d, Outbound.STOP_TYPING));
        assertEquals(presence, nameOf(d, Outbound.PRESENCE));
    }

    @ParameterizedTest
    @EnumSource(value = Dialect.class, names = {"S001", "S002", "S004"})
    void nonSystemDialectsPassThePayloadUnchanged(Dialect d) {
        Map<String, Object> payload = Map.of("room", "R", "username", "bob");
        for (Outbound e : Outbound.values()) {
            assertSame(payload, d.render(e, payload).get(0).payload(), d + " " + e);
        }
    }

    @Test
    void dialect003GetsJoinAndLeaveAsSystemMessages() {
        Map<String, Object> notice = Map.of("room", "R", "username", "bob", "timestamp", "2026-01-01T00:00:00Z",
                "user_id", "pub");
        @SuppressWarnings("unchecked")
        Map<String, Object> joined = (Map<String, Object>) Dialect.S003.render(Outbound.USER_JOINED, notice).get(0).payload();
        assertEquals("System", joined.get("username"));
        assertEquals("bob has joined the room.", joined.get("message"));
        assertEquals("R", joined.get("room"));
        assertEquals("2026-01-01T00:00:00Z", joined.get("timestamp"));
        assertEquals("system", joined.get("kind"));
        assertTrue((Boolean) joined.get("system"));

        @SuppressWarnings("unchecked")
        Map<String, Object> left = (Map<String, Object>) Dialect.S003.render(Outbound.USER_LEFT, notice).get(0).payload();
        assertEquals("bob has left the room.", left.get("message"));
        assertEquals("System", left.get("username"));
    }
}
