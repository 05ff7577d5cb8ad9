package dev.chatserver.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatserver.support.HttpSession;
import dev.chatserver.support.SocketClient;
import dev.chatserver.support.TestServer;
import java.nio.file.Path;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Seed 001's JSON API: /api/users, /api/rooms, /api/conversations, /api/profile_stats over real HTTP. */
class DirectoryApiTest {
    @Test
    void usersRoomsAndProfileStatisticsReflectWhatWasSaid(@TempDir Path dir) {
        try (TestServer server = TestServer.start(dir)) {
            HttpSession alice = new HttpSession(server.url());
            alice.register("alice", "correct horse battery");
            try (SocketClient a = alice.socket()) {
                a.join("ROOM1", null);
                a.send("ROOM1", "one");
                a.join("ROOM2", null);
                a.send("ROOM2", "two");

                JSONArray users = new JSONObject(alice.get("/api/users").body()).getJSONArray("users");
                JSONObject me = users.getJSONObject(0);
                assertEquals("alice", me.getString("username"));
                assertEquals(2, me.getInt("messages_sent"));
                assertEquals("online", me.getString("status"));
                assertTrue(me.getBoolean("is_admin"), "the first account is admin (seed 001)");
                assertFalse(me.has("email"));

                String rooms = alice.get("/api/rooms").body();
                assertTrue(rooms.contains("\"ROOM1\"") && rooms.contains("\"ROOM2\"") && rooms.contains("\"lobby\""), rooms);

                JSONObject stats = new JSONObject(alice.get("/api/profile_stats").body());
                assertEquals(2, stats.getInt("messages_sent"));
                assertEquals(2, stats.getInt("rooms"));
                assertTrue(stats.getLong("joined_at") > 0);

                assertEquals(0, new JSONObject(alice.get("/api/conversations").body()).getJSONArray("conversations").length());
            }
            HttpSession stranger = new HttpSession(server.url());
            assertEquals(401, stranger.get("/api/conversations").statusCode());
            assertEquals(401, stranger.get("/api/users").statusCode());
            String known = stranger.get("/api/rooms").body();
            assertTrue(known.contains("\"lobby\"") && !known.contains("ROOM1"), "room codes are invitations: not listed to strangers");
        }
    }
}
