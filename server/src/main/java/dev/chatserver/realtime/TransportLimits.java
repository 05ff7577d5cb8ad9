package dev.chatserver.realtime;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Size limits of the Socket.IO transports that netty-socketio 2.0.14 does not enforce cleanly (found by
 * {@code HostileInputTest}):
 * <ul>
 *   <li>{@link PollingBodyLimit}: a polling POST body over {@code maxFrameBytes}. netty-socketio's
 *       {@code HttpObjectAggregator} sits before its {@code HttpResponseEncoder}, so its own 413 cannot be encoded
 *       and the client only saw the connection drop. Here the request is answered {@code 413}
 *       {@code {"error":{"code":"frame_too_large","message":...}}} and the connection closed, whether the body
 *       announces its length or is chunked.</li>
 *   <li>{@link LastResort}: the websocket message aggregator (added after the upgrade, behind every handler that
 *       handles exceptions) throws {@code TooLongFrameException} for a fragmented message over the limit; nothing
 *       closed the channel, so the socket hung half-read. Here, at the tail of the pipeline, the websocket is closed
 *       with status 1009 (message too big, RFC 6455 7.4.1) and any other unhandled exception closes the channel.</li>
 * </ul>
 * Both count {@code frame_too_large} in {@code chat_rejected_total}.
 */
final class TransportLimits {
    private static final Logger log = LoggerFactory.getLogger(TransportLimits.class);

    private TransportLimits() {
    }

    /** Per channel (not sharable): counts the body bytes of each {@code /socket.io/} request. */
    static final class PollingBodyLimit extends ChannelInboundHandlerAdapter {
        private final int maxBytes;
        private final Supplier<GatewayObserver> observer;
        private boolean counting;
        private boolean refused;
        private long seen;

        /** @param maxBytes largest polling body, bytes ({@code maxFrameBytes}) */
        PollingBodyLimit(int maxBytes, Supplier<GatewayObserver> observer) {
            this.maxBytes = maxBytes;
            this.observer = observer;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest req) {
                counting = req.uri().startsWith(SocketGateway.ENGINE_IO_PATH);
                refused = false;
                seen = 0;
                if (counting && HttpUtil.getContentLength(req, -1L) > maxBytes) {
                    refuse(ctx);
                    ReferenceCountUtil.release(msg);
                    return;
                }
            }
            if (msg instanceof HttpContent content && counting) {
                if (refused) {
                    content.release();
                    return;
                }
                seen += content.content().readableBytes();
                if (seen > maxBytes) {
                    refuse(ctx);
                    content.release();
                    return;
                }
            }
            ctx.fireChannelRead(msg);
        }

        private void refuse(ChannelHandlerContext ctx) {
            refused = true;
            observer.get().rejected("frame_too_large");
            byte[] body = ("{\"error\":{\"code\":\"frame_too_large\",\"message\":\"a polling request body may have at most "
                    + maxBytes + " bytes\"}}").getBytes(StandardCharsets.UTF_8);
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    Unpooled.wrappedBuffer(body));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
            r.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            // from the channel's tail, so the response passes netty-socketio's HttpResponseEncoder
            ctx.channel().writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** The last handler of every pipeline: whatever exception got this far closes the channel. */
    static final class LastResort extends ChannelInboundHandlerAdapter {
        private final Supplier<GatewayObserver> observer;

        LastResort(Supplier<GatewayObserver> observer) {
            this.observer = observer;
        }

        @Override
        public boolean isSharable() {
            return true;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable e) {
            boolean tooLong = e instanceof TooLongFrameException || e instanceof CorruptedWebSocketFrameException;
            if (tooLong) {
                observer.get().rejected("frame_too_large");
            }
            log.debug("closing {} after {}", ctx.channel().remoteAddress(), e.toString());
            if (tooLong && ctx.pipeline().get(com.corundumstudio.socketio.SocketIOChannelInitializer.WEB_SOCKET_AGGREGATOR) != null) {
                ctx.channel().writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.MESSAGE_TOO_BIG))
                        .addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.close();
            }
        }
    }
}
