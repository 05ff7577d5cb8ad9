package dev.chatserver.moderation;

import dev.chatserver.store.BanDao;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Bans of secret tokens, accounts (by their chat token) and IPs, permanent or until a time (seed 000:
 * "banned tokens blocked at login"; admin panel). The active bans are held in memory, loaded at start and
 * written through, so the Socket.IO handshake checks them without touching the database on a Netty thread;
 * a timed ban stops counting at its expiry by itself. {@link #ban}/{@link #unban} are blocking (database).
 */
public final class BanService {
    /** Ban kinds. */
    public static final String TOKEN = "token";
    public static final String ACCOUNT = "account";
    public static final String IP = "ip";

    private final BanDao dao;
    private final Clock clock;
    /** secret token -> expiry epoch ms (Long.MAX_VALUE: permanent) */
    private final Map<String, Long> tokens = new ConcurrentHashMap<>();
    /** IP -> expiry epoch ms */
    private final Map<String, Long> ips = new ConcurrentHashMap<>();
    private final List<BiConsumer<String, String>> listeners = new CopyOnWriteArrayList<>();
    private volatile Consumer<Map<String, Object>> changes = c -> { };

    public BanService(BanDao dao, Clock clock) {
        this.dao = dao;
        this.clock = clock;
        reload();
    }

    /**
     * Reads the active bans from the database again (another node changed them: issue #11). Blocking.
     * A value banned both before and after stays banned throughout.
     */
    public void reload() {
        Map<String, Long> t = new java.util.HashMap<>();
        Map<String, Long> i = new java.util.HashMap<>();
        for (BanDao.BanRow r : dao.active(clock.millis())) {
            (r.kind().equals(IP) ? i : t).merge(r.value(), r.expiresAt() == null ? Long.MAX_VALUE : r.expiresAt(), Math::max);
        }
        tokens.putAll(t);
        tokens.keySet().retainAll(t.keySet());
        ips.putAll(i);
        ips.keySet().retainAll(i.keySet());
    }

    /**
     * Calls {@code c} after each ban or unban made on this node, with {@code {action: "ban"|"unban", kind, value}}
     * (the cluster tells the other nodes, which call {@link #applyRemote}).
     */
    public void onChange(Consumer<Map<String, Object>> c) {
        this.changes = c;
    }

    /**
     * Another node banned or unbanned: reloads the bans and, for a ban, runs the listeners (they drop this node's
     * sockets of the value). Blocking (database).
     */
    public void applyRemote(String action, String kind, String value) {
        reload();
        if ("ban".equals(action)) {
            listeners.forEach(l -> l.accept(kind, value));
        }
    }

    /** Non-blocking: whether a secret token (anonymous or an account's) is banned now. */
    public boolean isBanned(String token) {
        return token != null && live(tokens, token);
    }

    /** Non-blocking: whether an IP is banned now. */
    public boolean isIpBanned(String ip) {
        return ip != null && live(ips, ip);
    }

    private boolean live(Map<String, Long> map, String key) {
        Long until = map.get(key);
        if (until == null) {
            return false;
        }
        if (until > clock.millis()) {
            return true;
        }
        map.remove(key, until); // expired: forget it (the row stays for the record until unbanned)
        return false;
    }

    /** Bans a secret token permanently with a reason (stored). */
    public void ban(String token, String reason) {
        ban(TOKEN, token, reason, null, 0);
    }

    /**
     * Bans a value; listeners drop its live sockets.
     *
     * @param kind       {@link #TOKEN}, {@link #ACCOUNT} (value: the account's chat token) or {@link #IP}
     * @param value      secret token or IP
     * @param reason     free text, or null
     * @param by         admin name, or null
     * @param durationMs 0 for permanent, else how long, ms
     * @return expiry epoch ms, or null when permanent
     */
    public Long ban(String kind, String value, String reason, String by, long durationMs) {
        if (!kind.equals(TOKEN) && !kind.equals(ACCOUNT) && !kind.equals(IP)) {
            throw new IllegalArgumentException("unknown ban kind " + kind);
        }
        long now = clock.millis();
        Long expires = durationMs > 0 ? now + durationMs : null;
        dao.ban(kind, value, reason, by, now, expires);
        (kind.equals(IP) ? ips : tokens).put(value, expires == null ? Long.MAX_VALUE : expires);
        listeners.forEach(l -> l.accept(kind, value));
        changes.accept(Map.of("action", "ban", "kind", kind, "value", value));
        return expires;
    }

    /** Calls {@code listener} with each newly banned token (the gateway drops its live sockets). */
    public void onBan(Consumer<String> listener) {
        listeners.add((kind, value) -> {
            if (!kind.equals(IP)) {
                listener.accept(value);
            }
        });
    }

    /** Calls {@code listener} with (kind, value) of each new ban. */
    public void onBanned(BiConsumer<String, String> listener) {
        listeners.add(listener);
    }

    /** @return true if the token was banned */
    public boolean unban(String token) {
        boolean a = unban(TOKEN, token);
        boolean b = unban(ACCOUNT, token);
        return a || b;
    }

    /** Lifts a ban. @return true if there was one */
    public boolean unban(String kind, String value) {
        if (kind.equals(IP)) {
            ips.remove(value);
        } else if (dao.active(clock.millis()).stream().noneMatch(r -> !r.kind().equals(IP) && !r.kind().equals(kind) && r.value().equals(value))) {
            tokens.remove(value);
        }
        boolean was = dao.unban(kind, value) > 0;
        changes.accept(Map.of("action", "unban", "kind", kind, "value", value));
        return was;
    }

    /** Active bans, newest first (blocking). */
    public List<BanDao.BanRow> active() {
        return dao.active(clock.millis());
    }
}
