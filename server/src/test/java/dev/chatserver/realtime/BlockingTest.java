package dev.chatserver.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatserver.support.SocketClient;
import dev.chatserver.support.TestServer;
import java.nio.file.Path;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Seed 001 user blocking: a blocked user's messages and typing do not reach the blocker; unblock restores them. */
class BlockingTest {
    @Test
    void blockedUsersMessagesAreNotDeliveredToTheBlocker(@TempDir Path dir) {
        try (TestServer server = TestServer.start(dir);
             SocketClient blocker = server.client(); SocketClient pest = server.client(); SocketClient other = server.client()) {
            blocker.join("BLK", "blocker");
            pest.join("BLK", "pest");
            other.join("BLK", "other");
            String pestId = pest.awaitJson("identity").getString("public_token");
            assertTrue(blocker.request("block_user", new JSONObject().put("user_id", pestId)).getBoolean("ok"));

            pest.send("BLK", "you cannot hear me");
            pest.request("typing", new JSONObject().put("room", "BLK"));
            assertEquals("you cannot hear me", other.awaitJson("message").getString("message"));
            other.send("BLK", "marker");
            assertEquals("marker", blocker.awaitJson("message").getString("message"), "the blocker gets the next message first");
            assertTrue(blocker.drain("user_typing").isEmpty());

            assertTrue(blocker.request("unblock_user", new JSONObject().put("user_id", pestId)).getBoolean("ok"));
            pest.send("BLK", "heard again");
            assertEquals("heard again", blocker.awaitJson("message").getString("message"));
            assertEquals("user_not_found", blocker.request("block_user", new JSONObject().put("user_id", "nobody"))
                    .getJSONObject("error").getString("code"));
        }
    }
}
