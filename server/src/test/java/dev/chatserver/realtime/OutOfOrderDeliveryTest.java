package dev.chatserver.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatserver.store.MessageRow;
import dev.chatserver.support.SocketClient;
import dev.chatserver.support.TestServer;
import java.nio.file.Path;
import java.util.List;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With several nodes a room's committed messages can reach a node out of id order (A commits 10, B commits 11, B's
 * arrives first). Rows are handed to {@link RoomRegistry#deliver} here exactly as the cluster relay does: nothing
 * older than the newest is skipped, nothing is delivered twice, history stays in id order, and a socket that got a
 * not yet delivered row in its join replay does not get it again live.
 */
class OutOfOrderDeliveryTest {
    @TempDir
    Path dir;

    @Test
    void olderIdArrivingLateIsDeliveredOnceAndHistoryStaysInIdOrder() {
        try (TestServer t = TestServer.start(dir);
             SocketClient a = t.client()) {
            String room = "ooo";
            a.join(room, "alice");
            RoomRegistry rooms = t.server().rooms();
            MessageRow ten = store(t, room, 1_000_010, "ten");
            MessageRow eleven = store(t, room, 1_000_011, "eleven");
            rooms.deliver(eleven);
            rooms.deliver(ten); // the old lastId rule skipped this one although it was acked on its node
            rooms.deliver(ten); // a second copy (e.g. catch-up after a Redis outage) is dropped
            rooms.deliver(eleven);
            assertEquals(1_000_011, a.awaitJson("message").getLong("id"));
            assertEquals(1_000_010, a.awaitJson("message").getLong("id"));
            long marker = a.send(room, "marker").getLong("id");
            assertEquals(marker, a.awaitJson("message").getLong("id"), "no duplicate before the marker");

            try (SocketClient late = t.client()) {
                assertEquals(List.of(1_000_010L, 1_000_011L, marker), SocketClient.ids(late.join(room, "late").getJSONArray("messages")),
                        "history sorted by id");
            }

            // "twelve" is committed but not delivered here yet: a socket replaying from eleven gets it from the database,
            // and its live copy then reaches the others only
            MessageRow twelve = store(t, room, 1_000_020, "twelve");
            try (SocketClient replaying = t.client()) {
                JSONObject data = replaying.ok("join_room", new JSONObject().put("room", room).put("last_id", 1_000_011));
                assertTrue(data.getBoolean("replay"));
                assertEquals(List.of(marker, 1_000_020L), SocketClient.ids(data.getJSONArray("messages")));
                rooms.deliver(twelve);
                assertEquals(1_000_020, a.awaitJson("message").getLong("id"));
                long marker2 = a.send(room, "marker 2").getLong("id");
                assertEquals(marker2, replaying.awaitJson("message").getLong("id"), "twelve not sent twice to the replaying socket");
                assertFalse(replaying.drain("message").stream().anyMatch(m -> ((JSONObject) m).getLong("id") == 1_000_020));
            }
        }
    }

    /** Inserts a row with a chosen id, as another node's writer would have committed it. */
    private static MessageRow store(TestServer t, String room, long id, String text) {
        t.server().database().jdbi().useHandle(h -> h.execute(
                "INSERT INTO messages (id, room, token, username, text, kind, sender_ip, created_at) VALUES (?, ?, NULL, 'other', ?, 'chat', '10.0.0.9', ?)",
                id, room, text, System.currentTimeMillis()));
        return new MessageRow(id, room, null, null, "other", text, "chat", "10.0.0.9", System.currentTimeMillis());
    }
}
