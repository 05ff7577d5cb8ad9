package dev.chatserver.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import at.favre.lib.crypto.bcrypt.BCrypt;
import dev.chatserver.config.ServerConfig;
import dev.chatserver.support.HttpSession;
import dev.chatserver.support.SocketClient;
import dev.chatserver.support.TestServer;
import io.socket.client.IO;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin panel end to end over real HTTP and real Socket.IO clients: sign-in with each password form, the
 * login limit, 403 for everyone else (HTTP and the /admin namespace), and every action on live sockets.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminEndToEndTest {
    /** Real output of Werkzeug's generate_password_hash('seed-zero-pass', method='pbkdf2:sha256:260000'). */
    static final String WERKZEUG = "pbkdf2:sha256:260000$ocXQZXiVPeKmdrJC$de053bd87f078c2ae94774dec309a48f54dbf6a42a81b1cab19ec123ed03bda3";
    static final String PW = "correct horse battery";
    TestServer server;
    Path dir;

    @BeforeAll
    void start(@TempDir Path dir) {
        this.dir = dir;
        server = TestServer.start(dir.resolve("main"));
    }

    @AfterAll
    void stop() {
        server.close();
    }

    /** A signed-in admin (root/root, the defaults). */
    HttpSession admin() {
        return adminOf(server, "root", "root");
    }

    static HttpSession adminOf(TestServer s, String user, String pass) {
        HttpSession h = new HttpSession(s.url());
        HttpResponse<String> r = h.postJson("/admin/login", new JSONObject().put("username", user).put("password", pass));
        assertEquals(200, r.statusCode(), r.body());
        assertNotNull(h.cookie("chat_admin"));
        return h;
    }

    static JSONObject ok(HttpResponse<String> r) {
        assertEquals(200, r.statusCode(), r.body());
        return new JSONObject(r.body()).getJSONObject("data");
    }

    static String code(HttpResponse<String> r) {
        return new JSONObject(r.body()).getJSONObject("error").getString("code");
    }

    SocketClient adminSocket(HttpSession h) {
        return SocketClient.connect(server.url() + "/admin", h.socketOptions());
    }

    @Test
    void plainDefaultPasswordSignsInWithAStrictHttpOnlyCookie() {
        HttpSession h = new HttpSession(server.url());
        HttpResponse<String> r = h.postJson("/admin/login", new JSONObject().put("username", "root").put("password", "root"));
        assertEquals(200, r.statusCode());
        String setCookie = r.headers().allValues("set-cookie").stream().filter(c -> c.startsWith("chat_admin=")).findFirst().orElseThrow();
        assertTrue(setCookie.toLowerCase().contains("httponly") && setCookie.contains("SameSite=Strict") && setCookie.contains("Max-Age=1800"), setCookie);
        assertEquals("root", ok(h.get("/admin/api/me")).getString("name"));
        ok(h.postJson("/admin/logout", new JSONObject()));
        assertEquals(403, h.get("/admin/api/me").statusCode());
    }

    @Test
    void bcryptHashesOfEitherVersionSignIn() {
        for (BCrypt.Version v : List.of(BCrypt.Version.VERSION_2A, BCrypt.Version.VERSION_2B)) {
            String hash = BCrypt.with(v).hashToString(4, "bcrypt-admin-pw".toCharArray());
            try (TestServer s = TestServer.start(ServerConfig.forTests(dir.resolve("bcrypt" + v.hashCode()))
                    .withAdmin("boss", "ignored-plain", hash))) {
                adminOf(s, "boss", "bcrypt-admin-pw");
                HttpResponse<String> plain = new HttpSession(s.url()).postJson("/admin/login",
                        new JSONObject().put("username", "boss").put("password", "ignored-plain"));
                assertEquals(401, plain.statusCode(), "the hash overrides the plain password");
            }
        }
    }

    @Test
    void werkzeugPbkdf2HashOfASeedZeroDeploymentSignsIn() {
        try (TestServer s = TestServer.start(ServerConfig.forTests(dir.resolve("werkzeug")).withAdmin("root", "root", WERKZEUG))) {
            adminOf(s, "root", "seed-zero-pass");
            assertEquals(401, new HttpSession(s.url()).postJson("/admin/login",
                    new JSONObject().put("username", "root").put("password", "root")).statusCode());
        }
    }

    @Test
    void wrongPasswordsAreRefusedThenRateLimitedEvenForTheRightOne() {
        try (TestServer s = TestServer.start(ServerConfig.forTests(dir.resolve("limit")))) {
            HttpSession h = new HttpSession(s.url());
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> r = h.postJson("/admin/login", new JSONObject().put("username", "root").put("password", "nope" + i));
                assertEquals(401, r.statusCode());
                assertEquals("invalid_credentials", code(r));
            }
            HttpResponse<String> limited = h.postJson("/admin/login", new JSONObject().put("username", "root").put("password", "root"));
            assertEquals(429, limited.statusCode());
            assertEquals("rate_limited", code(limited));
            assertTrue(limited.headers().firstValue("retry-after").isPresent());
        }
    }

    @Test
    void anAdminAccountSignsInWithItsOwnPasswordAndANormalAccountDoesNot() {
        try (TestServer s = TestServer.start(ServerConfig.forTests(dir.resolve("accounts")))) {
            new HttpSession(s.url()).register("founder", PW); // first account: admin (seed 001)
            new HttpSession(s.url()).register("member", PW);
            assertEquals("founder", ok(adminOf(s, "founder", PW).get("/admin/api/me")).getString("name"));
            assertEquals(401, new HttpSession(s.url()).postJson("/admin/login",
                    new JSONObject().put("username", "member").put("password", PW)).statusCode());
        }
    }

    @Test
    void nonAdminsGet403OnEveryAdminRouteAndCannotJoinTheAdminNamespace() {
        HttpSession user = new HttpSession(server.url());
        user.register("plainuser" + System.nanoTime() % 100000, PW); // may or may not be the first (admin) account
        HttpSession anon = new HttpSession(server.url());
        for (HttpSession h : List.of(anon)) {
            for (String get : List.of("/admin/logs", "/admin/audit", "/admin/api/me", "/admin/api/sessions", "/admin/api/bans",
                    "/admin/api/audit", "/admin/api/logs", "/admin/api/logs.csv", "/admin/api/logs.json", "/admin/api/stats", "/api/stats")) {
                assertEquals(403, h.get(get).statusCode(), get);
            }
            for (String post : List.of("/admin/api/ban", "/admin/api/unban", "/admin/api/kick", "/admin/api/move", "/admin/api/mute",
                    "/admin/api/unmute", "/api/toggle_admin", "/api/ban_user", "/api/unban_user")) {
                HttpResponse<String> r = h.postJson(post, new JSONObject().put("target", "x").put("username", "x"));
                assertEquals(403, r.statusCode(), post);
                assertEquals("admin_required", code(r));
            }
        }
        assertEquals(403, user.get("/admin/api/sessions").statusCode(), "a chat session is no admin session");
        IO.Options forged = SocketClient.options();
        forged.extraHeaders = Map.of("Cookie", List.of("chat_admin=forged-value"));
        for (IO.Options o : List.of(user.socketOptions(), SocketClient.options(), forged)) {
            try (SocketClient c = SocketClient.open(server.url() + "/admin", o)) {
                if ("connected".equals(c.awaitConnectResult())) { // refused right after CONNECT: dropped
                    c.await("disconnect");
                }
                assertTrue(c.drain("sessions").isEmpty(), "no live view for a non-admin");
            }
        }
    }

    @Test
    void crossSiteAdminPostsAreRefused() {
        HttpSession h = admin();
        HttpResponse<String> r = h.postJson("/admin/api/ban", new JSONObject().put("kind", "ip").put("target", "10.9.9.9"),
                "Origin", "https://evil.example");
        assertEquals(403, r.statusCode());
        assertEquals("csrf_failed", code(r));
    }

    @Test
    void theLiveViewPushesConnectedSessionsToAdmins() {
        HttpSession h = admin();
        try (SocketClient adminSock = adminSocket(h); SocketClient user = server.client()) {
            user.join("LIVE", "watched");
            String pub = user.awaitJson("identity").getString("public_token");
            JSONObject snap = adminSock.awaitJson("sessions", s -> s.toString().contains(pub) && s.toString().contains("LIVE"));
            JSONObject me = null;
            for (Object o : snap.getJSONArray("sessions")) {
                if (((JSONObject) o).getString("public_token").equals(pub)) {
                    me = (JSONObject) o;
                }
            }
            assertNotNull(me);
            assertEquals("watched", me.getString("username"));
            assertEquals("LIVE", me.getString("room"));
            assertEquals("127.0.0.1", me.getString("ip"));
            assertEquals("websocket", me.getString("transport"));
            assertTrue(me.getLong("connected_at") > 0);
            assertTrue(snap.getJSONArray("rooms").toString().contains("\"LIVE\""));
            user.close();
            adminSock.awaitJson("sessions", s -> !s.toString().contains(pub));
        }
    }

    @Test
    void aTokenBanDropsTheSocketRefusesReconnectAndIsAudited() {
        HttpSession h = admin();
        String token;
        String pub;
        try (SocketClient c = server.client()) {
            c.join("BANR", "banme");
            JSONObject id = c.awaitJson("identity");
            token = id.getString("token");
            pub = id.getString("public_token");
            long t0 = System.nanoTime();
            ok(h.postJson("/admin/api/ban", new JSONObject().put("kind", "token").put("target", pub).put("reason", "spam")));
            assertEquals("banned", c.awaitJson("error", e -> e.getString("code").equals("banned")).getString("code"));
            assertTrue((System.nanoTime() - t0) / 1_000_000 < 1000, "the ban reaches the socket within 1 s");
        }
        IO.Options o = SocketClient.options();
        o.auth = Map.of("token", token);
        try (SocketClient c = SocketClient.open(server.url(), o)) {
            assertNotEquals("connected", c.awaitConnectResult());
        }
        JSONArray bans = new JSONObject(h.get("/admin/api/bans").body()).getJSONArray("data");
        assertTrue(bans.toString().contains(pub) && !bans.toString().contains(token), "bans list public tokens only");
        JSONArray audit = ok(h.get("/admin/api/audit")).getJSONArray("rows");
        assertTrue(audit.toString().contains("\"token:" + pub + "\"") && audit.toString().contains("spam"), audit.toString());
        ok(h.postJson("/admin/api/unban", new JSONObject().put("kind", "token").put("target", pub)));
        try (SocketClient c = SocketClient.connect(server.url(), o)) {
            assertEquals("banme", c.awaitJson("identity").getString("username"));
        }
    }

    @Test
    void aTimedBanExpiresByItself() {
        HttpSession h = admin();
        String token;
        try (SocketClient c = server.client()) {
            c.join("TIMED", null);
            JSONObject id = c.awaitJson("identity");
            token = id.getString("token");
            ok(h.postJson("/admin/api/ban", new JSONObject().put("kind", "token").put("target", id.getString("public_token"))
                    .put("duration_ms", 1500)));
            c.awaitJson("error", e -> e.getString("code").equals("banned"));
        }
        IO.Options o = SocketClient.options();
        o.auth = Map.of("token", token);
        try (SocketClient c = SocketClient.open(server.url(), o)) {
            assertNotEquals("connected", c.awaitConnectResult());
        }
        long deadline = System.nanoTime() + SocketClient.TIMEOUT.toNanos();
        boolean back = false;
        while (!back && System.nanoTime() < deadline) { // each attempt is a full handshake: no sleep needed
            try (SocketClient c = SocketClient.open(server.url(), o)) {
                back = "connected".equals(c.awaitConnectResult()) && c.request("join_room", new JSONObject().put("room", "BACK")).getBoolean("ok");
            }
        }
        assertTrue(back, "the timed ban expired");
    }

    @Test
    void anIpBanDropsEverySocketFromThatAddress() {
        HttpSession h = admin();
        try (SocketClient a = server.client(); SocketClient b = server.client()) {
            a.join("IPB", null);
            b.join("IPB", null);
            ok(h.postJson("/admin/api/ban", new JSONObject().put("kind", "ip").put("target", "127.0.0.1").put("duration_s", 60)));
            a.awaitJson("error", e -> e.getString("code").equals("banned"));
            b.awaitJson("error", e -> e.getString("code").equals("banned"));
            try (SocketClient c = SocketClient.open(server.url(), SocketClient.options())) {
                assertNotEquals("connected", c.awaitConnectResult());
            }
        } finally {
            ok(h.postJson("/admin/api/unban", new JSONObject().put("kind", "ip").put("target", "127.0.0.1")));
        }
        try (SocketClient c = server.client()) {
            c.join("IPB", null);
        }
    }

    @Test
    void kickDisconnectsOneSocket() {
        HttpSession h = admin();
        try (SocketClient adminSock = adminSocket(h); SocketClient victim = server.client(); SocketClient other = server.client()) {
            victim.join("KICK", "victim");
            other.join("KICK", "bystander");
            JSONObject snap = adminSock.awaitJson("sessions", s -> s.toString().contains("\"victim\"") && s.toString().contains("\"bystander\""));
            String sid = sidOf(snap, "victim");
            ok(h.postJson("/admin/api/kick", new JSONObject().put("sid", sid).put("reason", "calm down")));
            assertEquals("calm down", victim.awaitJson("error", e -> e.getString("code").equals("kicked")).getString("message"));
            other.awaitJson("user_left", e -> e.toString().contains("victim"));
            assertTrue(other.send("KICK", "still here").has("id"));
        }
    }

    @Test
    void moveSwitchesTheUsersRoomAndTellsItsClient() {
        HttpSession h = admin();
        try (SocketClient adminSock = adminSocket(h); SocketClient u = server.client(); SocketClient inTarget = server.client()) {
            u.join("FROMR", "mover");
            inTarget.join("TOROOM", "host");
            String sid = sidOf(adminSock.awaitJson("sessions", s -> s.toString().contains("\"mover\"")), "mover");
            JSONObject moved = ok(h.postJson("/admin/api/move", new JSONObject().put("sid", sid).put("room", "TOROOM")));
            assertEquals("FROMR", moved.getString("from"));
            JSONObject event = u.awaitJson("moved");
            assertEquals("FROMR", event.getString("from"));
            assertEquals("TOROOM", event.getString("to"));
            inTarget.awaitJson("user_joined", e -> e.toString().contains("mover"));
            u.send("TOROOM", "hello from the new room");
            assertEquals("hello from the new room", inTarget.awaitJson("message", m -> m.optString("username").equals("mover")).getString("message"));
            JSONObject refused = u.request("message", new JSONObject().put("room", "FROMR").put("message", "old room"));
            assertFalse(refused.getBoolean("ok"));
        }
    }

    @Test
    void muteRefusesMessagesInThatRoomUntilItEnds() {
        HttpSession h = admin();
        try (SocketClient u = server.client()) {
            u.join("MUTER", "loud");
            String pub = u.awaitJson("identity").getString("public_token");
            ok(h.postJson("/admin/api/mute", new JSONObject().put("room", "MUTER").put("target", pub).put("duration_ms", 1500)
                    .put("reason", "flood")));
            JSONObject refused = u.request("message", new JSONObject().put("room", "MUTER").put("message", "hi"));
            assertFalse(refused.getBoolean("ok"));
            assertEquals("muted", refused.getJSONObject("error").getString("code"));
            long deadline = System.nanoTime() + SocketClient.TIMEOUT.toNanos();
            boolean spoke = false;
            while (!spoke && System.nanoTime() < deadline) {
                JSONObject r = u.request("message", new JSONObject().put("room", "MUTER").put("message", "back"));
                spoke = r.getBoolean("ok");
                if (!spoke) {
                    assertEquals("muted", r.getJSONObject("error").getString("code"));
                    u.await("error"); // each refusal also sends an error event; waiting on it paces the loop
                }
            }
            assertTrue(spoke, "the mute ended");
        }
    }

    @Test
    void seed001ApiBansAndTogglesAdminOnAccounts() {
        try (TestServer s = TestServer.start(ServerConfig.forTests(dir.resolve("seed001")))) {
            new HttpSession(s.url()).register("chief", PW);
            HttpSession member = new HttpSession(s.url());
            member.register("member", PW);
            HttpSession h = adminOf(s, "root", "root");
            try (SocketClient sock = member.socket()) {
                sock.join("ACC", null);
                ok(h.postJson("/api/ban_user", new JSONObject().put("username", "member").put("reason", "abuse")));
                sock.awaitJson("error", e -> e.getString("code").equals("banned"));
            }
            try (SocketClient again = SocketClient.open(s.url(), member.socketOptions())) {
                assertEquals("connected", again.awaitConnectResult());
                again.emit("join_room", new JSONObject().put("room", "ACC")); // the identity (and its ban) is resolved then
                again.awaitJson("error", e -> e.getString("code").equals("banned"));
            }
            ok(h.postJson("/api/unban_user", new JSONObject().put("username", "member")));
            try (SocketClient back = member.socket()) {
                assertEquals("member", back.join("ACC", null).getString("username"));
            }
            assertTrue(ok(h.postJson("/api/toggle_admin", new JSONObject().put("username", "member"))).getBoolean("is_admin"));
            HttpSession memberAdmin = adminOf(s, "member", PW);
            assertFalse(ok(h.postJson("/api/toggle_admin", new JSONObject().put("username", "member"))).getBoolean("is_admin"));
            assertEquals(403, memberAdmin.get("/admin/api/me").statusCode(), "losing the role ends the admin session");
            JSONObject stats = ok(h.get("/api/stats"));
            assertEquals(2, stats.getInt("users"));
            assertTrue(stats.has("messages_today") && stats.has("upload_bytes") && stats.has("online"));
        }
    }

    private static String sidOf(JSONObject snap, String username) {
        for (Object o : snap.getJSONArray("sessions")) {
            JSONObject s = (JSONObject) o;
            if (s.getString("username").equals(username)) {
                return s.getString("sid");
            }
        }
        throw new AssertionError("no session of " + username + " in " + snap);
    }
}
