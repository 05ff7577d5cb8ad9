package dev.chatserver.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatserver.config.DatabaseSettings;
import dev.chatserver.config.ServerConfig;
import dev.chatserver.store.MessageDao;
import dev.chatserver.store.MessageRow;
import dev.chatserver.support.HttpSession;
import dev.chatserver.support.PostgresServer;
import dev.chatserver.support.SocketClient;
import dev.chatserver.support.TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL down (issue #11): messages are refused with {@code unavailable} (ack {@code ok:false} and an
 * {@code error} event), never acked and lost; {@code /readyz} answers 503; when the database is back the server
 * recovers by itself (Hikari reconnects) and every acked message is in the database.
 */
class PostgresOutageTest {
    private static JSONObject send(SocketClient c, String text) {
        return c.request("message", new JSONObject().put("room", "OUTAGE").put("message", text));
    }

    @Test
    void whilePostgresIsDownMessagesAreRefusedAndAfterItReturnsEveryAckedMessageIsStored(@TempDir Path dir) {
        try (PostgresServer pg = PostgresServer.start()) {
            ServerConfig config = ServerConfig.forTests(dir).withDatabase(
                    new DatabaseSettings(pg.createDatabase(), PostgresServer.USER, "", 0));
            try (TestServer server = TestServer.start(config); SocketClient c = server.client()) {
                HttpSession http = new HttpSession(server.url());
                c.join("OUTAGE", "sender");
                List<Long> acked = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    acked.add(c.send("OUTAGE", "before " + i).getLong("id"));
                }
                assertEquals(200, http.get("/readyz").statusCode());

                pg.stop();
                c.drain("error");
                List<String> refused = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    JSONObject ack = send(c, "while down " + i);
                    assertFalse(ack.getBoolean("ok"), "not acked while the database is down: " + ack);
                    assertEquals("unavailable", ack.getJSONObject("error").getString("code"));
                    assertEquals("unavailable", c.awaitJson("error").getString("code"));
                    refused.add("while down " + i);
                }
                var ready = http.get("/readyz");
                assertEquals(503, ready.statusCode(), ready.body());

                pg.startServer();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                int attempt = 0;
                while (true) { // each attempt is a real send that waits for its ack: no sleeping
                    JSONObject ack = send(c, "after " + attempt++);
                    if (ack.getBoolean("ok")) {
                        acked.add(ack.getJSONObject("data").getLong("id"));
                        break;
                    }
                    assertEquals("unavailable", ack.getJSONObject("error").getString("code"));
                    refused.add("after " + (attempt - 1));
                    assertTrue(System.nanoTime() < deadline, "sending did not recover within 60 s");
                }
                for (int i = 0; i < 5; i++) {
                    acked.add(c.send("OUTAGE", "recovered " + i).getLong("id"));
                }
                assertEquals(200, http.get("/readyz").statusCode());

                List<MessageRow> stored = server.server().database().jdbi().onDemand(MessageDao.class).after("OUTAGE", 0, 1000);
                List<Long> storedIds = stored.stream().map(MessageRow::id).toList();
                assertEquals(acked, storedIds, "every acked message is stored, in order, and nothing else");
                for (MessageRow r : stored) {
                    assertFalse(refused.contains(r.text()), "a refused message was stored: " + r.text());
                }
            }
        }
    }
}
