package dev.chatserver.realtime;

import java.util.Collection;
import java.util.Map;

/**
 * Fan-out of room events to sockets. Every delivery of a room event goes through here, so a
 * several-node implementation can replace the local one.
 */
public interface Broadcaster {
    /**
     * Sends one canonical event to each target once, in the target's dialect.
     *
     * @param targets sockets to reach
     * @param event   canonical event
     * @param payload canonical payload (docs/protocol.md); not modified
     */
    void send(Collection<SessionContext> targets, Outbound event, Map<String, Object> payload);
}
