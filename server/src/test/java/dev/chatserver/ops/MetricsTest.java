package dev.chatserver.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatserver.support.SocketClient;
import dev.chatserver.support.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /metrics}: Prometheus text whose chat counters move with real traffic. */
class MetricsTest {
    @Test
    void countersMoveWithTraffic(@TempDir Path dir) throws Exception {
        try (TestServer server = TestServer.start(dir); SocketClient c = server.client()) {
            String before = scrape(server);
            double committedBefore = value(before, "chat_messages_committed_total");
            c.join("METRICS", "counter");
            for (int i = 0; i < 3; i++) {
                c.send("METRICS", "m" + i);
            }
            String code = c.refused("message", new JSONObject().put("room", "METRICS").put("message", ""));

            String after = scrape(server);
            assertEquals(committedBefore + 3, value(after, "chat_messages_committed_total"), after);
            assertTrue(value(after, "chat_commits_total") >= 1, "commits counted");
            assertTrue(value(after, "chat_commit_duration_seconds_count") >= 1, "commit latency timed");
            assertEquals(1, value(after, "chat_sockets_connected"));
            assertEquals(1, value(after, "chat_rooms_active"));
            assertTrue(value(after, "chat_ack_duration_seconds_count{event=\"message\",outcome=\"ok\"}") >= 3, after);
            assertEquals(1, value(after, "chat_rejected_total{code=\"" + code + "\"}"), after);
            assertTrue(after.contains("jvm_memory_used_bytes"), "JVM binders are registered");
        }
    }

    private static String scrape(TestServer server) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.url() + "/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/plain"), "Prometheus text");
        return r.body();
    }

    /** The value of the sample whose name and labels start with {@code series}; fails when absent. */
    private static double value(String text, String series) {
        for (String line : text.split("\n")) {
            if (line.startsWith(series + " ") || (!series.contains("{") && line.startsWith(series + "{"))) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no sample " + series + " in:\n" + text);
    }
}
