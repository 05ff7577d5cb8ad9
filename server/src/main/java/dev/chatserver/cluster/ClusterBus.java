package dev.chatserver.cluster;

import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Events between the nodes of one chat (issue #11, docs/scale.md): room fan-out (committed messages, room events,
 * typing, room member lists), direct messages, and control (bans, mutes, admin kick/move, logout, rename).
 * {@link #LOCAL} is the single node: it publishes nothing and receives nothing. {@link RedisCluster} carries the
 * events over one Redis pub/sub channel.
 *
 * <p>Events are JSON objects; integers come back as {@code Long}. A node never receives its own events.
 * Publishing never blocks and never throws: while the bus is not ready, events are dropped (room messages are
 * then caught up from the database when it is ready again, see {@link #onRecovered}).
 */
public interface ClusterBus extends AutoCloseable {
    /** One node, no Redis. */
    ClusterBus LOCAL = new ClusterBus() {
        @Override
        public String nodeId() {
            return "local";
        }

        @Override
        public boolean enabled() {
            return false;
        }

        @Override
        public void publish(String type, Map<String, Object> body) {
        }

        @Override
        public void onEvent(BiConsumer<String, Map<String, Object>> handler) {
        }

        @Override
        public String notReadyReason() {
            return null;
        }

        @Override
        public List<Map<String, Object>> othersLive() {
            return List.of();
        }

        @Override
        public void liveSnapshot(Supplier<List<Map<String, Object>>> sessions) {
        }

        @Override
        public void onRecovered(Runnable action) {
        }

        @Override
        public void onNodesChanged(BiConsumer<List<String>, List<Map<String, Object>>> action) {
        }

        @Override
        public void close() {
        }
    };

    /** This node's id ({@code CHAT_NODE_ID}). */
    String nodeId();

    /** Whether other nodes may exist (Redis configured). */
    boolean enabled();

    /**
     * Sends an event to every other node. Non-blocking; dropped while not ready.
     *
     * @param type event type, e.g. {@code msg}, {@code room_event}, {@code ban}
     * @param body JSON-able map (strings, numbers, booleans, lists, maps, records)
     */
    void publish(String type, Map<String, Object> body);

    /**
     * Sets the receiver of other nodes' events: {@code (type, body)}, called on one thread in arrival order;
     * {@code body.node} is the sender's node id. Blocking work (database) is allowed there.
     */
    void onEvent(BiConsumer<String, Map<String, Object>> handler);

    /** Null when ready (Redis answers and this node receives the channel); else why not, one line. */
    String notReadyReason();

    /**
     * The other live nodes' snapshots {@code {node, at, sessions: [...]}} (each refreshed about every second,
     * gone 5 s after its node stopped). Blocking (one Redis round trip, bounded to ~1 s); empty when unreachable.
     */
    List<Map<String, Object>> othersLive();

    /** What this node publishes as its live sessions (admin live view, presence seeding); read about every second. */
    void liveSnapshot(Supplier<List<Map<String, Object>>> sessions);

    /** Runs after the bus became ready again (also the first time): catch up rooms, republish member lists. */
    void onRecovered(Runnable action);

    /**
     * Runs when other nodes appeared or disappeared: {@code (gone node ids, snapshots of the nodes that appeared)};
     * on the receiving thread.
     */
    void onNodesChanged(BiConsumer<List<String>, List<Map<String, Object>>> action);

    @Override
    void close();
}
