package dev.chatserver.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatserver.support.HttpSession;
import dev.chatserver.support.SocketClient;
import dev.chatserver.support.TestServer;
import dev.samstevens.totp.code.DefaultCodeGenerator;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Accounts end to end over real HTTP and real Socket.IO clients: register, login, sessions, 2FA, CSRF, limits. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccountsEndToEndTest {
    static final String PW = "correct horse battery";
    TestServer server;

    @BeforeAll
    void start(@TempDir Path dir) {
        server = TestServer.start(dir);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    HttpSession http() {
        return new HttpSession(server.url());
    }

    static String code(String secret, long step) throws Exception {
        return new DefaultCodeGenerator().generate(secret, step);
    }

    static long step() {
        return Math.floorDiv(System.currentTimeMillis() / 1000, 30);
    }

    @Test
    void firstAccountIsAdminAndOthersAreNot() {
        // this class shares one server: the very first registration in it may come from another test, so
        // check on a fresh server
        try (TestServer fresh = TestServer.start(server.config().dbPath().getParent().resolve("fresh"))) {
            assertTrue(new HttpSession(fresh.url()).register("founder", PW).getBoolean("is_admin"));
            assertFalse(new HttpSession(fresh.url()).register("second", PW).getBoolean("is_admin"));
        }
    }

    @Test
    void passwordRulesAreEnforced() {
        HttpSession s = http();
        HttpResponse<String> shortPw = s.postJson("/register", new JSONObject().put("username", "shorty").put("password", "123456789"));
        assertEquals(400, shortPw.statusCode());
        assertEquals("weak_password", new JSONObject(shortPw.body()).getJSONObject("error").getString("code"));
        HttpResponse<String> same = s.postJson("/register", new JSONObject().put("username", "samesame12").put("password", "SameSame12"));
        assertEquals("weak_password", new JSONObject(same.body()).getJSONObject("error").getString("code"));
        http().register("takenname", PW);
        HttpResponse<String> taken = s.postJson("/register", new JSONObject().put("username", "TakenName").put("password", PW));
        assertEquals(409, taken.statusCode());
    }

    @Test
    void registeredUserChatsWithTheSessionCookieAndGetsNoBearerToken() {
        HttpSession s = http();
        s.register("cookiechat", PW);
        String cookie = s.cookie(SessionService.COOKIE);
        assertNotNull(cookie);
        assertTrue(cookie.length() >= 40, "256-bit session id");
        HttpResponse<String> me = s.get("/api/me");
        assertEquals("cookiechat", new JSONObject(me.body()).getJSONObject("data").getString("username"));
        try (SocketClient c = s.socket(); SocketClient other = server.client()) {
            other.join("ACC1", "otherone");
            c.join("ACC1", null);
            JSONObject id = c.awaitJson("identity");
            assertEquals("cookiechat", id.getString("username"));
            assertTrue(id.isNull("token"), "accounts get no bearer token");
            c.send("ACC1", "from an account");
            assertEquals("cookiechat", other.awaitJson("message").getString("username"));
            JSONObject rename = c.request("set_username", new JSONObject().put("username", "sneaky"));
            assertEquals("account_name", rename.getJSONObject("error").getString("code"));
        }
    }

    @Test
    void loginRotatesTheSessionAndLogoutKillsTheSocketWithinOneSecond() throws Exception {
        HttpSession s = http();
        s.register("logoutuser", PW);
        String first = s.cookie(SessionService.COOKIE);
        HttpResponse<String> login = s.postJson("/login", new JSONObject().put("username", "logoutuser").put("password", PW));
        assertEquals(200, login.statusCode(), login.body());
        assertNotEquals(first, s.cookie(SessionService.COOKIE), "a new session id at login");
        SocketClient c = s.socket();
        c.join("ACC2", null);
        CompletableFuture<Object> gone = new CompletableFuture<>();
        c.socket().on(io.socket.client.Socket.EVENT_DISCONNECT, a -> gone.complete("gone"));
        long t0 = System.nanoTime();
        assertEquals(200, s.postJson("/logout", new JSONObject()).statusCode());
        gone.get(1, TimeUnit.SECONDS);
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 1000);
        assertFalse(new JSONObject(s.get("/api/me").body()).getJSONObject("data").getBoolean("logged_in"));
        c.close();
    }

    @Test
    void crossSitePostIs403() {
        HttpResponse<String> r = http().postForm("/login", "username=a&password=b", "Origin", "https://evil.example");
        assertEquals(403, r.statusCode());
        assertEquals("csrf_failed", new JSONObject(r.body()).getJSONObject("error").getString("code"));
        HttpResponse<String> reg = http().postForm("/register", "username=csrfuser&password=" + PW.replace(' ', '+'),
                "Referer", "https://evil.example/page");
        assertEquals(403, reg.statusCode());
        HttpResponse<String> same = http().postForm("/register", "username=csrfok&password=" + PW.replace(' ', '+'),
                "Origin", server.url());
        assertEquals(303, same.statusCode(), "a same-origin form registers and redirects");
    }

    @Test
    void totpSetupLoginReuseAndWrongCode() throws Exception {
        HttpSession s = http();
        s.register("totpuser", PW);
        JSONObject setup = new JSONObject(s.postJson("/2fa/setup", new JSONObject()).body()).getJSONObject("data");
        String secret = setup.getString("secret");
        assertTrue(setup.getString("qr").startsWith("data:image/png;base64,"));
        assertTrue(setup.getString("otpauth").startsWith("otpauth://totp/"));
        HttpResponse<String> bad = s.postJson("/2fa/confirm", new JSONObject().put("code", "000000"));
        assertEquals(400, bad.statusCode());
        long step = step();
        JSONObject confirmed = new JSONObject(s.postJson("/2fa/confirm", new JSONObject().put("code", code(secret, step))).body());
        JSONArray recovery = confirmed.getJSONObject("data").getJSONArray("recovery_codes");
        assertEquals(10, recovery.length());

        // replacing the authenticator needs the password, not just the session
        assertEquals(403, s.postJson("/2fa/setup", new JSONObject()).statusCode());
        assertEquals(403, s.postJson("/2fa/setup", new JSONObject().put("password", "not the password")).statusCode());
        HttpSession login = http();
        JSONObject pw = new JSONObject(login.postJson("/login", new JSONObject().put("username", "totpuser").put("password", PW)
                .put("next", "/profile")).body());
        assertTrue(pw.getJSONObject("data").getBoolean("mfa_required"));
        assertEquals("/login/2fa?next=%2Fprofile", pw.getJSONObject("data").getString("next"), "where it was going is kept");
        assertFalse(new JSONObject(login.get("/api/me").body()).getJSONObject("data").getBoolean("logged_in"),
                "half-signed-in is not signed in");
        // the code of the confirm step was used: it is refused now
        HttpResponse<String> reused = login.postJson("/login/2fa", new JSONObject().put("code", code(secret, step)));
        assertEquals(401, reused.statusCode());
        assertEquals(401, login.postJson("/login/2fa", new JSONObject().put("code", "123456")).statusCode());
        // a form post with a wrong code goes back to the code page, still knowing where it was going; a foreign
        // next is never kept
        HttpResponse<String> wrongForm = login.postForm("/login/2fa", "code=123456&next=%2Fprofile", "Origin", server.url());
        assertEquals(303, wrongForm.statusCode());
        assertEquals("/login/2fa?error=invalid_code&next=%2Fprofile", wrongForm.headers().firstValue("location").orElseThrow());
        HttpResponse<String> foreign = login.postForm("/login/2fa", "code=123456&next=%2F%2Fevil.example", "Origin", server.url());
        assertEquals("/login/2fa?error=invalid_code", foreign.headers().firstValue("location").orElseThrow());
        HttpResponse<String> ok = login.postJson("/login/2fa", new JSONObject().put("code", code(secret, step + 1))
                .put("next", "/profile"));
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals("/profile", new JSONObject(ok.body()).getJSONObject("data").getString("next"));
        assertTrue(new JSONObject(login.get("/api/me").body()).getJSONObject("data").getBoolean("two_factor"));
        try (SocketClient c = login.socket()) {
            c.join("TOTP", null);
            assertEquals("totpuser", c.awaitJson("identity").getString("username"));
        }
        // a recovery code works once
        HttpSession rec = http();
        rec.postJson("/login", new JSONObject().put("username", "totpuser").put("password", PW));
        assertEquals(200, rec.postJson("/login/2fa", new JSONObject().put("code", recovery.getString(0))).statusCode());
        HttpSession again = http();
        again.postJson("/login", new JSONObject().put("username", "totpuser").put("password", PW));
        assertEquals(401, again.postJson("/login/2fa", new JSONObject().put("code", recovery.getString(0))).statusCode());
    }

    @Test
    void aBannedUsersLiveSocketIsDropped() throws Exception {
        HttpSession s = http();
        s.register("banme", PW);
        try (SocketClient c = s.socket()) {
            c.join("BANLIVE", null);
            c.awaitJson("identity");
            String token = server.server().database().jdbi().withHandle(h -> h.createQuery(
                    "SELECT token FROM users WHERE username = 'banme'").mapTo(String.class).one());
            CompletableFuture<Object> gone = new CompletableFuture<>();
            c.socket().on(io.socket.client.Socket.EVENT_DISCONNECT, a -> gone.complete("gone"));
            server.server().bans().ban(token, "test");
            assertEquals("banned", c.awaitJson("error", e -> e.getString("code").equals("banned")).getString("code"));
            gone.get(1, TimeUnit.SECONDS);
        }
    }

    @Test
    void profileUpdateChangesNameAndPasswordNeedsTheCurrentOne() {
        HttpSession s = http();
        s.register("profuser", PW);
        HttpResponse<String> wrong = s.postJson("/update_profile", new JSONObject().put("new_password", "another password 1")
                .put("current_password", "not it at all"));
        assertEquals(403, wrong.statusCode());
        HttpResponse<String> ok = s.postJson("/update_profile", new JSONObject().put("username", "profuser2")
                .put("prefs", new JSONObject().put("theme", "dark")));
        assertEquals(200, ok.statusCode(), ok.body());
        JSONObject me = new JSONObject(s.get("/api/me").body()).getJSONObject("data");
        assertEquals("profuser2", me.getString("username"));
        assertEquals("dark", me.getJSONObject("prefs").getString("theme"));
        assertNull(me.opt("password_hash"));
    }

    @Test
    void accountPagesNeedALogin() {
        HttpResponse<String> r = http().get("/profile");
        assertEquals(303, r.statusCode());
        assertTrue(r.headers().firstValue("location").orElseThrow().startsWith("/login"));
    }
}
