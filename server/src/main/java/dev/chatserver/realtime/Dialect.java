package dev.chatserver.realtime;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The event names a client listens to, one per seed. A socket has one dialect, so every room event
 * reaches it exactly once, in its own names (docs/protocol.md, "Dialects").
 */
public enum Dialect {
    /** seed 001 (and our web page): {@code message}, {@code user_joined}, {@code user_left}, {@code user_typing}. */
    S001("001"),
    /** seed 002: {@code new_message}. */
    S002("002"),
    /** seed 003: {@code message}; join/leave notices are system {@code message}s. */
    S003("003"),
    /** seed 004: {@code receive_message}, {@code typing}, {@code stop_typing}. */
    S004("004");

    private final String id;

    Dialect(String id) {
        this.id = id;
    }

    /** The id used in {@code auth.dialect} / {@code ?dialect=}. */
    public String id() {
        return id;
    }

    /** @return the dialect with that id, or null */
    public static Dialect fromId(String id) {
        for (Dialect d : values()) {
            if (d.id.equals(id)) {
                return d;
            }
        }
        return null;
    }

    /**
     * Infers the dialect from an inbound event (only used while the client did not name one).
     *
     * @param current   the dialect so far
     * @param joined    whether the socket already joined a room (the first join decides)
     * @param eventName the event name as sent
     * @param payload   the payload (may be null)
     * @return the dialect to use from now on
     */
    public static Dialect infer(Dialect current, boolean joined, String eventName, JsonNode payload) {
        switch (eventName) {
            case "join_room":
                if (!joined) {
                    return payload != null && payload.has("room_id") ? S002 : S001;
                }
                return current;
            case "join":
                if (!joined) {
                    boolean namesRoom = payload != null && (payload.isTextual() || payload.has("room")
                            || payload.has("room_id") || payload.has("roomId") || payload.has("code"));
                    return namesRoom ? S003 : S004;
                }
                return current;
            case "send_message":
                return current == S001 ? S002 : current == S003 ? S004 : current;
            case "create_room":
                return joined ? current : S002;
            default:
                return current;
        }
    }

    /** An event to send: name and payload. */
    public record Emit(String name, Object payload) {
    }

    /**
     * Renders a canonical room event in this dialect.
     *
     * @param event   what happened
     * @param payload the canonical payload (see docs/protocol.md)
     * @return the events this dialect's client listens to for it (one, so delivery is exactly once)
     */
    public List<Emit> render(Outbound event, Map<String, Object> payload) {
        return switch (event) {
            case CHAT_MESSAGE -> List.of(new Emit(switch (this) {
                case S002 -> "new_message";
                case S004 -> "receive_message";
                default -> "message";
            }, payload));
            case USER_JOINED -> this == S003
                    ? List.of(new Emit("message", systemMessage(payload, " has joined the room.")))
                    : List.of(new Emit("user_joined", payload));
            case USER_LEFT -> this == S003
                    ? List.of(new Emit("message", systemMessage(payload, " has left the room.")))
                    : List.of(new Emit("user_left", payload));
            case TYPING -> this == S004
                    ? List.of(new Emit("typing", payload))
                    : List.of(new Emit("user_typing", payload));
            case STOP_TYPING -> this == S004
                    ? List.of(new Emit("stop_typing", payload))
                    : List.of(new Emit("user_typing", payload));
            case PRESENCE -> List.of(new Emit("presence", payload));
            default -> List.of(new Emit(event.fixedName(), payload));
        };
    }

    private static Map<String, Object> systemMessage(Map<String, Object> notice, String suffix) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("username", "System");
        m.put("message", notice.get("username") + suffix);
        m.put("timestamp", notice.get("timestamp"));
        m.put("room", notice.get("room"));
        m.put("kind", "system");
        m.put("system", true);
        return m;
    }
}
