package dev.chatserver.support;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.json.JSONObject;

/** A real multipart upload to {@code POST /api/upload_file} (one part {@code file}), for tests outside the uploads package. */
public final class Uploads {
    private Uploads() {
    }

    /**
     * Uploads {@code bytes} as {@code name} with the identity {@code token} (header {@code X-Chat-Token}).
     *
     * @param base e.g. {@code http://127.0.0.1:5000}, or a reverse proxy in front of the server
     * @param headers extra request headers, name then value
     * @return the HTTP answer (200 {@code {ok, data: {file_id, name, size, type, url}}} when stored)
     */
    public static HttpResponse<String> upload(String base, String token, String name, String type, byte[] bytes,
                                              String... headers) {
        return upload(HttpClient.newHttpClient(), base, token, name, type, bytes, headers);
    }

    /** As {@link #upload(String, String, String, String, byte[], String...)} with a given client (e.g. one trusting a test CA). */
    public static HttpResponse<String> upload(HttpClient http, String base, String token, String name, String type, byte[] bytes,
                                              String... headers) {
        String boundary = "----chatserver" + System.nanoTime();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name
                + "\"\r\nContent-Type: " + type + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(bytes);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base + "/api/upload_file")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary).header("X-Chat-Token", token)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            req.header(headers[i], headers[i + 1]);
        }
        try {
            return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError("upload to " + base + " failed", e);
        }
    }

    /** As {@link #upload}, requiring 200. @param headers extra request headers, name then value @return {@code data} of the answer */
    public static JSONObject uploadOk(String base, String token, String name, String type, byte[] bytes, String... headers) {
        HttpResponse<String> r = upload(base, token, name, type, bytes, headers);
        if (r.statusCode() != 200) {
            throw new AssertionError("upload of " + name + " answered " + r.statusCode() + " " + r.body());
        }
        return new JSONObject(r.body()).getJSONObject("data");
    }
}
