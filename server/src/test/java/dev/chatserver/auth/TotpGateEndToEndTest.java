package dev.chatserver.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatserver.config.GateSettings;
import dev.chatserver.config.ServerConfig;
import dev.chatserver.support.HttpSession;
import dev.chatserver.support.SocketClient;
import dev.chatserver.support.TestServer;
import dev.samstevens.totp.code.DefaultCodeGenerator;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Seed 004's shared TOTP gate end to end: setup QR, sockets refused before, valid code, reuse refused, limits. */
class TotpGateEndToEndTest {
    static final String SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

    static String code(long step) throws Exception {
        return new DefaultCodeGenerator().generate(SECRET, step);
    }

    static long step() {
        return Math.floorDiv(System.currentTimeMillis() / 1000, 30);
    }

    @Test
    void theWholeChatSitsBehindOneSharedCode(@TempDir Path dir) throws Exception {
        ServerConfig config = ServerConfig.forTests(dir).withGate(new GateSettings(true, SECRET, "chat_user", "Secure Chat"));
        try (TestServer server = TestServer.start(config)) {
            HttpSession browser = new HttpSession(server.url());
            HttpResponse<String> page = browser.get("/");
            assertEquals(303, page.statusCode());
            assertEquals("/gate", page.headers().firstValue("location").orElseThrow());
            assertEquals(401, browser.get("/api/history?room=lobby").statusCode());
            JSONObject info = new JSONObject(browser.get("/gate/info").body()).getJSONObject("data");
            assertTrue(info.getBoolean("setup"), "first visit: the setup QR code");
            assertTrue(info.getString("qr").startsWith("data:image/png;base64,"));
            assertTrue(info.getString("otpauth").contains("Secure%20Chat") || info.getString("otpauth").contains("Secure+Chat"),
                    info.getString("otpauth"));
            try (SocketClient refused = SocketClient.open(server.url(), SocketClient.options())) {
                assertNotEquals("connected", refused.awaitConnectResult(), "no socket before the gate");
            }

            assertEquals(401, browser.postJson("/gate", new JSONObject().put("code", "000000")).statusCode());
            long s = step();
            assertEquals(200, browser.postJson("/gate", new JSONObject().put("code", code(s))).statusCode());
            assertEquals(200, browser.get("/").statusCode(), "the page opens with the pass");
            try (SocketClient c = SocketClient.connect(server.url(), browser.socketOptions())) {
                c.join("lobby", "gated");
                c.send("lobby", "inside");
            }
            assertFalse(new JSONObject(browser.get("/gate/info").body()).getJSONObject("data").getBoolean("setup"),
                    "the QR code is shown only until the first code");

            HttpSession other = new HttpSession(server.url());
            assertEquals(401, other.postJson("/gate", new JSONObject().put("code", code(s))).statusCode(), "a code is never accepted twice");
            assertEquals(200, other.postJson("/gate", new JSONObject().put("code", code(s + 1))).statusCode());
        }
    }

    @Test
    void wrongCodesAreRateLimitedPerIp(@TempDir Path dir) {
        ServerConfig config = ServerConfig.forTests(dir).withGate(new GateSettings(true, SECRET, "chat_user", "Secure Chat"));
        try (TestServer server = TestServer.start(config)) {
            HttpSession s = new HttpSession(server.url());
            for (int i = 0; i < 5; i++) {
                assertEquals(401, s.postJson("/gate", new JSONObject().put("code", "12345" + i)).statusCode());
            }
            HttpResponse<String> limited = s.postJson("/gate", new JSONObject().put("code", "123456"));
            assertEquals(429, limited.statusCode());
            assertTrue(limited.headers().firstValue("retry-after").isPresent());
        }
    }

    @Test
    void aGeneratedSecretIsKeptAcrossRestarts(@TempDir Path dir) {
        ServerConfig config = ServerConfig.forTests(dir).withGate(new GateSettings(true, "", "chat_user", "Secure Chat"));
        String first;
        try (TestServer server = TestServer.start(config)) {
            first = new JSONObject(new HttpSession(server.url()).get("/gate/info").body()).getJSONObject("data").getString("secret");
            server.restart();
            String again = new JSONObject(new HttpSession(server.url()).get("/gate/info").body()).getJSONObject("data").getString("secret");
            assertEquals(first, again);
        }
    }
}
