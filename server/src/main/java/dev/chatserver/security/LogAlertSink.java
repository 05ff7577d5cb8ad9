package dev.chatserver.security;

import dev.chatserver.common.Json;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The default {@link AlertSink}: one ERROR line {@code ALERT {json}} on the {@code alerts} logger. */
public final class LogAlertSink implements AlertSink {
    private static final Logger log = LoggerFactory.getLogger("alerts");

    @Override
    public void alert(String event, Map<String, Object> fields) {
        log.error("ALERT {}", Json.write(Map.of("event", event, "fields", fields)));
    }
}
