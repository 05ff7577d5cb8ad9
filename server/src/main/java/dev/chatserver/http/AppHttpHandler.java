package dev.chatserver.http;

import dev.chatserver.common.ChatException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The app's HTTP side, one instance per channel, placed after the HTTP decoder and before netty-socketio's
 * aggregator. Requests under {@code /socket.io/} pass through to netty-socketio after the Origin check.
 * Other requests go to the {@link Router}: streaming routes get the body as it arrives; other routes get
 * it aggregated (at most {@code maxBodyBytes}, else 413) and run on the bounded blocking executor. GETs
 * that match no route are served from {@link StaticFiles} ({@code /}, {@code /room/<code>},
 * {@code /static/*}, {@code /vendor/*}). Every response carries the security headers; errors are JSON (or
 * a plain page for browsers), never a stack trace.
 */
public final class AppHttpHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(AppHttpHandler.class);
    private static final String SOCKET_PATH = "/socket.io/";

    private enum Mode { IDLE, PASS, DISCARD, AGGREGATE, STREAM }

    private final StaticFiles files;
    private final OriginPolicy origins;
    private final Router router;
    private final Executor blocking;
    private final int maxBodyBytes;
    private final java.util.function.Consumer<io.netty.channel.Channel> requestSeen;
    private final java.util.function.Predicate<HttpRequest> gate;
    private final dev.chatserver.security.TrustedProxies proxies;

    /** Bytes of a refused body read past its early answer before the connection is closed anyway. */
    private static final long DRAIN_LIMIT = 1024 * 1024;

    private Mode mode = Mode.IDLE;
    private boolean closeWhenDrained;
    private long drained;
    private HttpRequest current;
    private Router.Match match;
    private ByteArrayOutputStream body;
    private StreamingRoute stream;

    /**
     * @param router       the app's endpoints
     * @param blocking     bounded executor for route work
     * @param maxBodyBytes largest aggregated request body, bytes
     * @param requestSeen  called for each request answered here (cancels netty-socketio's first-data timeout)
     * @param gate         whether a request may go on (seed 004's TOTP gate; always true when it is off)
     * @param proxies      trusted reverse proxies: the client IP comes from their {@code X-Forwarded-For}
     */
    public AppHttpHandler(StaticFiles files, OriginPolicy origins, Router router, Executor blocking, int maxBodyBytes,
                          java.util.function.Consumer<io.netty.channel.Channel> requestSeen,
                          java.util.function.Predicate<HttpRequest> gate, dev.chatserver.security.TrustedProxies proxies) {
        this.proxies = proxies;
        this.requestSeen = requestSeen;
        this.gate = gate;
        this.files = files;
        this.origins = origins;
        this.router = router;
        this.blocking = blocking;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest req) {
            onRequest(ctx, req);
        }
        if (msg instanceof HttpContent content) {
            onContent(ctx, content);
        } else if (!(msg instanceof HttpRequest)) {
            ctx.fireChannelRead(msg);
        }
    }

    private void onRequest(ChannelHandlerContext ctx, HttpRequest req) {
        current = req;
        String path = new QueryStringDecoder(req.uri()).path();
        if (path.startsWith(SOCKET_PATH)) {
            if (origins.allows(req.headers().get(HttpHeaderNames.ORIGIN), req.headers().get(HttpHeaderNames.HOST))) {
                mode = Mode.PASS;
                ctx.fireChannelRead(req);
                return;
            }
            refuseEarly(ctx, new ChatException("origin_not_allowed", "this origin may not use the chat socket", 403));
            return;
        }
        requestSeen.accept(ctx.channel());
        if (!gate.test(req)) { // seed 004's shared TOTP gate
            boolean page = req.method().equals(HttpMethod.GET) && !path.startsWith("/api/");
            if (page) {
                mode = Mode.DISCARD;
                HttpResponses.send(ctx.channel(), HttpResponses.redirect("/gate"), HttpUtil.isKeepAlive(req));
            } else {
                refuseEarly(ctx, new ChatException("gate_required", "enter the chat's access code at /gate first", 401));
            }
            return;
        }
        Optional<Router.Match> m = router.match(req.method(), path);
        if (m.isPresent() && m.get().streaming() != null) {
            mode = Mode.STREAM;
            stream = m.get().streaming().create();
            stream.begin(ctx, req, ip(ctx, req), m.get().pathParams());
            return;
        }
        if (m.isPresent()) {
            long declared = HttpUtil.getContentLength(req, -1L);
            if (declared > maxBodyBytes) {
                refuseEarly(ctx, new ChatException("body_too_large",
                        "the request body is larger than " + maxBodyBytes + " bytes", 413));
                return;
            }
            mode = Mode.AGGREGATE;
            match = m.get();
            body = new ByteArrayOutputStream();
            return;
        }
        mode = Mode.DISCARD;
        serveUnrouted(ctx, req, path);
    }

    private void onContent(ChannelHandlerContext ctx, HttpContent content) {
        switch (mode) {
            case PASS -> ctx.fireChannelRead(content);
            case STREAM -> stream.content(ctx, content);
            case AGGREGATE -> {
                try {
                    ByteBuf buf = content.content();
                    if (body.size() + buf.readableBytes() > maxBodyBytes) {
                        body = null;
                        refuseEarly(ctx, new ChatException("body_too_large",
                                "the request body is larger than " + maxBodyBytes + " bytes", 413));
                        if (content instanceof LastHttpContent) {
                            ctx.close();
                        }
                    } else {
                        buf.readBytes(body, buf.readableBytes());
                        if (content instanceof LastHttpContent) {
                            runRoute(ctx, current, match, body.toByteArray());
                        }
                    }
                } catch (java.io.IOException e) {
                    ctx.close();
                } finally {
                    ReferenceCountUtil.release(content);
                }
            }
            default -> {
                drained += content.content().readableBytes();
                ReferenceCountUtil.release(content);
                if (closeWhenDrained && (content instanceof LastHttpContent || drained > DRAIN_LIMIT)) {
                    ctx.close();
                }
            }
        }
        if (content instanceof LastHttpContent && mode != Mode.PASS) {
            mode = Mode.IDLE;
            stream = null;
        }
    }

    /** Refuses a request before its body was read: answer now, read the body away, then close. */
    private void refuseEarly(ChannelHandlerContext ctx, ChatException e) {
        mode = Mode.DISCARD;
        closeWhenDrained = true;
        drained = 0;
        HttpResponses.sendEarly(ctx.channel(), HttpResponses.error(e));
    }

    private void runRoute(ChannelHandlerContext ctx, HttpRequest req, Router.Match m, byte[] bytes) {
        QueryStringDecoder q = new QueryStringDecoder(req.uri());
        HttpRequestData data = new HttpRequestData(req.method(), q.path(), q.parameters(), req.headers(), bytes, ip(ctx, req),
                m.pathParams());
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        boolean head = req.method().equals(HttpMethod.HEAD);
        try {
            blocking.execute(() -> {
                FullHttpResponse r;
                try {
                    r = m.route().handle(data);
                } catch (ChatException e) {
                    r = HttpResponses.error(e);
                } catch (Exception e) {
                    log.error("{} {} failed", req.method(), q.path(), e);
                    r = wantsHtml(req) ? page(HttpResponseStatus.INTERNAL_SERVER_ERROR, "500.html", "Something went wrong")
                            : HttpResponses.error(new ChatException("internal_error", "internal error; it has been logged", 500));
                }
                if (head) {
                    r.content().clear();
                }
                HttpResponses.send(ctx.channel(), r, keepAlive);
            });
        } catch (RejectedExecutionException e) {
            HttpResponses.send(ctx.channel(), HttpResponses.error(new ChatException("server_busy", "busy; retry shortly", 503)), false);
        }
    }

    /** GET/HEAD of pages and assets; anything else is 405 (known path) or 404. */
    private void serveUnrouted(ChannelHandlerContext ctx, HttpRequest req, String path) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        boolean head = req.method().equals(HttpMethod.HEAD);
        if (!req.method().equals(HttpMethod.GET) && !head) {
            boolean known = router.hasPath(path) || isPage(path);
            ChatException e = known ? new ChatException("method_not_allowed", req.method() + " is not allowed here", 405)
                    : new ChatException("not_found", "no such endpoint", 404);
            refuseEarly(ctx, e);
            return;
        }
        if (path.equals("/") || path.matches("/room/[^/]+")) {
            serveFile(ctx, req, "index.html", keepAlive, head);
        } else if (path.startsWith("/static/")) {
            serveFile(ctx, req, path.substring("/static/".length()), keepAlive, head);
        } else if (path.startsWith("/vendor/")) {
            serveFile(ctx, req, path.substring(1), keepAlive, head);
        } else if (path.equals("/favicon.ico")) {
            HttpResponses.send(ctx.channel(), HttpResponses.of(HttpResponseStatus.NO_CONTENT, new byte[0], "image/x-icon"), keepAlive);
        } else {
            notFound(ctx, path, keepAlive);
        }
    }

    private static boolean isPage(String path) {
        return path.equals("/") || path.matches("/room/[^/]+") || path.startsWith("/static/") || path.startsWith("/vendor/");
    }

    private void serveFile(ChannelHandlerContext ctx, HttpRequest req, String file, boolean keepAlive, boolean head) {
        Optional<StaticFiles.Asset> asset = files.get(file);
        if (asset.isEmpty()) {
            notFound(ctx, "/static/" + file, keepAlive);
            return;
        }
        StaticFiles.Asset a = asset.get();
        FullHttpResponse r;
        if (a.etag().equals(req.headers().get(HttpHeaderNames.IF_NONE_MATCH))) {
            r = HttpResponses.of(HttpResponseStatus.NOT_MODIFIED, new byte[0], a.contentType());
        } else {
            r = HttpResponses.of(HttpResponseStatus.OK, head ? new byte[0] : a.body(), a.contentType());
        }
        r.headers().set(HttpHeaderNames.ETAG, a.etag());
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        HttpResponses.send(ctx.channel(), r, keepAlive);
    }

    private void notFound(ChannelHandlerContext ctx, String path, boolean keepAlive) {
        if (path.startsWith("/api/")) {
            HttpResponses.send(ctx.channel(), HttpResponses.error(new ChatException("not_found", "no such endpoint", 404)), keepAlive);
            return;
        }
        HttpResponses.send(ctx.channel(), page(HttpResponseStatus.NOT_FOUND, "404.html", "Not found"), keepAlive);
    }

    /** The custom error page (seed 001: 404.html, 500.html), or a plain one; never a stack trace. */
    private FullHttpResponse page(HttpResponseStatus status, String file, String title) {
        byte[] body = files.get(file).map(StaticFiles.Asset::body).orElse(("<!doctype html><html lang=\"en\"><head>"
                + "<meta charset=\"utf-8\"><title>" + title + "</title></head><body><h1>" + title
                + "</h1><p><a href=\"/\">Go to the lobby</a></p></body></html>").getBytes(StandardCharsets.UTF_8));
        return HttpResponses.of(status, body, "text/html; charset=utf-8");
    }

    private static boolean wantsHtml(HttpRequest req) {
        String accept = req.headers().get(HttpHeaderNames.ACCEPT, "");
        return accept.contains("text/html");
    }

    /** The client IP: the peer, or from {@code X-Forwarded-For} when the peer is a trusted proxy. */
    private String ip(ChannelHandlerContext ctx, HttpRequest req) {
        return proxies.clientIp(ctx.channel().remoteAddress(), req.headers().getAll(dev.chatserver.security.TrustedProxies.HEADER));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (mode == Mode.STREAM && stream != null) {
            stream.aborted();
            stream = null;
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("http channel error: {}", cause.toString());
        ctx.close();
    }
}
