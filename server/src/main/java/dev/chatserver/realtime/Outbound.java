package dev.chatserver.realtime;

/**
 * Canonical server-to-client room events; each {@link Dialect} names them its own way. Events that no seed
 * names differently carry one fixed name for every dialect.
 */
public enum Outbound {
    CHAT_MESSAGE, USER_JOINED, USER_LEFT, TYPING, STOP_TYPING, PRESENCE,
    /** {@code message_edited {id, message_id, room, message, text, edited, edited_at, edited_by}}. */
    MESSAGE_EDITED("message_edited"),
    /** {@code message_deleted {id, message_id, room, deleted_by}}. */
    MESSAGE_DELETED("message_deleted"),
    /** seed 001 {@code message_reaction {message_id, room, emoji, counts, users}}. */
    MESSAGE_REACTION("message_reaction"),
    /** seed 001 {@code poll_updated}: the whole poll with its results. */
    POLL_UPDATED("poll_updated"),
    /** {@code read {room, user_id, username, message_id}}: a read receipt. */
    READ("read"),
    /** {@code user_status {user_id, username, status, last_seen}}: online / away / offline. */
    USER_STATUS("user_status");

    private final String fixedName;

    Outbound() {
        this(null);
    }

    Outbound(String fixedName) {
        this.fixedName = fixedName;
    }

    /** The one event name of this event in every dialect, or null when dialects differ. */
    public String fixedName() {
        return fixedName;
    }
}
