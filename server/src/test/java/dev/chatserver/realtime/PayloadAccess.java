package dev.chatserver.realtime;

import com.fasterxml.jackson.databind.JsonNode;

/** The payload readers of the commands, for fuzzing: each either returns or throws a {@code ChatException}. */
public final class PayloadAccess {
    private PayloadAccess() {
    }

    /**
     * Runs every field reader the commands use (room, text fields, integer fields) over one payload.
     *
     * @throws dev.chatserver.common.ChatException {@code bad_request} (wrong shape or type), {@code not_in_room}
     */
    public static void readAll(JsonNode payload) {
        ChatCommands.roomOf(payload, null, false);
        ChatCommands.firstText(payload, "message", "text", "msg");
        for (String key : new String[] {"room", "username", "to", "emoji", "question", "option", "status"}) {
            ChatCommands.optText(payload, key);
        }
        for (String key : new String[] {"last_id", "message_id", "poll_id", "duration_s", "closes_at"}) {
            ChatCommands.optLong(payload, key);
        }
    }
}
