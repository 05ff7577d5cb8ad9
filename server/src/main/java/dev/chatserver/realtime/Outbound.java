package dev.chatserver.realtime;

/** Canonical server-to-client room events; each {@link Dialect} names them its own way. */
public enum Outbound {
    CHAT_MESSAGE, USER_JOINED, USER_LEFT, TYPING, STOP_TYPING, PRESENCE
}
