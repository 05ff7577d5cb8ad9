package dev.chatserver.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatserver.config.ConnectionSettings;
import dev.chatserver.config.ServerConfig;
import dev.chatserver.support.RawHttp;
import dev.chatserver.support.SocketClient;
import dev.chatserver.support.TestServer;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Websocket permessage-deflate (RFC 7692) follows {@code websocketCompression}: off by default (as the Node Socket.IO
 * v4 server), so an offer of it (every browser and socket.io-client makes one) is declined in the handshake; on, it
 * is accepted. Real clients chat either way.
 */
class WebsocketCompressionTest {
    @Test
    void offByDefaultTheOfferIsDeclinedAndClientsChat(@TempDir Path dir) throws IOException {
        try (TestServer server = TestServer.start(dir)) {
            String head = upgradeOfferingDeflate(server.port());
            assertTrue(head.startsWith("HTTP/1.1 101"), head);
            assertFalse(head.toLowerCase(Locale.ROOT).contains("permessage-deflate"), "no compression agreed:\n" + head);
            chat(server);
        }
    }

    @Test
    void onTheOfferIsAcceptedAndClientsChat(@TempDir Path dir) throws IOException {
        ServerConfig config = ServerConfig.forTests(dir).toBuilder()
                .connections(new ConnectionSettings(60_000, 20_000, 256, true)).build();
        try (TestServer server = TestServer.start(config)) {
            String head = upgradeOfferingDeflate(server.port()).toLowerCase(Locale.ROOT);
            assertTrue(head.startsWith("http/1.1 101"), head);
            assertTrue(head.contains("sec-websocket-extensions: permessage-deflate"), "compression agreed:\n" + head);
            chat(server);
        }
    }

    /** Two Java socket.io clients over websocket: a message with its ack and its delivery to the other member. */
    private static void chat(TestServer server) {
        try (SocketClient a = server.client(); SocketClient b = server.client()) {
            a.join("DEFLATE", "alice");
            b.join("DEFLATE", "bob");
            String text = "compress me ".repeat(40).strip(); // 479 characters (the limit is 500; messages are trimmed)
            long id = a.send("DEFLATE", text).getLong("id");
            JSONObject got = b.awaitJson("message", j -> j.getLong("id") == id);
            assertEquals(text, got.getString("message"));
        }
    }

    /** A websocket upgrade to Engine.IO that offers permessage-deflate as browsers do; @return the response head */
    private static String upgradeOfferingDeflate(int port) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(RawHttp.websocketUpgrade("Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return RawHttp.readHead(s.getInputStream());
        }
    }
}
