package dev.chatserver.uploads;

import static dev.chatserver.uploads.UploadSupport.errorCode;
import static dev.chatserver.uploads.UploadSupport.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatserver.config.ServerConfig;
import dev.chatserver.config.UploadSettings;
import dev.chatserver.support.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /api/upload_file} and {@code GET /api/download_file/<id>} end to end: a real server, real
 * multipart bodies over java.net.http (and a raw socket where the client must stop early), real files.
 * Upload limit here: 1 MiB.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UploadHttpTest {
    static final int LIMIT = 1024 * 1024;
    TestServer server;
    UploadSupport up;
    String alice;

    @BeforeAll
    void start(@TempDir Path dir) {
        server = TestServer.start(ServerConfig.forTests(dir).withUploads(
                UploadSettings.DEFAULTS.withMaxBytes(LIMIT).withPerFiveMinutes(10_000)));
        up = new UploadSupport(server);
        alice = up.newToken();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void everyAllowedTypeUploadsAndComesBackByteForByteWithSafeHeaders() {
        for (Map.Entry<String, Samples.Sample> e : Samples.all().entrySet()) {
            Samples.Sample s = e.getValue();
            JSONObject data = up.uploadOk(alice, s.name(), s.declaredType(), s.bytes());
            String id = data.getString("file_id");
            assertTrue(id.matches("[0-9a-f]{32}"), id);
            assertEquals(s.name(), data.getString("name"));
            assertEquals(s.bytes().length, data.getLong("size"));
            assertEquals(s.expectedType(), data.getString("type"), e.getKey());
            assertEquals("/api/download_file/" + id, data.getString("url"));
            assertTrue(Files.isRegularFile(up.uploadsDir().resolve(id)), "stored under its id");

            HttpResponse<byte[]> d = up.download(data.getString("url"), "X-Chat-Token", alice);
            assertEquals(200, d.statusCode(), e.getKey());
            assertEquals(sha256(s.bytes()), sha256(d.body()), "sha256 round trip of " + e.getKey());
            assertEquals(s.expectedType(), d.headers().firstValue("content-type").orElseThrow());
            assertEquals("nosniff", d.headers().firstValue("x-content-type-options").orElseThrow());
            assertEquals("sandbox", d.headers().firstValue("content-security-policy").orElseThrow());
            assertEquals("bytes", d.headers().firstValue("accept-ranges").orElseThrow());
            String disposition = d.headers().firstValue("content-disposition").orElseThrow();
            boolean media = s.expectedType().matches("(image|audio|video)/.*");
            assertTrue(disposition.startsWith(media ? "inline;" : "attachment;"), e.getKey() + ": " + disposition);
            assertTrue(disposition.contains("filename*=UTF-8''"), disposition);
        }
        assertEquals(List.of(), up.tempFiles(), "nothing left in progress");
    }

    @Test
    void aFileOneByteOverTheLimitIsRefusedWith413AndLeavesNothingOnDisk() {
        List<String> before = up.storedFiles();
        long rows = up.uploadRows();
        byte[] over = text(LIMIT + 1);
        Multipart body = new Multipart().field("room", "lobby").file("big.txt", "text/plain", over);

        HttpResponse<String> withLength = up.upload(alice, body);
        assertEquals(413, withLength.statusCode(), withLength.body());
        assertEquals("file_too_large", errorCode(withLength));
        assertEquals("close", withLength.headers().firstValue("connection").orElseThrow());

        HttpResponse<String> chunked = up.send(up.uploadRequest(alice, body).POST(body.chunkedPublisher()).build());
        assertEquals(413, chunked.statusCode(), "streamed count over the limit, no Content-Length");
        assertEquals("file_too_large", errorCode(chunked));

        assertEquals(before, up.storedFiles(), "no file stored");
        assertEquals(List.of(), up.tempFiles(), "no partial file in the decoder's directory");
        assertEquals(rows, up.uploadRows(), "no row");

        JSONObject exact = up.uploadOk(alice, "exact.txt", "text/plain", text(LIMIT));
        assertEquals(LIMIT, exact.getLong("size"), "exactly the limit is accepted");
    }

    @Test
    void aDeclaredLengthOverTheLimitIsAnsweredBeforeTheBodyIsSent() throws Exception {
        long huge = 10_000_000_000L;
        for (boolean expect : new boolean[] {false, true}) {
            try (Socket s = new Socket("127.0.0.1", server.port())) {
                s.setSoTimeout(15_000);
                String head = "POST /api/upload_file HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Chat-Token: " + alice
                        + "\r\nContent-Type: multipart/form-data; boundary=xyz\r\nContent-Length: " + huge + "\r\n"
                        + (expect ? "Expect: 100-continue\r\n" : "") + "\r\n";
                s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                InputStream in = s.getInputStream();
                String response = readUntilClosed(in);
                assertTrue(response.startsWith("HTTP/1.1 413 "), response);
                assertTrue(response.contains("file_too_large"), response);
                assertFalse(response.contains("100 Continue"), "no 100 Continue for a refused upload");
                // reaching here means the server closed the connection (after at most the linger time)
            }
        }
        assertEquals(List.of(), up.tempFiles());
    }

    @Test
    void anUploadCutOffMidwayLeavesNoFileBehind() throws Exception {
        List<String> before = up.storedFiles();
        byte[] file = new byte[600_000];
        new Random(3).nextBytes(file);
        System.arraycopy(Samples.pngHeader(50, 50), 0, file, 0, 33);
        Multipart body = new Multipart().file("cut.png", "image/png", file);
        byte[] bytes = body.bytes();
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /api/upload_file HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Chat-Token: " + alice + "\r\nContent-Type: "
                    + body.contentType() + "\r\nContent-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes, 0, 300_000); // half of it: the decoder has a partial file in .tmp by now
            out.flush();
            awaitTrue(() -> !up.tempFiles().isEmpty(), "the partial upload is on disk while it arrives");
        }
        awaitTrue(() -> up.tempFiles().isEmpty(), "the partial file is deleted when the client goes away");
        assertEquals(before, up.storedFiles());
    }

    /** Polls a condition until it holds, failing after 10 s (an await with a timeout, not a fixed sleep). */
    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s: " + what);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    @Test
    void expectContinueUploadsGetTheirContinueOnlyWhenAdmitted() throws IOException {
        byte[] png = Samples.image("png", 3, 3);
        Multipart body = new Multipart().file("c.png", "image/png", png);
        HttpResponse<String> ok = up.send(up.uploadRequest(alice, body).expectContinue(true).POST(body.publisher()).build());
        assertEquals(200, ok.statusCode(), ok.body());
        // refused: the final status instead of 100 Continue, and the connection closes (a raw socket, because
        // JDK 17's HttpClient waits forever for a 100 that does not come, JDK-8286171)
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(15_000);
            s.getOutputStream().write(("POST /api/upload_file HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Chat-Token: not-a-token\r\n"
                    + "Content-Type: " + body.contentType() + "\r\nContent-Length: " + body.length()
                    + "\r\nExpect: 100-continue\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String response = readUntilClosed(s.getInputStream());
            assertTrue(response.startsWith("HTTP/1.1 401 "), response);
            assertTrue(response.contains("unauthorized"), response);
        }
    }

    @Test
    void renamedExecutablesAreRefusedWith415() {
        List<String> before = up.storedFiles();
        for (String name : List.of("cat.png", "notes.txt", "setup.pdf", "song.mp3", "archive.zip", "noextension")) {
            for (byte[] exe : List.of(Samples.elf(), Samples.exe())) {
                HttpResponse<String> r = up.upload(alice, name, "image/png", exe);
                assertEquals(415, r.statusCode(), name + ": " + r.body());
                assertEquals("unsupported_type", errorCode(r));
                assertTrue(r.headers().firstValue("content-type").orElseThrow().startsWith("application/json"));
            }
        }
        HttpResponse<String> mismatch = up.upload(alice, "photo.jpg", "image/jpeg", Samples.image("png", 2, 2));
        assertEquals(415, mismatch.statusCode());
        assertEquals("type_mismatch", errorCode(mismatch));
        assertEquals(before, up.storedFiles());
        assertEquals(List.of(), up.tempFiles());
    }

    @Test
    void pathTraversalNamesCannotChooseWhereAFileGoes() throws IOException {
        Path root = up.uploadsDir().getParent();
        Set<String> rootBefore = list(root);
        Map<String, String> names = Map.of(
                "../../evil.txt", "evil.txt",
                "..\\..\\evil2.txt", "evil2.txt",
                "/etc/passwd.txt", "passwd.txt",
                "a/../../b.txt", "b.txt",
                "..", "file.txt",
                ".htaccess", "htaccess.txt",
                "%2e%2e%2fx.txt", "%2e%2e%2fx.txt");
        for (Map.Entry<String, String> e : names.entrySet()) {
            JSONObject data = up.uploadOk(alice, e.getKey(), "text/plain", "x".getBytes(StandardCharsets.UTF_8));
            assertEquals(e.getValue(), data.getString("name"), e.getKey());
            String id = data.getString("file_id");
            assertTrue(Files.isRegularFile(up.uploadsDir().resolve(id)), "the file is <uploads>/<random id>");
            String disposition = up.download(data.getString("url"), "X-Chat-Token", alice).headers()
                    .firstValue("content-disposition").orElseThrow();
            assertFalse(disposition.contains("/") || disposition.contains("\\") || disposition.contains("\".."), disposition);
        }
        assertEquals(rootBefore, list(root), "nothing was written beside the uploads directory");
        assertFalse(Files.exists(Path.of("/etc/evil.txt")));
        for (String f : up.storedFiles()) {
            assertTrue(f.matches("[0-9a-f]{32}"), "only random ids in the uploads directory: " + f);
        }
    }

    @Test
    void twentyConcurrentUploadsAllArriveIntactAndDistinct() throws Exception {
        int n = 20;
        List<byte[]> files = new ArrayList<>();
        Random random = new Random(42);
        for (int i = 0; i < n; i++) {
            byte[] header = Samples.pngHeader(64, 64);
            byte[] b = new byte[100_000 + random.nextInt(400_000)];
            random.nextBytes(b);
            System.arraycopy(header, 0, b, 0, header.length);
            files.add(b);
        }
        List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Multipart body = new Multipart().file("storm-" + i + ".png", "image/png", files.get(i));
            sent.add(up.http.sendAsync(up.uploadRequest(alice, body).POST(body.publisher()).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < n; i++) {
            HttpResponse<String> r = sent.get(i).get(60, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode(), r.body());
            JSONObject data = new JSONObject(r.body()).getJSONObject("data");
            assertEquals("storm-" + i + ".png", data.getString("name"));
            assertEquals(files.get(i).length, data.getLong("size"));
            assertTrue(ids.add(data.getString("file_id")));
            HttpResponse<byte[]> d = up.download(data.getString("url"), "X-Chat-Token", alice);
            assertEquals(sha256(files.get(i)), sha256(d.body()), "upload " + i + " intact");
            String stored = server.server().database().jdbi().withHandle(h -> h.createQuery(
                    "SELECT sha256 FROM uploads WHERE id = :id").bind("id", data.getString("file_id")).mapTo(String.class).one());
            assertEquals(sha256(files.get(i)), stored, "the stored sha256 is the content's");
        }
        assertEquals(List.of(), up.tempFiles());
    }

    @Test
    void privateRoomFilesAre404ToOutsiders() {
        String owner = up.newToken();
        String member = up.newToken();
        String outsider = up.newToken();
        server.server().database().jdbi().useHandle(h -> {
            h.execute("INSERT INTO rooms (code, name, host_token, created_at, private) VALUES ('SECRET', 'Secret', ?, 0, 1)", owner);
            h.execute("INSERT INTO room_members (room, token, role, joined_at) VALUES ('SECRET', ?, 'owner', 0), ('SECRET', ?, 'member', 0)",
                    owner, member);
        });
        byte[] pdf = Samples.pdf();
        HttpResponse<String> r = up.upload(owner, new Multipart().field("room", "SECRET").file("plan.pdf", "application/pdf", pdf));
        assertEquals(200, r.statusCode(), r.body());
        String url = new JSONObject(r.body()).getJSONObject("data").getString("url");

        assertEquals(200, up.download(url, "X-Chat-Token", owner).statusCode());
        HttpResponse<byte[]> byCookie = up.download(url, "Cookie", "theme=dark; chat_token=" + member);
        assertEquals(200, byCookie.statusCode(), "a member, with the page's cookie");
        assertArrayEquals(pdf, byCookie.body());
        assertEquals(200, up.download(url + "?token=" + member).statusCode(), "a member, with ?token=");

        for (HttpResponse<byte[]> denied : List.of(up.download(url), up.download(url, "X-Chat-Token", outsider),
                up.download(url, "Cookie", "chat_token=" + outsider), up.download(url + "?token=" + outsider))) {
            assertEquals(404, denied.statusCode());
            assertEquals("not_found", new JSONObject(new String(denied.body(), StandardCharsets.UTF_8))
                    .getJSONObject("error").getString("code"), "looks exactly like an unknown id");
        }
        HttpResponse<String> intrude = up.upload(outsider, new Multipart().field("room", "SECRET").file("x.pdf", "application/pdf", pdf));
        assertEquals(404, intrude.statusCode());
        assertEquals("room_not_found", errorCode(intrude));
    }

    @Test
    void unsharedUploadsAreTheUploadersAndPublicRoomUploadsAnyonesWithTheId() {
        String other = up.newToken();
        byte[] png = Samples.image("png", 4, 4);
        String privateUrl = up.uploadOk(alice, "mine.png", "image/png", png).getString("url");
        assertEquals(200, up.download(privateUrl, "X-Chat-Token", alice).statusCode());
        assertEquals(404, up.download(privateUrl, "X-Chat-Token", other).statusCode());
        assertEquals(404, up.download(privateUrl).statusCode());

        HttpResponse<String> r = up.upload(alice, new Multipart().field("room", "lobby").file("pub.png", "image/png", png));
        String publicUrl = new JSONObject(r.body()).getJSONObject("data").getString("url");
        assertEquals(200, up.download(publicUrl).statusCode(), "public room: the unguessable id is the invitation");
        assertEquals(404, up.download("/api/download_file/" + "0".repeat(32)).statusCode());
        assertEquals(404, up.download("/api/download_file/..%2f..%2fschema.sql").statusCode());
        assertEquals(404, up.download("/api/download_file/ABC").statusCode());
    }

    @Test
    void refusalsHaveTheirStatusAndCode() {
        byte[] png = Samples.image("png", 2, 2);
        HttpResponse<String> noToken = up.upload(null, "a.png", "image/png", png);
        assertEquals(401, noToken.statusCode());
        assertEquals("unauthorized", errorCode(noToken));
        assertEquals(401, up.upload("unknown-token", "a.png", "image/png", png).statusCode());

        String banned = up.newToken();
        server.server().bans().ban(banned, "test");
        HttpResponse<String> b = up.upload(banned, "a.png", "image/png", png);
        assertEquals(403, b.statusCode());
        assertEquals("banned", errorCode(b));

        HttpResponse<String> notMultipart = up.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/upload_file"))
                .header("X-Chat-Token", alice).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertEquals(400, notMultipart.statusCode());
        HttpResponse<String> noFile = up.upload(alice, new Multipart().field("room", "lobby").file("a.png", "image/png", png)
                .fileField("attachment"));
        assertEquals(400, noFile.statusCode());
        assertEquals("no_file", errorCode(noFile));
        HttpResponse<String> empty = up.upload(alice, "empty.txt", "text/plain", new byte[0]);
        assertEquals(400, empty.statusCode());
        assertEquals("empty_file", errorCode(empty));
        HttpResponse<String> badRoom = up.upload(alice, new Multipart().field("room", "no/such room").file("a.png", "image/png", png));
        assertEquals(400, badRoom.statusCode());
        assertEquals("invalid_room", errorCode(badRoom));
        HttpResponse<String> tooManyPixels = up.upload(alice, "huge.png", "image/png", Samples.pngHeader(10_000, 10_000));
        assertEquals(413, tooManyPixels.statusCode());
        assertEquals("image_too_large", errorCode(tooManyPixels));
        assertEquals(List.of(), up.tempFiles());
    }

    @Test
    void rangesHeadAndConditionalGetServeAudioInParts() {
        byte[] wav = Samples.wav();
        byte[] audio = new byte[4000];
        new Random(7).nextBytes(audio);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(wav);
        all.writeBytes(audio);
        byte[] file = all.toByteArray();
        JSONObject data = up.uploadOk(alice, "long.wav", "audio/wav", file);
        String url = data.getString("url");

        HttpResponse<byte[]> part = up.download(url, "X-Chat-Token", alice, "Range", "bytes=100-1099");
        assertEquals(206, part.statusCode());
        assertEquals("bytes 100-1099/" + file.length, part.headers().firstValue("content-range").orElseThrow());
        assertArrayEquals(java.util.Arrays.copyOfRange(file, 100, 1100), part.body());

        HttpResponse<byte[]> tail = up.download(url, "X-Chat-Token", alice, "Range", "bytes=-10");
        assertArrayEquals(java.util.Arrays.copyOfRange(file, file.length - 10, file.length), tail.body());
        HttpResponse<byte[]> open = up.download(url, "X-Chat-Token", alice, "Range", "bytes=4000-");
        assertEquals(file.length - 4000, open.body().length);

        HttpResponse<byte[]> beyond = up.download(url, "X-Chat-Token", alice, "Range", "bytes=" + file.length + "-");
        assertEquals(416, beyond.statusCode());
        assertEquals("bytes */" + file.length, beyond.headers().firstValue("content-range").orElseThrow());

        String etag = part.headers().firstValue("etag").orElseThrow();
        assertEquals("\"" + sha256(file) + "\"", etag);
        HttpResponse<byte[]> stale = up.download(url, "X-Chat-Token", alice, "Range", "bytes=0-9", "If-Range", "\"other\"");
        assertEquals(200, stale.statusCode(), "If-Range with another ETag: the whole file");
        assertEquals(file.length, stale.body().length);
        HttpResponse<byte[]> notModified = up.download(url, "X-Chat-Token", alice, "If-None-Match", etag);
        assertEquals(304, notModified.statusCode());
        assertEquals("sandbox", notModified.headers().firstValue("content-security-policy").orElseThrow(),
                "a 304 must not replace the cached file's CSP with the page's");

        HttpResponse<byte[]> head = up.request(url, "HEAD", alice);
        assertEquals(200, head.statusCode());
        assertEquals(String.valueOf(file.length), head.headers().firstValue("content-length").orElseThrow());
        assertEquals(0, head.body().length);
        // the connection stays usable after a HEAD and a range
        assertEquals(200, up.download(url, "X-Chat-Token", alice).statusCode());
    }

    @Test
    void theLimitsAreAnnouncedForThePage() {
        HttpResponse<byte[]> r = up.download("/api/upload_limits");
        JSONObject j = new JSONObject(new String(r.body(), StandardCharsets.UTF_8));
        assertEquals(LIMIT, j.getLong("max_bytes"));
        assertEquals(UploadSettings.ALL_TYPES.size(), j.getJSONArray("allowed_types").length());
    }

    private static byte[] text(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i % 64 == 63 ? '\n' : 'a' + i % 26);
        }
        return b;
    }

    private static Set<String> list(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return new HashSet<>(s.map(p -> p.getFileName().toString()).toList());
        }
    }

    private static String readUntilClosed(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        for (int n; (n = in.read(buf)) >= 0; ) {
            out.write(buf, 0, n);
        }
        return out.toString(StandardCharsets.US_ASCII);
    }
}
