package dev.chatserver.uploads;

import dev.chatserver.support.SocketClient;
import dev.chatserver.support.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.json.JSONObject;

/** Real HTTP against a {@link TestServer}: tokens from real sockets, multipart uploads, downloads, disk checks. */
final class UploadSupport {
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    final TestServer server;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    UploadSupport(TestServer server) {
        this.server = server;
    }

    /** A new identity's secret token, made the way the page gets one (socket connect + join). */
    String newToken() {
        try (SocketClient c = server.client()) {
            c.join("lobby", null);
            return c.awaitJson("identity").getString("token");
        }
    }

    HttpRequest.Builder uploadRequest(String token, Multipart body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + "/api/upload_file"))
                .timeout(TIMEOUT)
                .header("Content-Type", body.contentType());
        if (token != null) {
            b.header("X-Chat-Token", token);
        }
        return b;
    }

    HttpResponse<String> upload(String token, Multipart body) {
        return send(uploadRequest(token, body).POST(body.publisher()).build());
    }

    HttpResponse<String> upload(String token, String name, String type, byte[] bytes) {
        return upload(token, new Multipart().file(name, type, bytes));
    }

    /** Uploads and returns {@code data} of the 200 answer. @throws AssertionError otherwise */
    JSONObject uploadOk(String token, String name, String type, byte[] bytes) {
        HttpResponse<String> r = upload(token, name, type, bytes);
        if (r.statusCode() != 200) {
            throw new AssertionError("upload of " + name + " answered " + r.statusCode() + " " + r.body());
        }
        JSONObject j = new JSONObject(r.body());
        if (!j.getBoolean("ok")) {
            throw new AssertionError(r.body());
        }
        return j.getJSONObject("data");
    }

    HttpResponse<byte[]> download(String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(TIMEOUT);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Any method without a body, e.g. HEAD. */
    HttpResponse<byte[]> request(String path, String method, String token) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(TIMEOUT)
                .header("X-Chat-Token", token).method(method, HttpRequest.BodyPublishers.noBody()).build();
        try {
            return http.send(req, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    HttpResponse<String> send(HttpRequest req) {
        try {
            return http.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static String errorCode(HttpResponse<String> r) {
        return new JSONObject(r.body()).getJSONObject("error").getString("code");
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    Path uploadsDir() {
        return server.server().uploads().dir();
    }

    /** Files directly in the uploads directory (stored uploads), by name. */
    List<String> storedFiles() {
        try (Stream<Path> s = Files.list(uploadsDir())) {
            return s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Everything in the uploads' temp directory (the multipart decoder's files and .part files). */
    List<String> tempFiles() {
        try (Stream<Path> s = Files.list(server.server().uploads().tempDir())) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    long uploadRows() {
        return server.server().database().jdbi().withHandle(h ->
                h.createQuery("SELECT count(*) FROM uploads").mapTo(Long.class).one());
    }
}
