package dev.chatserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chatserver.common.ChatException;
import dev.chatserver.common.Json;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A request with its (small, aggregated) body, as routes see it.
 *
 * @param method     HTTP method
 * @param path       decoded path
 * @param query      query parameters
 * @param headers    request headers
 * @param body       body bytes (at most the configured limit; empty for GET)
 * @param ip         client IP
 * @param pathParams values of the pattern's {@code {name}} segments
 */
public record HttpRequestData(HttpMethod method, String path, Map<String, List<String>> query, HttpHeaders headers,
                              byte[] body, String ip, Map<String, String> pathParams) {

    /** First query parameter of that name, or null. */
    public String queryParam(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** A path parameter. */
    public String pathParam(String name) {
        return pathParams.get(name);
    }

    /** Value of a cookie, or null. */
    public String cookie(String name) {
        String header = headers.get(HttpHeaderNames.COOKIE);
        if (header == null) {
            return null;
        }
        for (Cookie c : ServerCookieDecoder.STRICT.decode(header)) {
            if (c.name().equals(name)) {
                return c.value();
            }
        }
        return null;
    }

    /** The body as {@code application/x-www-form-urlencoded} fields (first value of each). */
    public Map<String, String> form() {
        Map<String, List<String>> p = new QueryStringDecoder(new String(body, StandardCharsets.UTF_8), StandardCharsets.UTF_8, false)
                .parameters();
        Map<String, String> out = new java.util.LinkedHashMap<>();
        p.forEach((k, v) -> out.put(k, v.isEmpty() ? "" : v.get(0)));
        return out;
    }

    /** The body as JSON. @throws ChatException {@code bad_request} when it is not JSON */
    public JsonNode json() {
        try {
            JsonNode n = Json.MAPPER.readTree(body);
            if (n == null) {
                throw ChatException.badRequest("a JSON body is required");
            }
            return n;
        } catch (com.fasterxml.jackson.core.exc.StreamConstraintsException e) {
            throw ChatException.badRequest("the JSON body is beyond the server's limits (nesting depth "
                    + Json.LIMITS.getMaxNestingDepth() + ", string length " + Json.LIMITS.getMaxStringLength() + ")");
        } catch (IOException e) {
            throw ChatException.badRequest("the body is not valid JSON");
        }
    }

    /** Fields of a JSON object body or of a form body, whichever the Content-Type says. */
    public Map<String, String> fields() {
        String type = headers.get(HttpHeaderNames.CONTENT_TYPE, "");
        if (type.startsWith("application/json")) {
            JsonNode n = json();
            if (!n.isObject()) {
                throw ChatException.badRequest("a JSON object is required");
            }
            Map<String, String> out = new java.util.LinkedHashMap<>();
            n.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString()));
            return out;
        }
        return form();
    }
}
