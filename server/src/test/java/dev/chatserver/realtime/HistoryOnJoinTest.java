package dev.chatserver.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatserver.config.RetentionSettings;
import dev.chatserver.config.ServerConfig;
import dev.chatserver.support.SocketClient;
import dev.chatserver.support.TestServer;
import java.nio.file.Path;
import java.util.List;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The history a join gets (its ack's {@code messages} and the {@code history} event) follows every change of the
 * room while the room stays in memory: a new message, an edit, a reaction, a deletion and retention. The server
 * serialises a room's history once and shares it between joins until it changes; each step here joins once
 * before the change (so a stale shared copy exists) and once after it.
 */
class HistoryOnJoinTest {
    private int joiners;

    /** A new socket joins {@code room}: the ack's messages and the history event's are the same. @return them */
    private JSONArray joinAndRead(TestServer server, String room) {
        try (SocketClient c = server.client()) {
            JSONArray ack = c.join(room, "joiner" + (++joiners)).getJSONArray("messages");
            JSONObject history = c.awaitJson("history");
            assertEquals(room, history.getString("room"));
            assertEquals(false, history.getBoolean("replay"));
            assertEquals(ack.toString(), history.getJSONArray("messages").toString(), "the ack and the history event agree");
            return ack;
        }
    }

    private static JSONObject byId(JSONArray messages, long id) {
        for (int i = 0; i < messages.length(); i++) {
            if (messages.getJSONObject(i).getLong("id") == id) {
                return messages.getJSONObject(i);
            }
        }
        throw new AssertionError("no message " + id + " in " + messages);
    }

    @Test
    void everyChangeOfTheRoomReachesTheNextJoin(@TempDir Path dir) {
        ServerConfig config = ServerConfig.forTests(dir).toBuilder()
                .retention(new RetentionSettings(0, 4, 3_600_000L, 500)).build(); // run by hand below
        String room = "HISTJOIN";
        try (TestServer server = TestServer.start(config); SocketClient ann = server.client()) {
            ann.join(room, "ann");
            long m1 = ann.send(room, "one").getLong("id");
            long m2 = ann.send(room, "two").getLong("id");
            long m3 = ann.send(room, "three").getLong("id");
            assertEquals(List.of(m1, m2, m3), SocketClient.ids(joinAndRead(server, room)));

            long m4 = ann.send(room, "four").getLong("id");
            assertEquals(List.of(m1, m2, m3, m4), SocketClient.ids(joinAndRead(server, room)), "a new message");

            ann.ok("edit_message", new JSONObject().put("message_id", m1).put("message", "one, edited"));
            JSONObject edited = byId(joinAndRead(server, room), m1);
            assertEquals("one, edited", edited.getString("message"), "an edit");
            assertTrue(edited.getBoolean("edited"));

            ann.ok("react", new JSONObject().put("message_id", m2).put("emoji", "👍"));
            assertEquals(1, byId(joinAndRead(server, room), m2).getJSONObject("reactions").getJSONObject("counts").getInt("👍"),
                    "a reaction");

            ann.ok("delete_message", new JSONObject().put("message_id", m3));
            assertTrue(byId(joinAndRead(server, room), m3).getBoolean("deleted"), "a deletion");

            long m5 = ann.send(room, "five").getLong("id");
            assertEquals(List.of(m1, m2, m3, m4, m5), SocketClient.ids(joinAndRead(server, room)));
            assertEquals(1, server.server().retention().runOnce().deletedByCount(), "at most 4 per room: the oldest goes");
            assertEquals(List.of(m2, m3, m4, m5), SocketClient.ids(joinAndRead(server, room)), "retention");
        }
    }
}
