package dev.chatserver.moderation;

import dev.chatserver.store.MuteDao;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Users muted in a room until a time (admin panel): held in memory (checked on every message without a
 * database read) and stored in {@code mutes} so a restart keeps them. {@link #mute}/{@link #unmute} are
 * blocking (database); {@link #mutedFor} is not.
 */
public final class MuteService {
    private final MuteDao dao;
    private final Clock clock;
    /** room + '\n' + secret token -> until, epoch ms */
    private final Map<String, Long> mutes = new ConcurrentHashMap<>();

    public MuteService(MuteDao dao, Clock clock) {
        this.dao = dao;
        this.clock = clock;
        dao.deleteExpired(clock.millis());
        reload();
    }

    private volatile Runnable changes = () -> { };

    /** Reads the active mutes from the database again (another node changed them: issue #11). Blocking. */
    public void reload() {
        Map<String, Long> now = new java.util.HashMap<>();
        dao.active(clock.millis()).forEach(m -> now.put(key(m.room(), m.token()), m.until()));
        mutes.putAll(now);
        mutes.keySet().retainAll(now.keySet());
    }

    /** Runs {@code r} after each mute or unmute made on this node (the cluster tells the other nodes to reload). */
    public void onChange(Runnable r) {
        this.changes = r;
    }

    /**
     * Mutes a secret token in a room.
     *
     * @param durationMs how long, ms (> 0)
     * @return the end of the mute, epoch ms
     */
    public long mute(String room, String token, long durationMs, String reason, String by) {
        long until = clock.millis() + durationMs;
        dao.mute(room, token, until, reason, by);
        mutes.put(key(room, token), until);
        changes.run();
        return until;
    }

    /** @return true when it was muted */
    public boolean unmute(String room, String token) {
        mutes.remove(key(room, token));
        boolean was = dao.unmute(room, token) > 0;
        changes.run();
        return was;
    }

    /** @return ms the token stays muted in the room, 0 when it may speak */
    public long mutedFor(String room, String token) {
        Long until = mutes.get(key(room, token));
        if (until == null) {
            return 0;
        }
        long left = until - clock.millis();
        if (left <= 0) {
            mutes.remove(key(room, token), until);
            return 0;
        }
        return left;
    }

    private static String key(String room, String token) {
        return room + "\n" + token;
    }
}
