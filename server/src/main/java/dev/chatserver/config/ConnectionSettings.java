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
 * @param websocketCompression whether websockets may negotiate permessage-deflate (RFC 7692). Off by default, as in
 *                             the Node Socket.IO v4 server ({@code perMessageDeflate: false}): with it, every frame
 *                             to a browser is compressed once per connection (a broadcast to 1,000 members is
 *                             deflated 1,000 times) and each connection keeps its own zlib state
 */
public record ConnectionSettings(long httpIdleTimeoutMs, long httpRequestTimeoutMs, int maxConnectionsPerIp,
                                 boolean websocketCompression) {
    /** The defaults of the jar's config.properties (tests start from these). */
    public static final ConnectionSettings DEFAULTS = new ConnectionSettings(60_000, 20_000, 256, false);

    /** Without websocket compression (its default). */
    public ConnectionSettings(long httpIdleTimeoutMs, long httpRequestTimeoutMs, int maxConnectionsPerIp) {
        this(httpIdleTimeoutMs, httpRequestTimeoutMs, maxConnectionsPerIp, false);
    }
}
