package dev.chatserver.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;

/**
 * An endpoint that consumes its body as it arrives (e.g. multipart uploads streamed to disk), on the
 * channel's event loop. One instance per request, made by the factory given to {@link Router#stream}.
 * It owns the messages it receives (must release them) and writes its response with
 * {@link HttpResponses#send}; blocking work must hop to the blocking executor.
 */
public interface StreamingRoute {
    /** The request line and headers; {@code ip} is the client IP, {@code pathParams} the pattern values. */
    void begin(ChannelHandlerContext ctx, HttpRequest request, String ip, java.util.Map<String, String> pathParams);

    /** A piece of the body; the last one is a {@link io.netty.handler.codec.http.LastHttpContent}. */
    void content(ChannelHandlerContext ctx, HttpContent content);

    /** The connection closed before the request finished: clean up (e.g. delete partial files). */
    default void aborted() {
    }

    /** Makes a {@link StreamingRoute} per request. */
    @FunctionalInterface
    interface Factory {
        StreamingRoute create();
    }
}
