package dev.chatserver.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatserver.config.ConnectionSettings;
import dev.chatserver.config.ServerConfig;
import dev.chatserver.support.SocketClient;
import dev.chatserver.support.TestServer;
import io.socket.client.IO;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Idle and slow HTTP clients (issue #9) against a server with 800 ms timeouts, over raw TCP sockets: a connection
 * that sends nothing, a keep-alive connection gone quiet, headers or a body trickled byte by byte (slowloris)
 * are all closed; websocket and long-polling Socket.IO connections, which stay quiet far longer, are not.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlowClientTest {
    static final long IDLE_MS = 800;
    static final long REQUEST_MS = 800;
    TestServer server;

    @BeforeAll
    void start(@TempDir Path dir) {
        server = TestServer.start(ServerConfig.forTests(dir).toBuilder()
                .connections(new ConnectionSettings(IDLE_MS, REQUEST_MS, 256))
                .pingIntervalMs(3_000).pingTimeoutMs(3_000).build());
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", server.port());
        s.setSoTimeout(10_000); // every read below fails the test after 10 s
        return s;
    }

    /** Reads until the server closes; @return everything read. @throws SocketTimeoutException after 10 s */
    private static String readUntilClosed(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        int n;
        while ((n = in.read(buf)) >= 0) {
            out.write(buf, 0, n);
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void aConnectionThatSendsNothingIsClosed() throws Exception {
        try (Socket s = connect()) {
            long t0 = System.nanoTime();
            assertEquals("", readUntilClosed(s.getInputStream()));
            System.out.printf("silent connection closed after %d ms (httpIdleTimeoutMs %d)%n", (System.nanoTime() - t0) / 1_000_000, IDLE_MS);
        }
    }

    @Test
    void aKeepAliveConnectionIsClosedWhenIdleAfterItsResponse() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String all = readUntilClosed(s.getInputStream());
            assertTrue(all.startsWith("HTTP/1.1 200"), all);
            assertTrue(all.contains("\"status\":\"ok\""), all);
        }
    }

    @Test
    void headersSentByteByByteGet408AndTheConnectionClosed() throws Exception {
        try (Socket s = connect()) {
            CompletableFuture<Integer> sent = trickle(s.getOutputStream(),
                    "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + "a".repeat(10_000) + "\r\n\r\n");
            long t0 = System.nanoTime();
            String all = readUntilClosed(s.getInputStream());
            System.out.printf("slow headers: 408 after %d ms, %d bytes trickled%n", (System.nanoTime() - t0) / 1_000_000,
                    sent.get(10, TimeUnit.SECONDS));
            assertTrue(all.startsWith("HTTP/1.1 408"), all);
            assertTrue(all.contains("\"code\":\"request_timeout\""), all);
        }
    }

    @Test
    void aBodySentByteByByteGets408AndTheConnectionClosed() throws Exception {
        try (Socket s = connect()) {
            String body = "{\"username\":\"" + "a".repeat(2_000) + "\"}";
            s.getOutputStream().write(("POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            trickle(s.getOutputStream(), body);
            String all = readUntilClosed(s.getInputStream());
            assertTrue(all.startsWith("HTTP/1.1 408"), all);
        }
    }

    @Test
    void aSlowButSteadyRequestWithinTheTimeIsServed() throws Exception {
        try (Socket s = connect()) { // the head in 4 pieces over ~300 ms: well inside 800 ms
            OutputStream out = s.getOutputStream();
            for (String part : new String[] {"GET /hea", "lthz HTTP/1.1\r\n", "Host: x\r\n", "Connection: close\r\n\r\n"}) {
                out.write(part.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread.sleep(100); // pacing of the client under test, not synchronisation
            }
            assertTrue(readUntilClosed(s.getInputStream()).startsWith("HTTP/1.1 200"));
        }
    }

    /** Writes one byte every 50 ms on another thread until done or the server closes. @return bytes written */
    private static CompletableFuture<Integer> trickle(OutputStream out, String text) {
        return CompletableFuture.supplyAsync(() -> {
            byte[] b = text.getBytes(StandardCharsets.US_ASCII);
            int i = 0;
            try {
                for (; i < b.length; i++) {
                    out.write(b[i]);
                    out.flush();
                    Thread.sleep(50); // the slowloris pace
                }
            } catch (IOException | InterruptedException e) {
                // the server closed the connection: the point of the test
            }
            return i;
        });
    }

    @Test
    void quietWebsocketAndLongPollingSocketsAreNotCut() throws Exception {
        IO.Options polling = SocketClient.options();
        polling.transports = new String[] {"polling"};
        try (SocketClient ws = server.client(); SocketClient lp = SocketClient.connect(server.url(), polling)) {
            ws.join("QUIET", "ws");
            lp.join("QUIET", "lp");
            // 4 idle timeouts of silence (apart from Engine.IO's own pings every 3 s): neither may be dropped
            assertNull(pollDisconnect(ws, 4 * IDLE_MS), "websocket cut");
            assertNull(pollDisconnect(lp, 0), "long-polling socket cut");
            JSONObject sent = lp.send("QUIET", "still here");
            assertEquals("still here", ws.awaitJson("message", m -> m.getLong("id") == sent.getLong("id")).getString("message"));
            assertTrue(ws.socket().connected() && lp.socket().connected());
        }
    }

    /** Waits up to {@code ms} for a disconnect event; @return it, or null when none came */
    private static Object pollDisconnect(SocketClient c, long ms) throws InterruptedException {
        CompletableFuture<Object> gone = new CompletableFuture<>();
        c.socket().once(io.socket.client.Socket.EVENT_DISCONNECT, a -> gone.complete(a.length > 0 ? a[0] : "disconnect"));
        if (!c.socket().connected()) {
            return "not connected";
        }
        try {
            return gone.get(Math.max(1, ms), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            return null;
        } catch (java.util.concurrent.ExecutionException e) {
            return e;
        }
    }
}
