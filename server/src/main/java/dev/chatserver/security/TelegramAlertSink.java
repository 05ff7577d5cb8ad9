package dev.chatserver.security;

import dev.chatserver.common.Json;
import dev.chatserver.config.TelegramSettings;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each alert to a Telegram chat with the Bot API's {@code sendMessage} (seed 004 "Telegram integration
 * for critical alerts"), asynchronously with a 5 s timeout; failures are logged (without the bot token),
 * never thrown.
 */
public final class TelegramAlertSink implements AlertSink {
    private static final Logger log = LoggerFactory.getLogger(TelegramAlertSink.class);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final TelegramSettings settings;

    public TelegramAlertSink(TelegramSettings settings) {
        this.settings = settings;
    }

    @Override
    public void alert(String event, Map<String, Object> fields) {
        String text = "chat-server alert: " + event + "\n" + Json.write(fields);
        String form = "chat_id=" + URLEncoder.encode(settings.chatId(), StandardCharsets.UTF_8)
                + "&text=" + URLEncoder.encode(text, StandardCharsets.UTF_8);
        HttpRequest req = HttpRequest.newBuilder(URI.create(settings.apiBase() + "/bot" + settings.botToken() + "/sendMessage"))
                .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        http.sendAsync(req, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
            if (e != null) {
                log.warn("Telegram alert failed: {}", e.getClass().getSimpleName());
            } else if (r.statusCode() >= 300) {
                log.warn("Telegram answered {} to an alert", r.statusCode());
            }
        });
    }
}
