package dev.chatserver.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatserver.config.ConfigLoader;
import dev.chatserver.config.ServerConfig;
import dev.chatserver.support.HttpSession;
import dev.chatserver.support.SocketClient;
import dev.chatserver.support.TestServer;
import dev.chatserver.support.Uploads;
import io.socket.client.IO;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trustedProxies} end to end: behind a trusted proxy (here the test itself on 127.0.0.1, sending the header a
 * proxy would) the client IP of X-Forwarded-For is the one stored with messages and uploads, shown in the admin
 * live view, banned and rate limited, over HTTP and in the Socket.IO handshake; from an untrusted peer the header
 * changes nothing.
 */
class ClientIpEndToEndTest {
    @TempDir
    Path dir;
    TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private TestServer start(List<String> trusted) {
        return TestServer.start(ServerConfig.forTests(dir).toBuilder().trustedProxies(trusted).build());
    }

    private static SocketClient socketFrom(TestServer s, String forwardedFor, String transport) {
        IO.Options o = SocketClient.options();
        o.transports = new String[] {transport};
        o.extraHeaders = Map.of("X-Forwarded-For", List.of(forwardedFor));
        return SocketClient.connect(s.url(), o);
    }

    private static HttpSession admin(TestServer s) {
        HttpSession h = new HttpSession(s.url());
        assertEquals(200, h.postJson("/admin/login", new JSONObject().put("username", "root").put("password", "root")).statusCode());
        return h;
    }

    private static String liveIp(HttpSession admin, String username) {
        JSONArray sessions = new JSONObject(admin.get("/admin/api/sessions").body()).getJSONObject("data").getJSONArray("sessions");
        for (int i = 0; i < sessions.length(); i++) {
            if (sessions.getJSONObject(i).getString("username").equals(username)) {
                return sessions.getJSONObject(i).getString("ip");
            }
        }
        throw new AssertionError("no live session of " + username + ": " + sessions);
    }

    private String storedSenderIp(long messageId) {
        return server.server().database().jdbi().withHandle(h -> h.createQuery("SELECT sender_ip FROM messages WHERE id = ?")
                .bind(0, messageId).mapTo(String.class).one());
    }

    @Test
    void behindATrustedProxyTheForwardedClientIsStoredShownAndBannedInTheHandshake() {
        server = start(List.of("127.0.0.1", "::1"));
        HttpSession admin = admin(server);
        for (String transport : List.of("websocket", "polling")) {
            String name = "via" + transport;
            try (SocketClient c = socketFrom(server, "1.1.1.1, 198.51.100.20", transport)) {
                c.join("PROXIED", name);
                long id = c.send("PROXIED", "hello from behind nginx").getLong("id");
                assertEquals("198.51.100.20", storedSenderIp(id), transport + ": the rightmost untrusted hop is the client");
                assertEquals("198.51.100.20", liveIp(admin, name), transport + ": the admin live view shows it");
            }
        }
        assertEquals(200, admin.postJson("/admin/api/ban", new JSONObject().put("kind", "ip").put("target", "203.0.113.7")).statusCode());
        SocketClient banned = SocketClient.open(server.url(), withHeader("203.0.113.7"));
        try {
            assertNotEquals("connected", banned.awaitConnectResult(), "the banned client is refused at the handshake");
        } finally {
            banned.close();
        }
        try (SocketClient other = socketFrom(server, "203.0.113.8", "websocket")) {
            other.join("PROXIED", "neighbour"); // same proxy, another client: not banned
        }
    }

    private static IO.Options withHeader(String forwardedFor) {
        IO.Options o = SocketClient.options();
        o.extraHeaders = Map.of("X-Forwarded-For", List.of(forwardedFor));
        return o;
    }

    @Test
    void behindATrustedProxyHttpRateLimitsAndUploadsUseTheForwardedClient() {
        server = start(List.of("127.0.0.0/8"));
        HttpSession http = new HttpSession(server.url());
        for (int i = 0; i < 5; i++) { // 5 failed logins per 5 minutes per IP (loginAttemptsPerFiveMinutes)
            HttpResponse<String> r = http.postJson("/login", new JSONObject().put("username", "nobody" + i).put("password", "wrong password"),
                    "X-Forwarded-For", "203.0.113.50");
            assertEquals(401, r.statusCode(), r.body());
        }
        assertEquals(429, http.postJson("/login", new JSONObject().put("username", "nobody9").put("password", "wrong password"),
                "X-Forwarded-For", "203.0.113.50").statusCode(), "that client is limited");
        assertEquals(401, http.postJson("/login", new JSONObject().put("username", "nobody9").put("password", "wrong password"),
                "X-Forwarded-For", "203.0.113.51").statusCode(), "another client behind the same proxy is not");

        String token;
        try (SocketClient c = server.client()) {
            c.join("lobby", null);
            token = c.awaitJson("identity").getString("token");
        }
        String fileId = uploadVia(token, "203.0.113.60");
        assertEquals("203.0.113.60", server.server().database().jdbi().withHandle(h -> h.createQuery(
                "SELECT uploader_ip FROM uploads WHERE id = ?").bind(0, fileId).mapTo(String.class).one()));
    }

    private String uploadVia(String token, String forwardedFor) {
        return Uploads.uploadOk(server.url(), token, "note.txt", "text/plain", "hi\n".getBytes(StandardCharsets.UTF_8),
                "X-Forwarded-For", forwardedFor).getString("file_id");
    }

    @Test
    void fromAnUntrustedPeerTheHeaderChangesNothing() {
        server = start(List.of("10.0.0.0/8")); // the test's 127.0.0.1 is not a trusted proxy
        HttpSession admin = admin(server);
        assertEquals(200, admin.postJson("/admin/api/ban", new JSONObject().put("kind", "ip").put("target", "203.0.113.7")).statusCode());
        try (SocketClient c = socketFrom(server, "203.0.113.7", "websocket")) { // the forged banned address does not count
            c.join("DIRECT", "spoofer");
            long id = c.send("DIRECT", "who am I").getLong("id");
            assertEquals("127.0.0.1", storedSenderIp(id));
            assertEquals("127.0.0.1", liveIp(admin, "spoofer"));
        }
        HttpSession http = new HttpSession(server.url());
        for (int i = 0; i < 5; i++) {
            http.postJson("/login", new JSONObject().put("username", "x" + i).put("password", "wrong password"),
                    "X-Forwarded-For", "203.0.113." + i);
        }
        assertEquals(429, http.postJson("/login", new JSONObject().put("username", "x9").put("password", "wrong password"),
                "X-Forwarded-For", "203.0.113.99").statusCode(), "rotating a forged header does not escape the limit");
    }

    @Test
    void aBadTrustedProxiesValueFailsAtStartWithOneLine() {
        Properties p = new Properties();
        p.setProperty("chat.trustedProxies", "127.0.0.1,nginx.local");
        ConfigLoader.ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigLoader.ConfigException.class,
                () -> new ConfigLoader(Map.of(), p, dir).load());
        assertTrue(e.getMessage().contains("trustedProxies (CHAT_TRUSTED_PROXIES)") && e.getMessage().contains("nginx.local"),
                e.getMessage());
        Properties ok = new Properties();
        ok.setProperty("chat.trustedProxies", " 127.0.0.1 , ::1, 10.0.0.0/8 ");
        assertEquals(List.of("127.0.0.1", "::1", "10.0.0.0/8"), new ConfigLoader(Map.of(), ok, dir).load().trustedProxies());
    }
}
