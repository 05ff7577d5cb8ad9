package dev.chatserver.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.json.JSONObject;

/**
 * The two halves of a node-failover check (ClusterTest, ClusterBehindNginxTest): messages sent while a client's
 * node is dead, then that client's identity reconnecting elsewhere and replaying from its last seen id.
 */
public final class Failover {
    private Failover() {
    }

    /** {@code sender} sends {@code count} messages to {@code room}, each acked. @return their ids, in order */
    public static List<Long> sendWhileAway(SocketClient sender, String room, int count) {
        List<Long> missed = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            missed.add(sender.send(room, "while away " + i).getLong("id"));
        }
        return missed;
    }

    /**
     * Connects with {@code token} to {@code url}, joins {@code room} with {@code lastId} and asserts that the join
     * is a replay of exactly {@code missed}, in order; then that a new message of {@code sender} arrives live as the
     * next {@code message} (no duplicate of the replay).
     *
     * @return the reconnected client (the caller closes it)
     * @throws AssertionError when the replay or the live message differs
     */
    public static SocketClient reconnectAndReplay(String url, String token, String room, long lastId, List<Long> missed,
                                                  SocketClient sender) {
        SocketClient back = SocketClient.sameIdentity(url, token);
        try {
            JSONObject data = back.ok("join_room", new JSONObject().put("room", room).put("last_id", lastId));
            assertTrue(data.getBoolean("replay"));
            assertEquals(missed, SocketClient.ids(data.getJSONArray("messages")), "exactly the missed messages, in order");
            long next = sender.send(room, "welcome back").getLong("id");
            assertEquals(next, back.awaitJson("message").getLong("id"), "then live, no duplicate of the replay");
            return back;
        } catch (RuntimeException | AssertionError e) {
            back.close();
            throw e;
        }
    }
}
