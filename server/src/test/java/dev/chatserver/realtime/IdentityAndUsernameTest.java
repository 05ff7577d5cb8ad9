package dev.chatserver.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatserver.support.SocketClient;
import dev.chatserver.support.TestServer;
import io.socket.client.IO;
import java.nio.file.Path;
import java.util.Map;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Token identity (seed 000), username rules (seed 002) and ban refusal at connect. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdentityAndUsernameTest {
    TestServer server;

    @BeforeAll
    void start(@TempDir Path dir) {
        server = TestServer.start(dir);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private SocketClient withToken(String token) {
        return SocketClient.sameIdentity(server.url(), token);
    }

    @Test
    void presentingTheSecretTokenGivesTheNameBack() {
        String token;
        String publicToken;
        try (SocketClient c = server.client()) {
            c.join("ID1", null);
            JSONObject id = c.awaitJson("identity");
            token = id.getString("token");
            publicToken = id.getString("public_token");
            assertEquals("carol", c.request("set_username", new JSONObject().put("username", "  carol ")).getJSONObject("data").getString("username"));
        }
        try (SocketClient again = withToken(token)) {
            JSONObject id = again.awaitJson("identity");
            assertEquals(token, id.getString("token"));
            assertEquals(publicToken, id.getString("public_token"));
            assertEquals("carol", id.getString("username"));
            assertTrue(id.getBoolean("named"));
        }
    }

    @Test
    void tokenInTheQueryStringWorksToo() {
        String token;
        try (SocketClient c = server.client()) {
            c.request("set_username", new JSONObject().put("username", "quentin"));
            token = c.awaitJson("identity").getString("token");
        }
        IO.Options o = SocketClient.options();
        o.query = "token=" + token;
        try (SocketClient c = SocketClient.connect(server.url(), o)) {
            c.join("ID2", null);
            assertEquals("quentin", c.awaitJson("identity").getString("username"));
        }
    }

    @Test
    void anUnknownTokenGetsAFreshIdentityNotTheOneItChose() {
        try (SocketClient c = withToken("made-up-token-value")) {
            JSONObject id = c.awaitJson("identity");
            assertNotEquals("made-up-token-value", id.getString("token"));
        }
    }

    @Test
    void anonymousClientFromAnIpWithANamedTokenGetsThatNameSuggested() {
        try (SocketClient named = server.client()) {
            named.request("set_username", new JSONObject().put("username", "ipname"));
        }
        try (SocketClient fresh = server.client()) {
            fresh.join("ID3", null);
            JSONObject id = fresh.awaitJson("identity");
            assertFalse(id.getBoolean("named"));
            assertFalse(id.isNull("suggested_username"));
        }
    }

    @Test
    void usernameRulesAreEnforced() {
        try (SocketClient c = server.client()) {
            for (String bad : new String[] {"", "   ", "x".repeat(21), "bad\u0000name", "new\nline"}) {
                JSONObject ack = c.request("set_username", new JSONObject().put("username", bad));
                assertFalse(ack.getBoolean("ok"), bad);
                assertEquals("invalid_username", ack.getJSONObject("error").getString("code"));
            }
            assertTrue(c.request("set_username", new JSONObject().put("username", "x".repeat(20))).getBoolean("ok"));
            assertTrue(c.request("set_username", "نام‌فارسی").getBoolean("ok"), "a plain string and Persian letters are fine");
        }
    }

    @Test
    void aNameUsedByAnotherOnlineUserOfTheRoomIsRefused() {
        try (SocketClient a = server.client(); SocketClient b = server.client(); SocketClient elsewhere = server.client()) {
            a.join("UNIQ", "dana");
            JSONObject ack = b.request("join_room", new JSONObject().put("room", "UNIQ").put("username", "DANA"));
            assertFalse(ack.getBoolean("ok"));
            assertEquals("username_taken", ack.getJSONObject("error").getString("code"));
            b.join("UNIQ", "dina");
            JSONObject rename = b.request("set_username", new JSONObject().put("username", "dana"));
            assertEquals("username_taken", rename.getJSONObject("error").getString("code"));
            elsewhere.join("OTHERROOM", "dana"); // another room: fine
        }
    }

    @Test
    void theSameUserInTwoTabsCountsOnce() {
        String token;
        try (SocketClient first = server.client(); SocketClient watcher = server.client()) {
            watcher.join("TABS", "watcher");
            first.join("TABS", "tabby");
            token = first.awaitJson("identity").getString("token");
            watcher.awaitJson("user_joined");
            try (SocketClient second = withToken(token)) {
                second.join("TABS", "tabby");
                JSONObject presence = watcher.awaitJson("presence", p -> p.getJSONArray("users").length() == 2);
                assertEquals(2, presence.getJSONArray("users").length());
            }
            // closing one tab is not a leave
            JSONObject p = watcher.awaitJson("presence", x -> x.getJSONArray("users").length() == 2);
            assertEquals(2, p.getJSONArray("users").length());
            assertTrue(watcher.drain("user_left").isEmpty());
        }
    }

    @Test
    void renameUpdatesPresence() {
        try (SocketClient a = server.client(); SocketClient b = server.client()) {
            a.join("REN", "before");
            b.join("REN", "bee");
            a.request("set_username", new JSONObject().put("username", "after"));
            b.awaitJson("presence", p -> p.toString().contains("\"after\""));
            a.send("REN", "renamed");
            assertEquals("after", b.awaitJson("message").getString("username"));
        }
    }

    @Test
    void aBannedTokenIsRefusedAtConnect() {
        String token;
        try (SocketClient c = server.client()) {
            c.join("BAN", "baddie");
            token = c.awaitJson("identity").getString("token");
        }
        server.server().bans().ban(token, "spam");
        IO.Options o = SocketClient.options();
        o.auth = Map.of("token", token);
        try (SocketClient c = SocketClient.open(server.url(), o)) {
            Object result = c.awaitConnectResult();
            assertTrue(result instanceof JSONObject j && j.getString("message").equals("banned"), String.valueOf(result));
        }
        IO.Options q = SocketClient.options();
        q.query = "token=" + token;
        try (SocketClient c = SocketClient.open(server.url(), q)) {
            assertNotEquals("connected", c.awaitConnectResult());
        }
        server.server().bans().unban(token);
        try (SocketClient c = withToken(token)) {
            assertEquals("baddie", c.awaitJson("identity").getString("username"));
        }
    }
}
