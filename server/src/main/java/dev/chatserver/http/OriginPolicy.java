package dev.chatserver.http;

import java.net.URI;
import java.util.List;

/**
 * The Origin allowlist for Socket.IO: the page's own origin (same host as the request) and the configured
 * origins (an entry without a port allows any port of that scheme and host). Requests without an Origin
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
        String hostPort = o.getPort() == -1 ? o.getHost() : o.getHost() + ":" + o.getPort();
        if (host != null && host.equalsIgnoreCase(hostPort)) {
            return true;
        }
        for (String a : allowed) {
            URI u = URI.create(a);
            boolean sameHost = u.getScheme().equalsIgnoreCase(o.getScheme()) && u.getHost().equalsIgnoreCase(o.getHost());
            if (sameHost && (u.getPort() == -1 || u.getPort() == o.getPort())) {
                return true;
            }
        }
        return false;
    }
}
