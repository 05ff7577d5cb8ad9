package dev.chatserver.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatserver.support.SocketClient;
import dev.chatserver.support.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Pages, assets, the history API and the Origin allowlist over real HTTP on the Socket.IO port. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpEndpointsTest {
    TestServer server;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start(@TempDir Path dir) {
        server = TestServer.start(dir);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void lobbyAndRoomPagesAreServedWithSecurityHeaders() throws Exception {
        for (String path : new String[] {"/", "/room/ABC123"}) {
            HttpResponse<String> r = get(path);
            assertEquals(200, r.statusCode());
            assertTrue(r.body().contains("/vendor/socket.io.min.js"));
            String csp = r.headers().firstValue("content-security-policy").orElseThrow();
            assertTrue(csp.contains("default-src 'self'") && !csp.contains("unsafe-inline"), csp);
            assertEquals("nosniff", r.headers().firstValue("x-content-type-options").orElseThrow());
            assertEquals("DENY", r.headers().firstValue("x-frame-options").orElseThrow());
            assertFalse(r.body().contains("<script>"), "no inline script");
        }
    }

    @Test
    void theSocketIoBrowserBundleFromNpmIsServed() throws Exception {
        HttpResponse<String> r = get("/vendor/socket.io.min.js");
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("Socket.IO v4"), "the v4 bundle");
        assertTrue(r.headers().firstValue("content-type").orElseThrow().startsWith("text/javascript"));
        String etag = r.headers().firstValue("etag").orElseThrow();
        assertEquals(304, get("/vendor/socket.io.min.js", "If-None-Match", etag).statusCode());
    }

    @Test
    void unknownPathsGet404WithoutInternals() throws Exception {
        HttpResponse<String> page = get("/no/such/page");
        assertEquals(404, page.statusCode());
        assertFalse(page.body().contains("Exception"));
        HttpResponse<String> api = get("/api/nothing");
        assertEquals(404, api.statusCode());
        assertEquals("not_found", new JSONObject(api.body()).getJSONObject("error").getString("code"));
        assertEquals(404, get("/static/../schema.sql").statusCode());
    }

    @Test
    void postToAPageIs405() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/"))
                .POST(HttpRequest.BodyPublishers.ofString("x=1")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, r.statusCode());
    }

    @Test
    void historyApiPagesBackThroughARoom() throws Exception {
        try (SocketClient c = server.client()) {
            c.join("PAGED", "pager");
            long last = 0;
            for (int i = 0; i < 30; i++) {
                last = c.send("PAGED", "p" + i).getLong("id");
            }
            JSONObject page = new JSONObject(get("/api/history?room=PAGED&limit=10&before=" + last).body());
            assertEquals(10, page.getJSONArray("messages").length());
            assertEquals("p19", page.getJSONArray("messages").getJSONObject(0).getString("message"));
            assertEquals("p28", page.getJSONArray("messages").getJSONObject(9).getString("message"));
            assertFalse(page.toString().contains("sender_ip") || page.toString().contains("\"token\""), "no secrets");
        }
        assertEquals(400, get("/api/history?room=PAGED&limit=abc").statusCode());
        assertEquals(400, get("/api/history?room=PAGED&limit=1000").statusCode());
        assertEquals(400, get("/api/history?room=..").statusCode());
    }

    /**
     * netty-socketio closes the connection after every long-polling answer; the answer must say so, or a client
     * that keeps the connection for its next request (a POST of packets is not retried) gets a reset. This class's
     * own shared HttpClient hit that once in CI: the handshake test's connection was reused by the 405 test.
     */
    @Test
    void longPollingAnswersSayTheConnectionCloses() throws Exception {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Connection: keep-alive\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String head = dev.chatserver.support.RawHttp.readHead(s.getInputStream()).toLowerCase(java.util.Locale.ROOT);
            assertTrue(head.startsWith("http/1.1 200"), head);
            assertTrue(head.contains("\r\nconnection: close\r\n"), head);
            assertFalse(head.contains("keep-alive"), head);
        }
    }

    @Test
    void socketHandshakeFromAForeignOriginIsRefused() throws Exception {
        String handshake = "/socket.io/?EIO=4&transport=polling";
        assertEquals(403, get(handshake, "Origin", "https://evil.example").statusCode());
        assertEquals(200, get(handshake, "Origin", "http://localhost:3000").statusCode());
        assertEquals(200, get(handshake, "Origin", server.url()).statusCode());
        assertEquals(200, get(handshake).statusCode(), "non-browser clients send no Origin");
    }

    @Test
    void anOversizedBodyIs413AndTheServerKeepsServing() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/history?room=lobby"))
                .method("GET", HttpRequest.BodyPublishers.ofString("x".repeat(70_000))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(413, r.statusCode());
        assertEquals("body_too_large", new JSONObject(r.body()).getJSONObject("error").getString("code"));
        assertEquals(200, get("/healthz").statusCode());
    }

    @Test
    void healthzAndReadyz() throws Exception {
        assertEquals("ok", new JSONObject(get("/healthz").body()).getString("status"));
        assertEquals("ready", new JSONObject(get("/readyz").body()).getString("status"));
    }
}
