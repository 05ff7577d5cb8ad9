package dev.chatserver.support;

import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.json.JSONObject;

/** A cookie-keeping HTTP client for one test user (java.net.http), speaking JSON to the account endpoints. */
public final class HttpSession {
    private final String base;
    private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    private final HttpClient http;

    public HttpSession(String base) {
        this.base = base;
        this.http = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** POSTs a JSON object. */
    public HttpResponse<String> postJson(String path, JSONObject body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b.build());
    }

    /** POSTs a form. */
    public HttpResponse<String> postForm(String path, String form, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b.build());
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET().build());
    }

    private HttpResponse<String> send(HttpRequest r) {
        try {
            return http.send(r, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError("HTTP " + r.uri() + " failed", e);
        }
    }

    /** The value of a cookie this session holds, or null. */
    public String cookie(String name) {
        return cookies.getCookieStore().get(URI.create(base)).stream().filter(c -> c.getName().equals(name))
                .map(HttpCookie::getValue).findFirst().orElse(null);
    }

    /** A Socket.IO client that sends this session's cookies in the handshake. */
    public SocketClient socket() {
        return SocketClient.connect(base, socketOptions());
    }

    /** Options carrying this session's cookies. */
    public io.socket.client.IO.Options socketOptions() {
        io.socket.client.IO.Options o = SocketClient.options();
        String header = String.join("; ", cookies.getCookieStore().get(URI.create(base)).stream()
                .map(c -> c.getName() + "=" + c.getValue()).toList());
        o.extraHeaders = Map.of("Cookie", List.of(header));
        return o;
    }

    /** Registers and signs in (JSON). @return the response data */
    public JSONObject register(String username, String password) {
        HttpResponse<String> r = postJson("/register", new JSONObject().put("username", username).put("password", password));
        if (r.statusCode() != 200) {
            throw new AssertionError("register failed: " + r.statusCode() + " " + r.body());
        }
        return new JSONObject(r.body()).getJSONObject("data");
    }
}
