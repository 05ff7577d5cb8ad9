package dev.chatserver.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatserver.config.ServerConfig;
import dev.chatserver.support.SocketClient;
import dev.chatserver.support.TestServer;
import io.socket.client.Ack;
import io.socket.client.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Clean shutdown: sockets are told {@code server_shutdown} before the disconnect; acked messages are stored. */
class GracefulShutdownTest {
    @Test
    void socketsAreToldBeforeTheDisconnectAndAckedMessagesSurvive(@TempDir Path dir) throws Exception {
        TestServer server = TestServer.start(ServerConfig.forTests(dir).withShutdownTimeout(5_000));
        try {
            List<Long> acked = Collections.synchronizedList(new ArrayList<>());
            try (SocketClient c = server.client()) {
                c.join("BYE", "stayer");
                List<String> order = Collections.synchronizedList(new ArrayList<>());
                c.socket().on("server_shutdown", a -> order.add("server_shutdown"));
                c.socket().on(Socket.EVENT_DISCONNECT, a -> order.add("disconnect"));
                acked.add(c.send("BYE", "acked before close").getLong("id"));
                CompletableFuture<JSONObject> lastAck = new CompletableFuture<>();
                c.socket().emit("message", new Object[] {new JSONObject().put("room", "BYE").put("message", "just before close")},
                        (Ack) a -> lastAck.complete((JSONObject) a[0]));

                long start = System.nanoTime();
                server.server().close();
                long closeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                System.out.println("graceful close took " + closeMs + " ms");
                assertTrue(closeMs < 5_000 + 1_000, "close is bounded by shutdownTimeoutMs: " + closeMs + " ms");

                JSONObject notice = c.awaitJson("server_shutdown");
                assertTrue(notice.getBoolean("reconnect"));
                assertFalse(notice.getString("message").isBlank());
                c.await("disconnect");
                assertEquals(List.of("server_shutdown", "disconnect"), List.copyOf(order), "the notice comes first");
                // the ack may have been sent before the disconnect or not at all (refused: server_busy)
                JSONObject ack = lastAck.getNow(null);
                if (ack != null && ack.getBoolean("ok")) {
                    acked.add(ack.getJSONObject("data").getLong("id"));
                }
            }
            server.restart();
            try (SocketClient c = server.client()) {
                JSONArray history = c.join("BYE", "reader").getJSONArray("messages");
                List<Long> stored = SocketClient.ids(history);
                assertTrue(stored.containsAll(acked), "every acked message is stored: " + acked + " in " + stored);
            }
        } finally {
            server.close();
        }
    }
}
