package dev.chatserver.realtime;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** Live sockets of this node by session id. */
public final class SessionRegistry {
    private final Map<UUID, SessionContext> sessions = new ConcurrentHashMap<>();

    public void add(SessionContext ctx) {
        sessions.put(ctx.sessionId(), ctx);
    }

    /** @return the removed context, or null */
    public SessionContext remove(UUID sessionId) {
        return sessions.remove(sessionId);
    }

    /** @return the context, or null when not connected here */
    public SessionContext get(UUID sessionId) {
        return sessions.get(sessionId);
    }

    /** Live sockets whose identity has this secret token. */
    public List<SessionContext> forToken(String token) {
        return sessions.values().stream()
                .filter(c -> c.identity() != null && c.identity().token().equals(token)).toList();
    }

    public Collection<SessionContext> all() {
        return sessions.values();
    }

    public int size() {
        return sessions.size();
    }
}
