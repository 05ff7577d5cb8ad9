package dev.chatserver.moderation;

import dev.chatserver.store.BanDao;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Banned tokens (seed 000: "banned tokens blocked at login"). The set is held in memory, loaded at start
 * and written through, so the Socket.IO handshake can check it without touching the database on a
 * Netty thread. {@link #ban}/{@link #unban} are blocking (database).
 */
public final class BanService {
    private final BanDao dao;
    private final Clock clock;
    private final Set<String> banned = ConcurrentHashMap.newKeySet();
    private final java.util.List<java.util.function.Consumer<String>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    public BanService(BanDao dao, Clock clock) {
        this.dao = dao;
        this.clock = clock;
        banned.addAll(dao.allTokens());
    }

    /** Non-blocking check. */
    public boolean isBanned(String token) {
        return token != null && banned.contains(token);
    }

    /** Bans a secret token with a reason (stored). */
    public void ban(String token, String reason) {
        dao.ban(token, reason, clock.millis());
        banned.add(token);
        listeners.forEach(l -> l.accept(token));
    }

    /** Calls {@code listener} with each newly banned token (the gateway drops its live sockets). */
    public void onBan(java.util.function.Consumer<String> listener) {
        listeners.add(listener);
    }

    /** @return true if the token was banned */
    public boolean unban(String token) {
        banned.remove(token);
        return dao.unban(token) > 0;
    }
}
