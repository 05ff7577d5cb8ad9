package dev.chatserver.realtime;

import java.util.Map;

/**
 * The canonical client-to-server commands and every event name (alias) that means each one, so the
 * clients of all five seeds work unchanged. Written once here; see docs/protocol.md.
 */
public enum Command {
    /** seed 001/002 {@code join_room}, seed 003/004 {@code join}. */
    JOIN("join_room", "join"),
    /** seed 001/002 {@code leave_room}, seed 003 {@code leave}. */
    LEAVE("leave_room", "leave"),
    /** seed 001/003 {@code message}, seed 002/004 {@code send_message}. */
    MESSAGE("message", "send_message"),
    /** seed 001/004 {@code typing}. */
    TYPING("typing"),
    /** seed 004 {@code stop_typing}. */
    STOP_TYPING("stop_typing"),
    /** seed 002 {@code create_room} (6-character uppercase id). */
    CREATE_ROOM("create_room"),
    /** seed 000 "registration events": {@code set_username}, {@code register}. */
    SET_USERNAME("set_username", "register"),
    /** seed 003 {@code kick_user {room, target_user_id}}: room creator (or admin) only. */
    KICK_USER("kick_user"),
    /** seed 001 user blocking: {@code block_user {user_id}}. */
    BLOCK_USER("block_user"),
    /** seed 001: {@code unblock_user {user_id}}. */
    UNBLOCK_USER("unblock_user"),
    /** seed 001 {@code file_share {room, file_id}}: shares one's own upload in a room as a {@code file} message. */
    FILE_SHARE("file_share");

    private final String[] eventNames;

    Command(String... eventNames) {
        this.eventNames = eventNames;
    }

    /** Event names that mean this command. */
    public String[] eventNames() {
        return eventNames.clone();
    }

    /** Alias -> command, for every alias of every command. */
    public static Map<String, Command> byEventName() {
        Map<String, Command> m = new java.util.HashMap<>();
        for (Command c : values()) {
            for (String n : c.eventNames) {
                m.put(n, c);
            }
        }
        return Map.copyOf(m);
    }
}
