package dev.chatserver.realtime;

import dev.chatserver.config.ConnectionSettings;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TCP connection cap per client IP, idle keep-alive timeout and slow-request (slowloris) timeout, as three small
 * handlers around netty-socketio's HTTP codec sharing one {@link Watch} per channel:
 * <pre>
 *   bytesIn (first) -> httpDecoder -> requestIn -> app ... httpEncoder -> responseOut -> socketioEncoder ...
 * </pre>
 * A connection is IDLE (no request in flight: at most {@code httpIdleTimeoutMs} without a byte, then closed),
 * HEAD (first byte seen: the head must be complete within {@code httpRequestTimeoutMs}), BODY (the body must keep
 * up: {@code httpRequestTimeoutMs} plus 1 ms per byte received so far, i.e. 1,000 bytes/s on average),
 * PROCESSING (request complete, answer pending: no timer, so long-polling GETs wait as long as Engine.IO wants)
 * or UPGRADED (after a 101 answer: websockets are left to Engine.IO's ping). A request that runs out of time
 * gets HTTP 408 {@code {"error":{"code":"request_timeout",...}}} and the connection is closed. Refusals count in
 * {@code chat_rejected_total{code}} as {@code too_many_connections}, {@code idle_timeout}, {@code request_timeout}.
 * All state lives on the channel's event loop; timers are event-loop tasks (no thread per connection).
 */
final class ConnectionGuard {
    private static final Logger log = LoggerFactory.getLogger(ConnectionGuard.class);
    /** Body bytes per second a request must deliver on average after its first {@code httpRequestTimeoutMs}. */
    static final long MIN_BODY_BYTES_PER_SECOND = 1_000;

    private final ConnectionSettings settings;
    private final Supplier<GatewayObserver> observer;
    private final Map<String, AtomicInteger> perIp = new ConcurrentHashMap<>();

    ConnectionGuard(ConnectionSettings settings, Supplier<GatewayObserver> observer) {
        this.settings = settings;
        this.observer = observer;
    }

    /** Open TCP connections from this IP now (tests, metrics). */
    int openConnections(String ip) {
        AtomicInteger n = perIp.get(ip);
        return n == null ? 0 : n.get();
    }

    /**
     * Adds the three handlers to a pipeline already holding netty-socketio's handlers.
     *
     * @param decoderName name of the HTTP request decoder, {@code encoderName} of the HTTP response encoder
     */
    void install(ChannelPipeline pipeline, String decoderName, String encoderName) {
        Watch w = new Watch();
        pipeline.addFirst("bytesIn", w.bytesIn());
        pipeline.addAfter(decoderName, "requestIn", w.requestIn());
        pipeline.addAfter(encoderName, "responseOut", w.responseOut());
    }

    private enum State { IDLE, HEAD, BODY, PROCESSING, UPGRADED }

    /** One channel's timers and state; touched only on its event loop. */
    private final class Watch {
        private State state = State.IDLE;
        private ScheduledFuture<?> timer;
        private Channel channel;
        private String ip;
        private boolean counted;
        private long bodyStartNanos;
        private long bodyBytes;
        /** The request being answered is Engine.IO's (long-polling or the websocket upgrade). */
        private boolean engineIoRequest;

        ChannelInboundHandlerAdapter bytesIn() {
            return new ChannelInboundHandlerAdapter() {
                @Override
                public void channelActive(ChannelHandlerContext ctx) throws Exception {
                    channel = ctx.channel();
                    ip = channel.remoteAddress() instanceof InetSocketAddress a && a.getAddress() != null
                            ? a.getAddress().getHostAddress() : "";
                    int n = perIp.computeIfAbsent(ip, k -> new AtomicInteger()).incrementAndGet();
                    counted = true;
                    if (n > settings.maxConnectionsPerIp()) {
                        observer.get().rejected("too_many_connections");
                        log.debug("closing a connection from {}: {} open", ip, n);
                        ctx.close();
                        return;
                    }
                    idle();
                    super.channelActive(ctx);
                }

                @Override
                public void channelInactive(ChannelHandlerContext ctx) throws Exception {
                    cancel();
                    state = State.UPGRADED; // nothing more to watch
                    if (counted) {
                        counted = false;
                        perIp.computeIfPresent(ip, (k, v) -> v.decrementAndGet() <= 0 ? null : v);
                    }
                    super.channelInactive(ctx);
                }

                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    if (state == State.IDLE && msg instanceof ByteBuf b && b.isReadable()) {
                        state = State.HEAD;
                        schedule(settings.httpRequestTimeoutMs(), Watch.this::requestTimedOut);
                    }
                    ctx.fireChannelRead(msg);
                }
            };
        }

        ChannelInboundHandlerAdapter requestIn() {
            return new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    if (state != State.UPGRADED) {
                        if (msg instanceof HttpRequest req) {
                            engineIoRequest = req.uri().startsWith(SocketGateway.ENGINE_IO_PATH);
                            state = State.BODY;
                            bodyStartNanos = System.nanoTime();
                            bodyBytes = 0;
                            schedule(settings.httpRequestTimeoutMs(), Watch.this::requestTimedOut);
                        }
                        if (msg instanceof HttpContent c) {
                            bodyBytes += c.content().readableBytes();
                        }
                        if (msg instanceof LastHttpContent) {
                            state = State.PROCESSING;
                            cancel();
                        }
                    }
                    ctx.fireChannelRead(msg);
                }
            };
        }

        ChannelDuplexHandler responseOut() {
            return new ChannelDuplexHandler() {
                @Override
                public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
                    if (state != State.UPGRADED) {
                        if (msg instanceof HttpResponse r && r.status().code() == 101) {
                            state = State.UPGRADED; // websocket: Engine.IO's ping watches it now
                            cancel();
                        } else {
                            if (msg instanceof HttpResponse r && engineIoRequest) {
                                // netty-socketio 2.0.14 (EncoderHandler.sendMessage) says "keep-alive" on every
                                // long-polling answer and then closes the connection; a client that reuses it sends
                                // its next request into a closed socket and gets a reset (a POST is not retried)
                                r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                            }
                            if (msg instanceof LastHttpContent || msg instanceof FullHttpResponse) {
                                promise = promise.unvoid();
                                promise.addListener(f -> responded());
                            }
                        }
                    }
                    ctx.write(msg, promise);
                }
            };
        }

        /** A whole response was written: back to IDLE unless the next request already started. */
        private void responded() {
            if (state == State.PROCESSING) {
                idle();
            }
        }

        private void idle() {
            state = State.IDLE;
            schedule(settings.httpIdleTimeoutMs(), () -> {
                if (state == State.IDLE) {
                    observer.get().rejected("idle_timeout");
                    log.debug("closing an idle connection from {}", ip);
                    channel.close();
                }
            });
        }

        private void requestTimedOut() {
            if (state == State.BODY) {
                long allowedNanos = TimeUnit.MILLISECONDS.toNanos(settings.httpRequestTimeoutMs())
                        + bodyBytes * TimeUnit.SECONDS.toNanos(1) / MIN_BODY_BYTES_PER_SECOND;
                long left = allowedNanos - (System.nanoTime() - bodyStartNanos);
                if (left > 0) { // the body kept up so far
                    schedule(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)), this::requestTimedOut);
                    return;
                }
            } else if (state != State.HEAD) {
                return;
            }
            observer.get().rejected("request_timeout");
            log.debug("request from {} too slow ({}); closing", ip, state);
            state = State.UPGRADED;
            byte[] body = ("{\"error\":{\"code\":\"request_timeout\",\"message\":\"the request did not arrive within "
                    + settings.httpRequestTimeoutMs() + " ms\"}}").getBytes(StandardCharsets.UTF_8);
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_TIMEOUT,
                    Unpooled.wrappedBuffer(body));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
            r.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            channel.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        }

        private void schedule(long ms, Runnable task) {
            cancel();
            if (channel != null) {
                timer = channel.eventLoop().schedule(task, ms, TimeUnit.MILLISECONDS);
            }
        }

        private void cancel() {
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
        }
    }
}
