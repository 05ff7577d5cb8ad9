package dev.chatserver.http;

import dev.chatserver.common.ChatException;
import dev.chatserver.realtime.MessagePayloads;
import dev.chatserver.rooms.RoomService;
import dev.chatserver.store.MessageDao;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The app's HTTP side, one instance per channel, placed after the HTTP decoder and before netty-socketio's
 * aggregator. Requests under {@code /socket.io/} pass through to netty-socketio after the Origin check;
 * everything else (pages, assets, JSON API) is answered here. Blocking work (database) runs on the
 * bounded executor. Every response carries the security headers; errors are JSON or a plain page,
 * never a stack trace.
 */
public final class AppHttpHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(AppHttpHandler.class);
    private static final String SOCKET_PATH = "/socket.io/";

    private final StaticFiles files;
    private final OriginPolicy origins;
    private final MessageDao messages;
    private final Executor blocking;
    /** True while the current request belongs to netty-socketio. */
    private boolean passThrough;

    public AppHttpHandler(StaticFiles files, OriginPolicy origins, MessageDao messages, Executor blocking) {
        this.files = files;
        this.origins = origins;
        this.messages = messages;
        this.blocking = blocking;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest req) {
            passThrough = false;
            String path = new QueryStringDecoder(req.uri()).path();
            if (path.startsWith(SOCKET_PATH)) {
                if (!origins.allows(req.headers().get(HttpHeaderNames.ORIGIN), req.headers().get(HttpHeaderNames.HOST))) {
                    ReferenceCountUtil.release(msg);
                    HttpResponses.send(ctx.channel(), HttpResponses.error(
                            new ChatException("origin_not_allowed", "this origin may not use the chat socket", 403)), false);
                    return;
                }
                passThrough = true;
                ctx.fireChannelRead(msg);
                return;
            }
            ReferenceCountUtil.release(msg); // a body that follows is discarded below
            try {
                route(ctx, req, path);
            } catch (RuntimeException e) {
                log.error("request {} failed", path, e);
                HttpResponses.send(ctx.channel(), HttpResponses.error(new ChatException("internal_error", "internal error", 500)), false);
            }
            return;
        }
        if (msg instanceof HttpContent) {
            if (passThrough) {
                ctx.fireChannelRead(msg);
            } else {
                ReferenceCountUtil.release(msg);
            }
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private void route(ChannelHandlerContext ctx, HttpRequest req, String path) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        boolean head = req.method().equals(HttpMethod.HEAD);
        if (!req.method().equals(HttpMethod.GET) && !head) {
            FullHttpResponse r = HttpResponses.error(new ChatException("method_not_allowed", req.method() + " is not allowed here", 405));
            r.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            HttpResponses.send(ctx.channel(), r, false);
            return;
        }
        if (path.equals("/") || path.matches("/room/[^/]+")) {
            serveFile(ctx, req, "index.html", keepAlive, head);
        } else if (path.startsWith("/static/")) {
            serveFile(ctx, req, path.substring("/static/".length()), keepAlive, head);
        } else if (path.startsWith("/vendor/")) {
            serveFile(ctx, req, path.substring(1), keepAlive, head);
        } else if (path.equals("/healthz")) {
            HttpResponses.send(ctx.channel(), HttpResponses.json(HttpResponseStatus.OK, Map.of("status", "ok")), keepAlive);
        } else if (path.equals("/api/history")) {
            history(ctx, req, keepAlive);
        } else if (path.equals("/favicon.ico")) {
            HttpResponses.send(ctx.channel(), HttpResponses.of(HttpResponseStatus.NO_CONTENT, new byte[0], "image/x-icon"), keepAlive);
        } else {
            notFound(ctx, path, keepAlive);
        }
    }

    private void serveFile(ChannelHandlerContext ctx, HttpRequest req, String file, boolean keepAlive, boolean head) {
        Optional<StaticFiles.Asset> asset = files.get(file);
        if (asset.isEmpty()) {
            notFound(ctx, "/static/" + file, keepAlive);
            return;
        }
        StaticFiles.Asset a = asset.get();
        String ifNoneMatch = req.headers().get(HttpHeaderNames.IF_NONE_MATCH);
        FullHttpResponse r;
        if (a.etag().equals(ifNoneMatch)) {
            r = HttpResponses.of(HttpResponseStatus.NOT_MODIFIED, new byte[0], a.contentType());
        } else {
            r = HttpResponses.of(HttpResponseStatus.OK, head ? new byte[0] : a.body(), a.contentType());
        }
        r.headers().set(HttpHeaderNames.ETAG, a.etag());
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        HttpResponses.send(ctx.channel(), r, keepAlive);
    }

    /** {@code GET /api/history?room=&before=&limit=}: messages before an id, oldest first. */
    private void history(ChannelHandlerContext ctx, HttpRequest req, boolean keepAlive) {
        Map<String, List<String>> q = new QueryStringDecoder(req.uri()).parameters();
        String room;
        long before;
        int limit;
        try {
            room = RoomService.validateCode(first(q, "room", null));
            before = Long.parseLong(first(q, "before", String.valueOf(Long.MAX_VALUE)));
            limit = Integer.parseInt(first(q, "limit", "50"));
            if (limit < 1 || limit > 200) {
                throw ChatException.badRequest("limit must be 1..200");
            }
        } catch (NumberFormatException e) {
            HttpResponses.send(ctx.channel(), HttpResponses.error(ChatException.badRequest("before and limit must be integers")), keepAlive);
            return;
        } catch (ChatException e) {
            HttpResponses.send(ctx.channel(), HttpResponses.error(e), keepAlive);
            return;
        }
        try {
            blocking.execute(() -> {
                List<Map<String, Object>> list = messages.before(room, before, limit).stream().map(MessagePayloads::message).toList();
                HttpResponses.send(ctx.channel(), HttpResponses.json(HttpResponseStatus.OK, Map.of("room", room, "messages", list)), keepAlive);
            });
        } catch (RejectedExecutionException e) {
            HttpResponses.send(ctx.channel(), HttpResponses.error(new ChatException("server_busy", "busy; retry", 503)), false);
        }
    }

    private void notFound(ChannelHandlerContext ctx, String path, boolean keepAlive) {
        if (path.startsWith("/api/")) {
            HttpResponses.send(ctx.channel(), HttpResponses.error(new ChatException("not_found", "no such endpoint", 404)), keepAlive);
            return;
        }
        byte[] page = ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title></head>"
                + "<body><h1>Not found</h1><p>There is nothing here. <a href=\"/\">Go to the lobby</a>.</p></body></html>")
                .getBytes(StandardCharsets.UTF_8);
        HttpResponses.send(ctx.channel(), HttpResponses.of(HttpResponseStatus.NOT_FOUND, page, "text/html; charset=utf-8"), keepAlive);
    }

    private static String first(Map<String, List<String>> q, String key, String dflt) {
        List<String> v = q.get(key);
        return v == null || v.isEmpty() ? dflt : v.get(0);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("http channel error: {}", cause.toString());
        ctx.close();
    }
}
