package dev.chatserver.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.chatserver.config.ServerConfig;
import dev.chatserver.support.HttpSession;
import dev.chatserver.support.SocketClient;
import dev.chatserver.support.TestServer;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Abuse limits and account settings that need their own server configuration. */
class LimitsEndToEndTest {
    @TempDir
    Path dir;

    @Test
    void messagesBeyondThePerMinuteLimitAreRefusedWithRetryAfter() {
        try (TestServer server = TestServer.start(ServerConfig.forTests(dir).withLimits(3, 1000));
             SocketClient c = server.client()) {
            c.join("LIM", "limited");
            for (int i = 0; i < 3; i++) {
                c.send("LIM", "ok " + i);
            }
            JSONObject ack = c.request("message", new JSONObject().put("room", "LIM").put("message", "one too many"));
            assertFalse(ack.getBoolean("ok"));
            JSONObject error = ack.getJSONObject("error");
            assertEquals("rate_limited", error.getString("code"));
            assertTrue(error.getLong("retry_after_ms") > 0);
        }
    }

    @Test
    void wrongPasswordFiveTimesThenRateLimitedAndUnknownUsersLookTheSame() {
        String pw = "correct horse battery";
        try (TestServer server = TestServer.start(dir)) {
        new HttpSession(server.url()).register("targetuser", pw);
        HttpSession s = new HttpSession(server.url());
        HttpResponse<String> unknown = s.postJson("/login", new JSONObject().put("username", "nobody-here").put("password", "whatever123"));
        HttpResponse<String> wrong = s.postJson("/login", new JSONObject().put("username", "targetuser").put("password", "wrong password"));
        assertEquals(401, unknown.statusCode());
        assertEquals(unknown.body(), wrong.body(), "no user enumeration");
        // the IP now has 2 failures; 3 more use up the 5, then even the right password gets 429
        for (int i = 0; i < 3; i++) {
            assertEquals(401, s.postJson("/login", new JSONObject().put("username", "targetuser").put("password", "wrong" + i)).statusCode());
        }
        HttpResponse<String> limited = s.postJson("/login", new JSONObject().put("username", "targetuser").put("password", pw));
        assertEquals(429, limited.statusCode());
        assertTrue(Integer.parseInt(limited.headers().firstValue("retry-after").orElseThrow()) > 0);
        assertEquals("rate_limited", new JSONObject(limited.body()).getJSONObject("error").getString("code"));
        }
    }

    @Test
    void connectionsPerIpAreCapped() {
        try (TestServer server = TestServer.start(ServerConfig.forTests(dir).withLimits(1000, 2));
             SocketClient a = server.client(); SocketClient b = server.client();
             SocketClient c = SocketClient.open(server.url(), SocketClient.options())) {
            assertNotEquals("connected", c.awaitConnectResult(), "the third socket from one IP is refused");
            a.join("CAP", "a");
            b.join("CAP", "b");
            a.send("CAP", "still chatting");
            assertEquals("still chatting", b.awaitJson("message").getString("message"));
        }
    }

    @Test
    void withoutAnonymousChatASocketNeedsALogin() throws Exception {
        try (TestServer server = TestServer.start(ServerConfig.forTests(dir).withAccounts(false, false, ""))) {
            try (SocketClient anon = server.client()) {
                CompletableFuture<Object> gone = new CompletableFuture<>();
                anon.socket().on(io.socket.client.Socket.EVENT_DISCONNECT, a -> gone.complete("gone"));
                anon.emit("join_room", new JSONObject().put("room", "lobby"));
                assertEquals("login_required", anon.awaitJson("error").getString("code"));
                gone.get(5, TimeUnit.SECONDS); // and the server closes the socket
                assertTrue(anon.drain("history").isEmpty(), "nothing of the room was sent");
            }
            HttpSession s = new HttpSession(server.url());
            s.register("member1", "correct horse battery");
            try (SocketClient c = s.socket()) {
                c.join("lobby", null);
                assertEquals("member1", c.awaitJson("identity").getString("username"));
            }
        }
    }

    @Test
    void lockoutAlertReachesTheWebhook() throws Exception {
        CompletableFuture<String> received = new CompletableFuture<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", ex -> {
            received.complete(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        receiver.start();
        try (TestServer server = TestServer.start(ServerConfig.forTests(dir).withAccounts(true, false,
                "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook"))) {
            HttpSession s = new HttpSession(server.url());
            for (int i = 0; i < 6; i++) {
                s.postJson("/login", new JSONObject().put("username", "victim").put("password", "guess number " + i));
            }
            JSONObject alert = new JSONObject(received.get(10, TimeUnit.SECONDS));
            assertEquals("login_lockout", alert.getString("event"));
            assertEquals("victim", alert.getJSONObject("fields").getString("user"));
            assertFalse(alert.toString().contains("guess number"), "no passwords in alerts");
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void lockoutAlertReachesTelegramsSendMessage() throws Exception {
        CompletableFuture<String> received = new CompletableFuture<>();
        CompletableFuture<String> path = new CompletableFuture<>();
        HttpServer bot = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        bot.createContext("/", ex -> {
            path.complete(ex.getRequestURI().getPath());
            received.complete(java.net.URLDecoder.decode(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
                    StandardCharsets.UTF_8));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        bot.start();
        try (TestServer server = TestServer.start(ServerConfig.forTests(dir).withTelegram(new dev.chatserver.config.TelegramSettings(
                "123:secret", "4242", "http://127.0.0.1:" + bot.getAddress().getPort())))) {
            HttpSession s = new HttpSession(server.url());
            for (int i = 0; i < 6; i++) {
                s.postJson("/login", new JSONObject().put("username", "tgvictim").put("password", "guess number " + i));
            }
            String body = received.get(10, TimeUnit.SECONDS);
            assertEquals("/bot123:secret/sendMessage", path.get());
            assertTrue(body.contains("chat_id=4242"), body);
            assertTrue(body.contains("login_lockout") && body.contains("tgvictim"), body);
            assertFalse(body.contains("guess number"), "no passwords in alerts");
        } finally {
            bot.stop(0);
        }
    }
}
