package dev.chatserver.http;

import java.net.URI;
import java.util.List;

/**
 * The Origin allowlist for Socket.IO: the page's own origin (same host as the request) and the configured
 * origins (an entry without a port allows any port of that scheme and host; a missing port in the
 * browser's Origin means the scheme's default). Requests without an Origin
 * header (non-browser clients) are allowed: Origin protects browsers' cookies, not the server.
 */
public final class OriginPolicy {
    private final List<String> allowed;

    /** @param allowed origins like {@code https://chat.example.org} or {@code http://localhost} */
    public OriginPolicy(List<String> allowed) {
        this.allowed = allowed;
    }

    /**
     * @param origin the Origin header, or null
     * @param host   the Host header, or null
     * @return whether a browser page of that origin may use the socket
     */
    public boolean allows(String origin, String host) {
        if (origin == null) {
            return true;
        }
        URI o;
        try {
            o = URI.create(origin);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (o.getScheme() == null || o.getHost() == null) {
            return false;
        }
        int port = portOf(o);
        if (host != null && (host.equalsIgnoreCase(o.getHost() + ":" + port)
                || (o.getPort() == -1 && host.equalsIgnoreCase(o.getHost())))) {
            return true;
        }
        for (String a : allowed) {
            URI u;
            try {
                u = URI.create(a);
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (u.getScheme() == null || u.getHost() == null) {
                continue;
            }
            boolean sameHost = u.getScheme().equalsIgnoreCase(o.getScheme()) && u.getHost().equalsIgnoreCase(o.getHost());
            if (sameHost && (u.getPort() == -1 || u.getPort() == port)) {
                return true;
            }
        }
        return false;
    }

    /** The port, or the scheme's default (80, 443) when the URI has none. */
    private static int portOf(URI u) {
        if (u.getPort() != -1) {
            return u.getPort();
        }
        return "https".equalsIgnoreCase(u.getScheme()) || "wss".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }
}
