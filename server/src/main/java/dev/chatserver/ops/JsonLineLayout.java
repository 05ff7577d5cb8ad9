package dev.chatserver.ops;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.LayoutBase;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.event.KeyValuePair;

/**
 * One JSON object per log event, on one line (seed 004's JSON logs; issue #10):
 * {@code {"time": "2026-01-31T12:00:00.123Z", "level": "INFO", "logger": "dev.chatserver...", "thread": "main",
 * "message": "...", "fields": {...}, "error": "java.lang...: ...\n\tat ..."}}. {@code time} is ISO-8601 UTC;
 * {@code fields} holds the MDC and the SLF4J 2 key-value pairs ({@code log.atInfo().addKeyValue("room", r)}) and is
 * left out when empty, as is {@code error} without an exception. Written with Jackson, so every line parses.
 *
 * <p>Own layout rather than logback's {@code JsonEncoder}: that one writes epoch-ms {@code timestamp}, {@code
 * loggerName}, the logger context and a {@code kvpList} array on every line; these names are the ones issue #10 asks for.
 */
public final class JsonLineLayout extends LayoutBase<ILoggingEvent> {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Override
    public String doLayout(ILoggingEvent e) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", Instant.ofEpochMilli(e.getTimeStamp()).toString());
        line.put("level", e.getLevel().toString());
        line.put("logger", e.getLoggerName());
        line.put("thread", e.getThreadName());
        line.put("message", e.getFormattedMessage());
        Map<String, Object> fields = new LinkedHashMap<>(e.getMDCPropertyMap());
        if (e.getKeyValuePairs() != null) {
            for (KeyValuePair kv : e.getKeyValuePairs()) {
                fields.put(kv.key, kv.value);
            }
        }
        if (!fields.isEmpty()) {
            line.put("fields", fields);
        }
        if (e.getThrowableProxy() != null) {
            line.put("error", ThrowableProxyUtil.asString(e.getThrowableProxy()));
        }
        try {
            return MAPPER.writeValueAsString(line) + "\n";
        } catch (JsonProcessingException x) { // a field value Jackson cannot write: keep the line, as text
            line.put("fields", String.valueOf(fields));
            try {
                return MAPPER.writeValueAsString(line) + "\n";
            } catch (JsonProcessingException again) {
                return "{\"level\":\"ERROR\",\"message\":\"unwritable log event\"}\n";
            }
        }
    }
}
