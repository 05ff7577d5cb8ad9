package dev.chatserver.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatserver.config.ServerConfig;
import dev.chatserver.support.RawEngineIo;
import dev.chatserver.support.SocketClient;
import dev.chatserver.support.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile input at the Socket.IO layer (issue #9): every limit refuses with a clear error code, closes the
 * connection where the protocol cannot go on, counts the refusal in {@code /metrics}, and leaves the server
 * serving others. The server runs with a 64 KiB frame limit so oversized frames are cheap to send.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputTest {
    static final int FRAME_LIMIT = 64 * 1024;
    TestServer server;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start(@TempDir Path dir) {
        server = TestServer.start(ServerConfig.forTests(dir).toBuilder().maxFrameBytes(FRAME_LIMIT).build());
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private void assertStillServing() {
        try (SocketClient a = server.client(); SocketClient b = server.client()) {
            a.join("HOSTILE_OK", "a");
            b.join("HOSTILE_OK", "b");
            JSONObject sent = a.send("HOSTILE_OK", "still serving");
            assertEquals("still serving", b.awaitJson("message", m -> m.getLong("id") == sent.getLong("id")).getString("message"));
        }
    }

    private double rejected(String code) throws Exception {
        String metrics = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        for (String line : metrics.split("\n")) {
            if (line.startsWith("chat_rejected_total{") && line.contains("code=\"" + code + "\"")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    /** Sends one frame on a fresh connected raw socket; the server must answer error {code} and close. */
    private void assertFatal(String frame, String code) throws Exception {
        double before = rejected(code);
        try (RawEngineIo raw = RawEngineIo.open(server.url(), true, true)) {
            raw.send(frame);
            String err = raw.await(t -> t.startsWith("42[\"error\""));
            JSONObject body = new JSONArray(err.substring(2)).getJSONObject(1);
            assertEquals(code, body.getString("code"), err);
            assertEquals("packet", body.getString("event"));
            assertFalse(body.getString("message").isBlank());
            try {
                raw.awaitClosed();
            } catch (AssertionError e) {
                throw new AssertionError("frame " + frame + ": " + e.getMessage(), e);
            }
        }
        assertEquals(before + 1, rejected(code), "counted in chat_rejected_total{code=" + code + "}");
    }

    @Test
    void aWebsocketFrameOverTheLimitClosesWith1009() throws Exception {
        double before = rejected("frame_too_large");
        try (RawEngineIo raw = RawEngineIo.open(server.url(), true, true)) {
            raw.send("42[\"message\",{\"room\":\"X\",\"message\":\"" + "x".repeat(FRAME_LIMIT) + "\"}]");
            assertEquals(1009, raw.awaitClosed(), "RFC 6455 1009: message too big");
        }
        assertEquals(before + 1, rejected("frame_too_large"));
        assertStillServing();
    }

    @Test
    void aPollingBodyOverTheLimitGets413() throws Exception {
        String open = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/socket.io/?EIO=4&transport=polling")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        String sid = new JSONObject(open.substring(1)).getString("sid");
        String answer;
        try (java.net.Socket raw = new java.net.Socket("127.0.0.1", server.port())) { // raw: the answer comes before any body byte
            raw.setSoTimeout(10_000);
            raw.getOutputStream().write(("POST /socket.io/?EIO=4&transport=polling&sid=" + sid + " HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Type: text/plain\r\nContent-Length: " + (FRAME_LIMIT + 1) + "\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            answer = new String(raw.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
        assertEquals("frame_too_large", new JSONObject(answer.substring(answer.indexOf("\r\n\r\n") + 4))
                .getJSONObject("error").getString("code"));
        assertStillServing();
    }

    @Test
    void tooManyBinaryAttachmentsAreRefusedAndTheSocketClosed() throws Exception {
        // netty-socketio would otherwise wait for (and buffer) 2^31-1 attachments announced by one header
        assertFatal("452147483647-[\"message\",{\"_placeholder\":true,\"num\":0}]", "too_many_attachments");
        assertFatal("4511-[\"message\",{\"_placeholder\":true,\"num\":0}]", "too_many_attachments");
        assertStillServing();
    }

    @Test
    void deepJsonIsRefusedAndTheSocketClosed() throws Exception {
        assertFatal("42[\"message\"," + "[".repeat(40) + "]".repeat(40) + "]", "json_too_deep");
        try (SocketClient c = server.client()) { // the same through the real client
            Object deep = "x";
            for (int i = 0; i < 40; i++) {
                deep = new JSONObject().put("a", deep);
            }
            c.emit("message", deep);
            assertEquals("json_too_deep", c.awaitJson("error").getString("code"));
            c.await("disconnect");
        }
        assertStillServing();
    }

    @Test
    void aLongJsonNumberIsRefused() throws Exception {
        assertFatal("42[\"join_room\",{\"room\":\"A\",\"last_id\":" + "9".repeat(200) + "}]", "json_number_too_long");
    }

    @Test
    void malformedPacketsAreRefusedAndTheSocketClosed() throws Exception {
        for (String frame : new String[] {"4", "42", "47[]", "42{\"a\":1}", "42[\"message\"", "42[\"message\"]]garbage",
                "42[1,2]", "45[\"message\"]", "4/admin[\"x\"]", "9", "0{}", "43[\"no ack id\"]", "41{\"x\":1}"}) {
            assertFatal(frame, "malformed_packet");
        }
        assertStillServing();
    }

    @Test
    void aLongEventNameIsRefusedButTheSocketStays() throws Exception {
        double before = rejected("event_name_too_long");
        try (SocketClient c = server.client()) {
            JSONObject ack = c.request("e".repeat(101), new JSONObject().put("room", "X"));
            assertFalse(ack.getBoolean("ok"));
            assertEquals("event_name_too_long", ack.getJSONObject("error").getString("code"));
            assertEquals("event_name_too_long", c.awaitJson("error").getString("code"));
            c.join("LONGNAME", "n"); // same socket keeps working
            assertEquals("ok", c.send("LONGNAME", "ok").getString("message"));
        }
        assertEquals(before + 1, rejected("event_name_too_long"));
    }

    @Test
    void nonObjectPayloadsAreBadRequests() {
        try (SocketClient c = server.client()) {
            c.join("NONOBJ", "n");
            for (Object payload : new Object[] {new JSONArray().put("NONOBJ").put("hi"), 12, true, 1.5}) {
                for (String event : new String[] {"message", "join_room", "typing", "create_poll", "private_message"}) {
                    JSONObject ack = c.request(event, payload);
                    assertFalse(ack.getBoolean("ok"), event + " " + payload);
                    assertEquals("bad_request", ack.getJSONObject("error").getString("code"), event + " " + payload + ": " + ack);
                }
            }
            assertEquals("ok", c.send("NONOBJ", "ok").getString("message"));
        }
    }

    @Test
    void anEngineIoV3HandshakeIsRefused() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/socket.io/?EIO=3&transport=polling")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(r.statusCode() >= 400, "status " + r.statusCode());
    }

    @Test
    void uploadsWithHeadersNettyCannotParseAreBadRequests() throws Exception {
        // both made Netty 4.1's multipart decoder throw unchecked exceptions (found by MutationFuzzTest): now 400
        String[] contentTypes = {"multipart/form-data; boundary=\"", "multipart/form-data; boundary=b"};
        String[] bodies = {"--x\r\n", "--b\r\nContent-Disposition: form-data;a;a; name=\"file\"; filename=\"x\"\r\n\r\nabc\r\n--b--\r\n"};
        String token;
        try (SocketClient c = server.client()) {
            c.join("UPLOADS", "u"); // the identity (with the secret token) comes with the first event
            token = c.awaitJson("identity").getString("token");
        }
        for (int i = 0; i < contentTypes.length; i++) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/upload_file"))
                    .header("Content-Type", contentTypes[i]).header("X-Chat-Token", token).POST(HttpRequest.BodyPublishers.ofString(bodies[i])).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(400, r.statusCode(), contentTypes[i] + ": " + r.body());
        }
    }

    @Test
    void deepJsonInAnHttpBodyIsABadRequest() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":" + "[".repeat(100) + "]".repeat(100) + "}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(new JSONObject(r.body()).getJSONObject("error").getString("message").contains("limits"), r.body());
    }
}
