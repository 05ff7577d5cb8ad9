package dev.chatserver.security;

import java.util.List;
import java.util.Map;

/** Sends each alert to every configured sink (log, webhook, Telegram). */
public final class CompositeAlertSink implements AlertSink {
    private final List<AlertSink> sinks;

    public CompositeAlertSink(List<AlertSink> sinks) {
        this.sinks = List.copyOf(sinks);
    }

    @Override
    public void alert(String event, Map<String, Object> fields) {
        for (AlertSink s : sinks) {
            s.alert(event, fields);
        }
    }
}
