package dev.chatserver.security;

import java.util.Map;

/**
 * Where critical security events go (seed 004 sends them to Telegram): a log line, a webhook, or both.
 * Implementations must not block the caller for long and never throw.
 */
public interface AlertSink {
    /** @param event short name, e.g. {@code login_lockout}; @param fields details (never secrets) */
    void alert(String event, Map<String, Object> fields);
}
