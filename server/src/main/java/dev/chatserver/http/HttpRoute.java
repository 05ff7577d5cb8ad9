package dev.chatserver.http;

import io.netty.handler.codec.http.FullHttpResponse;

/**
 * One HTTP endpoint. Runs on the blocking executor (database, hashing allowed), never on a Netty thread.
 * Throw {@link dev.chatserver.common.ChatException} for refusals: it becomes the JSON error response.
 */
@FunctionalInterface
public interface HttpRoute {
    /** @return the response (security headers and length are added when sent) */
    FullHttpResponse handle(HttpRequestData request) throws Exception;
}
