package dev.chatserver.security;

import dev.chatserver.common.ChatException;
import dev.chatserver.http.HttpRequestData;
import dev.chatserver.http.OriginPolicy;
import io.netty.handler.codec.http.HttpHeaderNames;

/**
 * CSRF protection for every state-changing request: a browser's cross-site POST carries an Origin (or at
 * least a Referer) that is not this site, and is refused with 403. Requests with neither header come from
 * non-browser clients, which carry no ambient cookies of a victim. Session cookies are also SameSite=Lax.
 */
public final class CsrfGuard {
    private final OriginPolicy origins;

    public CsrfGuard(OriginPolicy origins) {
        this.origins = origins;
    }

    /** @throws ChatException {@code csrf_failed} (403) for a cross-site request */
    public void check(HttpRequestData req) {
        String host = req.headers().get(HttpHeaderNames.HOST);
        String origin = req.headers().get(HttpHeaderNames.ORIGIN);
        if (origin != null) {
            if (origin.equals("null") || !origins.allows(origin, host)) {
                throw new ChatException("csrf_failed", "cross-site request refused", 403);
            }
            return;
        }
        String referer = req.headers().get(HttpHeaderNames.REFERER);
        if (referer != null) {
            java.net.URI r;
            try {
                r = java.net.URI.create(referer);
            } catch (IllegalArgumentException e) {
                throw new ChatException("csrf_failed", "cross-site request refused", 403);
            }
            String o = r.getScheme() + "://" + r.getRawAuthority();
            if (!origins.allows(o, host)) {
                throw new ChatException("csrf_failed", "cross-site request refused", 403);
            }
        }
    }
}
