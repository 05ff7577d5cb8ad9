package dev.chatserver.chat;

import dev.chatserver.store.BlockDao;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who blocked whom (seed 001 "user blocking/unblocking"): held in memory (loaded at start, written through)
 * because fan-out asks it for every recipient. {@link #block}/{@link #unblock} are blocking (database).
 */
public final class BlockService {
    private final BlockDao dao;
    private final Clock clock;
    private final Map<String, Set<String>> blocked = new ConcurrentHashMap<>();

    public BlockService(BlockDao dao, Clock clock) {
        this.dao = dao;
        this.clock = clock;
        for (String pair : dao.all()) {
            int i = pair.indexOf(' ');
            blocked.computeIfAbsent(pair.substring(0, i), k -> ConcurrentHashMap.newKeySet()).add(pair.substring(i + 1));
        }
    }

    /** Non-blocking: whether {@code recipientToken} blocked {@code senderToken}. */
    public boolean blocks(String recipientToken, String senderToken) {
        Set<String> s = blocked.get(recipientToken);
        return s != null && senderToken != null && s.contains(senderToken);
    }

    private volatile java.util.function.Consumer<Map<String, Object>> changes = c -> { };

    public void block(String blockerToken, String blockedToken) {
        dao.block(blockerToken, blockedToken, clock.millis());
        applyRemote(blockerToken, blockedToken, true);
        changes.accept(Map.of("blocker", blockerToken, "blocked", blockedToken, "on", true));
    }

    public void unblock(String blockerToken, String blockedToken) {
        dao.unblock(blockerToken, blockedToken);
        applyRemote(blockerToken, blockedToken, false);
        changes.accept(Map.of("blocker", blockerToken, "blocked", blockedToken, "on", false));
    }

    /**
     * Calls {@code c} after each block or unblock made on this node with {@code {blocker, blocked, on}} (the cluster
     * tells the other nodes, which call {@link #applyRemote}; issue #11).
     */
    public void onChange(java.util.function.Consumer<Map<String, Object>> c) {
        this.changes = c;
    }

    /** Records a block ({@code on}) or unblock in memory only: the database already holds it (another node wrote it). */
    public void applyRemote(String blockerToken, String blockedToken, boolean on) {
        if (on) {
            blocked.computeIfAbsent(blockerToken, k -> ConcurrentHashMap.newKeySet()).add(blockedToken);
        } else {
            Set<String> s = blocked.get(blockerToken);
            if (s != null) {
                s.remove(blockedToken);
            }
        }
    }

    /** Secret tokens a token blocks (a snapshot). */
    public Set<String> blockedBy(String blockerToken) {
        return Set.copyOf(blocked.getOrDefault(blockerToken, Set.of()));
    }
}
