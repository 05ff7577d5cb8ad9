package dev.chatserver.http;

import dev.chatserver.common.ChatException;
import dev.chatserver.common.Json;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Writing HTTP responses: security headers on every one, JSON bodies, errors without stack traces. */
public final class HttpResponses {
    /** CSP of every page: scripts and styles only from this origin, no inline script (seed 002 headers). */
    public static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
            + "media-src 'self' blob:; connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; "
            + "form-action 'self'; frame-ancestors 'none'";

    private HttpResponses() {
    }

    /** Adds CSP, nosniff, frame denial and referrer policy. */
    public static void securityHeaders(HttpHeaders h) {
        h.set("Content-Security-Policy", CSP);
        h.set("X-Content-Type-Options", "nosniff");
        h.set("X-Frame-Options", "DENY");
        h.set("Referrer-Policy", "same-origin");
    }

    /** A full response with body and content type; headers are completed by {@link #send}. */
    public static FullHttpResponse of(HttpResponseStatus status, byte[] body, String contentType) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        return r;
    }

    /** A 303 redirect (after a form POST) to a same-site path. */
    public static FullHttpResponse redirect(String location) {
        FullHttpResponse r = of(HttpResponseStatus.SEE_OTHER, new byte[0], "text/plain; charset=utf-8");
        r.headers().set(HttpHeaderNames.LOCATION, location);
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return r;
    }

    /**
     * Adds a Set-Cookie: HttpOnly, SameSite=Lax, Path=/.
     *
     * @param maxAgeS lifetime, seconds; 0 deletes the cookie
     * @param secure  add the Secure flag (behind TLS)
     */
    public static void setCookie(FullHttpResponse r, String name, String value, long maxAgeS, boolean secure) {
        setCookie(r, name, value, maxAgeS, secure, io.netty.handler.codec.http.cookie.CookieHeaderNames.SameSite.Lax);
    }

    /** As {@link #setCookie(FullHttpResponse, String, String, long, boolean)} with another SameSite mode (admin: Strict). */
    public static void setCookie(FullHttpResponse r, String name, String value, long maxAgeS, boolean secure,
                                 io.netty.handler.codec.http.cookie.CookieHeaderNames.SameSite sameSite) {
        io.netty.handler.codec.http.cookie.DefaultCookie c = new io.netty.handler.codec.http.cookie.DefaultCookie(name, value);
        c.setHttpOnly(true);
        c.setPath("/");
        c.setMaxAge(maxAgeS);
        c.setSecure(secure);
        c.setSameSite(sameSite);
        r.headers().add(HttpHeaderNames.SET_COOKIE, io.netty.handler.codec.http.cookie.ServerCookieEncoder.STRICT.encode(c));
    }

    /** A JSON response. */
    public static FullHttpResponse json(HttpResponseStatus status, Object body) {
        FullHttpResponse r = of(status, Json.write(body).getBytes(StandardCharsets.UTF_8), "application/json; charset=utf-8");
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return r;
    }

    /** {@code {error:{code,message}}} with the exception's status. */
    public static FullHttpResponse error(ChatException e) {
        Map<String, Object> err = new java.util.LinkedHashMap<>();
        err.put("code", e.code());
        err.put("message", e.getMessage());
        if (e.retryAfterMs() > 0) {
            err.put("retry_after_ms", e.retryAfterMs());
        }
        FullHttpResponse r = json(HttpResponseStatus.valueOf(e.httpStatus()), Map.of("error", err));
        if (e.retryAfterMs() > 0) {
            r.headers().set(HttpHeaderNames.RETRY_AFTER, Math.max(1, (e.retryAfterMs() + 999) / 1000));
        }
        return r;
    }

    /**
     * Answers before the request body was read, announcing {@code Connection: close} but leaving the
     * connection open: closing with unread input makes the kernel send a reset that can destroy the response
     * before the client reads it. The caller closes once the body is drained (or too much of it arrived).
     */
    public static ChannelFuture sendEarly(Channel ch, FullHttpResponse r) {
        securityHeaders(r.headers());
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
        r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return ch.writeAndFlush(r);
    }

    /**
     * Completes headers without sending: security headers, Content-Length, and {@code Connection: keep-alive}
     * or {@code close}. For responses whose connection is closed later than the write (e.g. an upload refused
     * while its body still arrives).
     */
    public static void complete(FullHttpResponse r, boolean keepAlive) {
        securityHeaders(r.headers());
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
        if (keepAlive) {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        } else {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
    }

    /**
     * Completes headers (length, security, keep-alive) and writes through the whole pipeline.
     *
     * @param keepAlive false closes the connection after the response
     */
    public static ChannelFuture send(Channel ch, FullHttpResponse r, boolean keepAlive) {
        complete(r, keepAlive);
        ChannelFuture f = ch.writeAndFlush(r);
        f.addListener(done -> {
            if (!done.isSuccess()) {
                org.slf4j.LoggerFactory.getLogger(HttpResponses.class).warn("response write failed: {}", done.cause().toString());
                ch.close();
            }
        });
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
        return f;
    }
}
