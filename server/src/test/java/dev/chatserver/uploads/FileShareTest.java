package dev.chatserver.uploads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatserver.config.ServerConfig;
import dev.chatserver.config.UploadSettings;
import dev.chatserver.support.SocketClient;
import dev.chatserver.support.TestServer;
import io.socket.client.IO;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code file_share} (seed 001) end to end: the upload becomes a stored message of kind {@code file} that every
 * dialect receives as its chat message, in history too; only one's own uploads can be shared; the orphan
 * sweeper removes uploads never shared and keeps shared ones.
 */
class FileShareTest {
    @TempDir
    Path dir;
    TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static SocketClient connect(String url, String token, String dialect) {
        IO.Options o = SocketClient.options();
        o.auth = dialect == null ? Map.of("token", token) : Map.of("token", token, "dialect", dialect);
        return SocketClient.connect(url, o);
    }

    @Test
    void aSharedFileReachesTheRoomInEveryDialectAndStaysInHistory() {
        server = TestServer.start(ServerConfig.forTests(dir).withUploads(UploadSettings.DEFAULTS.withPerFiveMinutes(100)));
        UploadSupport up = new UploadSupport(server);
        String aliceToken = up.newToken();
        String bobToken = up.newToken();
        byte[] png = Samples.image("png", 6, 4);
        JSONObject uploaded = up.uploadOk(aliceToken, "holiday.png", "image/png", png);
        String fileId = uploaded.getString("file_id");

        try (SocketClient alice = connect(server.url(), aliceToken, null);
             SocketClient bob = connect(server.url(), bobToken, null);
             SocketClient s002 = connect(server.url(), up.newToken(), "002");
             SocketClient s004 = connect(server.url(), up.newToken(), "004")) {
            alice.join("FS1", "alice");
            bob.join("FS1", "bob");
            assertTrue(s002.request("join_room", new JSONObject().put("room_id", "FS1")).getBoolean("ok"));
            assertTrue(s004.request("join", new JSONObject().put("room", "FS1")).getBoolean("ok"));

            JSONObject ack = alice.request("file_share", new JSONObject().put("room", "FS1").put("file_id", fileId));
            assertTrue(ack.getBoolean("ok"), ack.toString());
            JSONObject stored = ack.getJSONObject("data");
            assertEquals("file", stored.getString("kind"));
            assertEquals("holiday.png", stored.getString("message"), "the text of a file message is the file name");
            JSONObject file = stored.getJSONObject("file");
            assertEquals(fileId, file.getString("id"));
            assertEquals("holiday.png", file.getString("name"));
            assertEquals(png.length, file.getLong("size"));
            assertEquals("image/png", file.getString("type"));
            assertEquals("/api/download_file/" + fileId, file.getString("url"));

            long id = stored.getLong("id");
            JSONObject onBob = bob.awaitJson("message", m -> m.optLong("id") == id);
            assertEquals(file.toString(), onBob.getJSONObject("file").toString());
            assertEquals("alice", onBob.getString("username"));
            assertEquals(fileId, s002.awaitJson("new_message", m -> m.optLong("id") == id).getJSONObject("file").getString("id"));
            assertEquals(fileId, s004.awaitJson("receive_message", m -> m.optLong("id") == id).getJSONObject("file").getString("id"));
            assertEquals(0, s002.drain("message").stream().filter(m -> m instanceof JSONObject j && j.optLong("id") == id).count(),
                    "exactly once per client, in its own event name");

            HttpResponse<byte[]> d = up.download(file.getString("url"), "X-Chat-Token", bobToken);
            assertEquals(200, d.statusCode(), "the room's readers may fetch it");
            assertEquals(UploadSupport.sha256(png), UploadSupport.sha256(d.body()));

            try (SocketClient late = connect(server.url(), up.newToken(), null)) {
                JSONArray history = late.join("FS1", null).getJSONArray("messages");
                JSONObject last = history.getJSONObject(history.length() - 1);
                assertEquals("file", last.getString("kind"));
                assertEquals(fileId, last.getJSONObject("file").getString("id"));
            }
            HttpResponse<byte[]> page = up.download("/api/history?room=FS1");
            assertTrue(new String(page.body()).contains("\"url\":\"/api/download_file/" + fileId + "\""));
        }
    }

    @Test
    void onlyOnesOwnUploadsCanBeSharedAndOnlyInARoomOneIsIn() {
        server = TestServer.start(ServerConfig.forTests(dir));
        UploadSupport up = new UploadSupport(server);
        String aliceToken = up.newToken();
        String fileId = up.uploadOk(aliceToken, "a.pdf", "application/pdf", Samples.pdf()).getString("file_id");
        String malloryToken = up.newToken();
        try (SocketClient alice = connect(server.url(), aliceToken, null);
             SocketClient mallory = connect(server.url(), malloryToken, null)) {
            mallory.join("FS2", null);
            JSONObject stolen = mallory.request("file_share", new JSONObject().put("room", "FS2").put("file_id", fileId));
            assertFalse(stolen.getBoolean("ok"));
            assertEquals("file_not_found", stolen.getJSONObject("error").getString("code"));
            assertEquals("file_not_found", mallory.request("file_share", new JSONObject().put("room", "FS2")
                    .put("file_id", "f".repeat(32))).getJSONObject("error").getString("code"));
            assertEquals("bad_request", mallory.request("file_share", new JSONObject().put("room", "FS2"))
                    .getJSONObject("error").getString("code"));

            alice.join("FS3", null);
            JSONObject notIn = alice.request("file_share", new JSONObject().put("room", "FS2").put("file_id", fileId));
            assertEquals("not_in_room", notIn.getJSONObject("error").getString("code"));
            assertTrue(mallory.drain("message").isEmpty(), "nothing reached FS2");
            assertEquals(404, up.download("/api/download_file/" + fileId, "X-Chat-Token", malloryToken).statusCode());
        }
    }

    @Test
    void theSweeperDeletesUploadsNeverSharedAndKeepsSharedOnes() throws Exception {
        MutableClock clock = new MutableClock(System.currentTimeMillis());
        long orphanMs = 3_600_000;
        server = TestServer.start(ServerConfig.forTests(dir).withUploads(UploadSettings.DEFAULTS.withOrphanMs(orphanMs)), clock);
        dev.chatserver.ChatServer chat = server.server();
        UploadSupport up = new UploadSupport(server);
        String token = up.newToken();
        String shared = up.uploadOk(token, "keep.pdf", "application/pdf", Samples.pdf()).getString("file_id");
        String orphan = up.uploadOk(token, "drop.pdf", "application/pdf", Samples.pdf()).getString("file_id");
        try (SocketClient c = connect(server.url(), token, null)) {
            c.join("SWEEP", null);
            assertTrue(c.request("file_share", new JSONObject().put("room", "SWEEP").put("file_id", shared)).getBoolean("ok"));
        }
        Path strayOld = chat.uploads().dir().resolve("ab".repeat(16));
        Files.write(strayOld, new byte[] {1});
        Files.setLastModifiedTime(strayOld, FileTime.fromMillis(System.currentTimeMillis() - orphanMs - 60_000));
        Path notAnId = chat.uploads().dir().resolve("README");
        Files.write(notAnId, new byte[] {1});
        Files.setLastModifiedTime(notAnId, FileTime.fromMillis(0));

        assertEquals(1, chat.sweeper().sweepOnce(), "only the old stray file: the uploads are young");
        assertTrue(Files.exists(chat.uploads().pathOf(orphan)));

        clock.advance(orphanMs + 1);
        assertEquals(1, chat.sweeper().sweepOnce());
        assertFalse(Files.exists(chat.uploads().pathOf(orphan)), "the file of the unshared upload is gone");
        assertEquals(404, up.download("/api/download_file/" + orphan, "X-Chat-Token", token).statusCode(), "and its row");
        assertTrue(Files.exists(chat.uploads().pathOf(shared)));
        assertEquals(200, up.download("/api/download_file/" + shared).statusCode(), "shared in a public room");
        assertTrue(Files.exists(notAnId), "files that are not uploads are left alone");
        assertFalse(Files.exists(strayOld));
        assertEquals(0, chat.sweeper().sweepOnce());
    }
}
