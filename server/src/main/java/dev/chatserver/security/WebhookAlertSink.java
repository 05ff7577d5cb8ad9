package dev.chatserver.security;

import dev.chatserver.common.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts each alert as JSON {@code {event, fields}} to a configured URL, asynchronously (5 s timeout);
 * failures are logged, never thrown.
 */
public final class WebhookAlertSink implements AlertSink {
    private static final Logger log = LoggerFactory.getLogger(WebhookAlertSink.class);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI url;

    /** @param url where to POST; http or https */
    public WebhookAlertSink(URI url) {
        this.url = url;
    }

    @Override
    public void alert(String event, Map<String, Object> fields) {
        HttpRequest req = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(Map.of("event", event, "fields", fields)))).build();
        http.sendAsync(req, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
            if (e != null) {
                log.warn("alert webhook failed: {}", e.toString());
            } else if (r.statusCode() >= 300) {
                log.warn("alert webhook answered {}", r.statusCode());
            }
        });
    }
}
