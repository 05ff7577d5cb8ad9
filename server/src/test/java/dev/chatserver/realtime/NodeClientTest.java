package dev.chatserver.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatserver.support.SocketClient;
import dev.chatserver.support.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The official Node socket.io-client v4 (from node_modules) chats with a Java client in one room. */
class NodeClientTest {
    @Test
    void nodeSocketIoClientAndJavaClientChatInOneRoom(@TempDir Path dir) throws Exception {
        try (TestServer server = TestServer.start(dir); SocketClient java = server.client()) {
            java.join("NODE", "javauser");
            Process node = new ProcessBuilder("node", "server/src/test/node/chat-client.js", server.url(), "NODE",
                    "nodeuser", "hello from node").redirectErrorStream(true).start();
            assertTrue(node.waitFor(20, TimeUnit.SECONDS), "node client finished");
            String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertEquals(0, node.exitValue(), out);
            JSONObject result = new JSONObject(out.substring(out.lastIndexOf('{')));
            assertTrue(result.getBoolean("ok"));
            JSONObject m = java.awaitJson("message");
            assertEquals("hello from node", m.getString("message"));
            assertEquals("nodeuser", m.getString("username"));
            assertEquals(result.getLong("id"), m.getLong("id"));
        }
    }
}
