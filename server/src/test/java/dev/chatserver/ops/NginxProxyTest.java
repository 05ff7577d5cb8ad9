package dev.chatserver.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.chatserver.support.NginxServer.replaceOnce;

import dev.chatserver.config.ServerConfig;
import dev.chatserver.support.HttpSession;
import dev.chatserver.support.NginxServer;
import dev.chatserver.support.SocketClient;
import dev.chatserver.support.TestServer;
import dev.chatserver.support.Uploads;
import io.socket.client.IO;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nginx configuration of docs/deploy.md, run for real: Debian's nginx ({@code /usr/sbin/nginx}, installed by the
 * README's test command) on a free loopback port with TLS (a self-signed certificate made here with openssl) and the
 * documented proxy directives, in front of a real server. Through it an io.socket client chats over websocket and
 * another over polling, a 2 MB file is uploaded (above nginx's default 1 MB body limit) and downloaded, and the
 * server records the client's address from X-Forwarded-For because nginx is a trusted proxy: nginx connects from
 * 127.0.0.2 ({@code proxy_bind}, the one directive the test adds), the clients from 127.0.0.1.
 * Root-safe: the {@code user} directive names the current user, and pid, logs and temp paths are in the temp dir.
 */
@Tag("nginx")
class NginxProxyTest {
    private static final String MARKER = "<!-- nginx-config: tested by";
    private static final String NGINX_IP = "127.0.0.2";

    @TempDir
    Path dir;
    TestServer server;
    NginxServer nginx;

    @AfterEach
    void stop() throws Exception {
        if (nginx != null) {
            nginx.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** Starts nginx with the documented block (first nginx block after the marker in docs/deploy.md); @return its TLS port */
    private int startNginx(int upstreamPort) throws Exception {
        NginxServer.run(dir, List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-out", "cert.pem",
                "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"));
        int port = NginxServer.freePort();
        String site = NginxServer.documentedBlock("docs/deploy.md", MARKER);
        site = replaceOnce(site, "listen 443 ssl;", "listen 127.0.0.1:" + port + " ssl;");
        site = replaceOnce(site, "listen [::]:443 ssl;", "");
        site = replaceOnce(site, "server 127.0.0.1:5000;", "server 127.0.0.1:" + upstreamPort + ";");
        site = replaceOnce(site, "/etc/letsencrypt/live/chat.example.org/fullchain.pem", dir.resolve("cert.pem").toString());
        site = replaceOnce(site, "/etc/letsencrypt/live/chat.example.org/privkey.pem", dir.resolve("key.pem").toString());
        site = replaceOnce(site, "proxy_pass http://chat_server;", "proxy_pass http://chat_server;\n        proxy_bind " + NGINX_IP + ";");
        nginx = NginxServer.start(dir, site, port);
        return port;
    }

    /** Trusts exactly the certificate made for this nginx. */
    private X509TrustManager trustingTestCertificate() throws Exception {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(dir.resolve("cert.pem"))) {
            ks.setCertificateEntry("nginx", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        return (X509TrustManager) tmf.getTrustManagers()[0];
    }

    private static SSLContext tls(X509TrustManager trust) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new javax.net.ssl.TrustManager[] {trust}, null);
        return ctx;
    }

    /** io.socket options for one transport over TLS (its OkHttp client trusting the test certificate). */
    private static IO.Options through(X509TrustManager trust, String transport, Map<String, List<String>> headers) throws Exception {
        IO.Options o = SocketClient.options();
        o.transports = new String[] {transport};
        o.extraHeaders = headers;
        OkHttpClient http = new OkHttpClient.Builder().sslSocketFactory(tls(trust).getSocketFactory(), trust)
                .readTimeout(1, TimeUnit.MINUTES).build();
        o.callFactory = http;
        o.webSocketFactory = http;
        return o;
    }

    @Test
    void aClientChatsThroughTheDocumentedNginxOverWebsocketAndPollingAndUploads() throws Exception {
        Assumptions.assumeTrue(NginxServer.available(), "skipped: /usr/sbin/nginx is missing (apt-get install -y nginx)");
        server = TestServer.start(ServerConfig.forTests(dir.resolve("server")).toBuilder().trustedProxies(List.of(NGINX_IP)).build());
        int port = startNginx(server.port());
        String base = "https://127.0.0.1:" + port;
        X509TrustManager trust = trustingTestCertificate();

        // the websocket client also forges a first hop: nginx appends the address it saw, the server takes that one
        try (SocketClient ws = SocketClient.connect(base, through(trust, "websocket", Map.of("X-Forwarded-For", List.of("6.6.6.6"))));
             SocketClient poll = SocketClient.connect(base, through(trust, "polling", Map.of()))) {
            ws.join("NGINX", "websocketuser");
            poll.join("NGINX", "pollinguser");
            long fromWs = ws.send("NGINX", "over a websocket through nginx").getLong("id");
            assertEquals("over a websocket through nginx", poll.awaitJson("message", m -> m.optLong("id") == fromWs).getString("message"));
            long fromPoll = poll.send("NGINX", "over polling through nginx").getLong("id");
            assertEquals("over polling through nginx", ws.awaitJson("message", m -> m.optLong("id") == fromPoll).getString("message"));

            assertEquals("127.0.0.1", senderIp(fromWs), "the client's address, not nginx's 127.0.0.2 nor the forged 6.6.6.6");
            assertEquals("127.0.0.1", senderIp(fromPoll));
            HttpSession admin = new HttpSession(server.url()); // straight to the server
            assertEquals(200, admin.postJson("/admin/login", new JSONObject().put("username", "root").put("password", "root")).statusCode());
            JSONArray live = new JSONObject(admin.get("/admin/api/sessions").body()).getJSONObject("data").getJSONArray("sessions");
            Map<String, String> transports = new java.util.HashMap<>();
            for (int i = 0; i < live.length(); i++) {
                JSONObject s = live.getJSONObject(i);
                transports.put(s.getString("username"), s.optString("transport"));
                assertEquals("127.0.0.1", s.getString("ip"), s.toString());
            }
            assertEquals("websocket", transports.get("websocketuser"), "nginx passed the websocket upgrade");
            assertEquals("polling", transports.get("pollinguser"));

            String token = ws.awaitJson("identity").getString("token");
            HttpClient https = HttpClient.newBuilder().sslContext(tls(trust)).connectTimeout(Duration.ofSeconds(10)).build();
            byte[] big = "a line of plain text in a file of two megabytes\n".repeat(2 * 1024 * 1024 / 48).getBytes(StandardCharsets.UTF_8);
            HttpResponse<String> up = Uploads.upload(https, base, token, "big.txt", "text/plain", big);
            assertEquals(200, up.statusCode(), "an upload above nginx's default 1 MB limit passes: " + up.body());
            String fileId = new JSONObject(up.body()).getJSONObject("data").getString("file_id");
            assertEquals("127.0.0.1", server.server().database().jdbi().withHandle(h -> h.createQuery(
                    "SELECT uploader_ip FROM uploads WHERE id = ?").bind(0, fileId).mapTo(String.class).one()));
            HttpResponse<byte[]> down = https.send(HttpRequest.newBuilder(URI.create(base + "/api/download_file/" + fileId))
                    .header("X-Chat-Token", token).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, down.statusCode());
            assertArrayEquals(big, down.body());

            assertEquals(404, https.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode(), "/metrics is closed at the proxy");
            assertEquals(200, https.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode());
        }
    }

    private String senderIp(long id) {
        return server.server().database().jdbi().withHandle(h -> h.createQuery("SELECT sender_ip FROM messages WHERE id = ?")
                .bind(0, id).mapTo(String.class).one());
    }
}
