package dev.chatserver.config;

/**
 * Limits on TCP connections and slow HTTP clients (issue #9). Keys in {@code config.properties} and README,
 * "Configuration". Websocket connections and long-polling requests are exempt from both timeouts: Engine.IO's
 * ping ({@code pingIntervalMs} + {@code pingTimeoutMs}) watches them.
 *
 * @param httpIdleTimeoutMs    ms a keep-alive connection may stay open between requests (or before its first
 *                             byte) without sending anything; then it is closed
 * @param httpRequestTimeoutMs ms a request's head (request line and headers) may take from its first byte; its
 *                             body gets the same time plus 1 ms per byte received (at least 1,000 bytes/s on
 *                             average), so uploads on slow links pass and byte-by-byte senders (slowloris) do not;
 *                             beyond: HTTP 408 {@code request_timeout} and the connection closed
 * @param maxConnectionsPerIp  open TCP connections per client IP (pages, API, polling and websockets together);
 *                             further connections are closed at once
 */
public record ConnectionSettings(long httpIdleTimeoutMs, long httpRequestTimeoutMs, int maxConnectionsPerIp) {
    /** The defaults of the jar's config.properties (tests start from these). */
    public static final ConnectionSettings DEFAULTS = new ConnectionSettings(60_000, 20_000, 256);
}
