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
    FILE_SHARE("file_share"),
    /** seed 001 {@code private_message {to, message}} (to: public token, account id or name). */
    PRIVATE_MESSAGE("private_message"),
    /** {@code list_conversations {}}: private conversations with unread counts. */
    LIST_CONVERSATIONS("list_conversations"),
    /** {@code dm_history {with, before?, limit?}}: messages of one private conversation. */
    DM_HISTORY("dm_history"),
    /** {@code add_reaction {message_id, emoji}}; alias {@code react} (with {@code remove: true} it removes). */
    ADD_REACTION("add_reaction", "react"),
    /** {@code remove_reaction {message_id, emoji}}. */
    REMOVE_REACTION("remove_reaction"),
    /** {@code edit_message {message_id, message}}: own messages (admins: any). */
    EDIT_MESSAGE("edit_message"),
    /** {@code delete_message {message_id}}: own messages (admins: any). */
    DELETE_MESSAGE("delete_message"),
    /** seed 001 {@code create_poll {room, question, options, multiple?, closes_at?}}. */
    CREATE_POLL("create_poll"),
    /** seed 001 {@code vote_poll {poll_id, option}}. */
    VOTE_POLL("vote_poll"),
    /** {@code close_poll {poll_id}}: the poll's creator or an admin. */
    CLOSE_POLL("close_poll"),
    /** {@code list_polls {room}}. */
    LIST_POLLS("list_polls"),
    /** {@code read {room, message_id}}: read receipt; alias {@code mark_read}. */
    READ("read", "mark_read"),
    /** {@code set_presence {status: online|away}}; alias {@code set_status}. */
    SET_PRESENCE("set_presence", "set_status");

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
