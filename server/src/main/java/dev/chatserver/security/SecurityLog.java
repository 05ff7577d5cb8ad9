package dev.chatserver.security;

import dev.chatserver.common.Json;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Security events (login failure, lockout, 2FA failure, ban hit) as one JSON object per log line on the
 * {@code security} logger (seed 004 JSON logging), with IP and user, never passwords, tokens or TOTP
 * secrets. Critical events also go to the {@link AlertSink}.
 */
public final class SecurityLog {
    private static final Logger log = LoggerFactory.getLogger("security");
    private final Clock clock;
    private final AlertSink alerts;

    public SecurityLog(Clock clock, AlertSink alerts) {
        this.clock = clock;
        this.alerts = alerts;
    }

    /** Logs an event. @param critical also send it to the alert sink */
    public void event(String event, String ip, String user, boolean critical, Map<String, Object> extra) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", Instant.ofEpochMilli(clock.millis()).toString());
        line.put("event", event);
        line.put("ip", ip);
        line.put("user", user);
        line.putAll(extra);
        log.warn(Json.write(line));
        if (critical) {
            alerts.alert(event, line);
        }
    }

    /** Logs an event without extra fields. */
    public void event(String event, String ip, String user, boolean critical) {
        event(event, ip, user, critical, Map.of());
    }
}
