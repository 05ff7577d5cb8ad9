package dev.chatserver.http;

import io.netty.handler.codec.http.HttpMethod;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Method + path pattern -> endpoint. Patterns are literal paths with {@code {name}} segments matching one
 * path segment, e.g. {@code /api/download_file/{id}}. Feature packages register their routes here at wiring
 * time; the first registered match wins.
 */
public final class Router {
    private final List<Entry> entries = new ArrayList<>();

    private record Entry(HttpMethod method, Pattern pattern, List<String> names, HttpRoute route,
                         StreamingRoute.Factory streaming) {
    }

    /**
     * A matched endpoint: exactly one of {@code route} and {@code streaming} is set.
     *
     * @param route      aggregated-body endpoint
     * @param streaming  streaming endpoint factory
     * @param pathParams pattern values
     */
    public record Match(HttpRoute route, StreamingRoute.Factory streaming, Map<String, String> pathParams) {
    }

    public Router get(String pattern, HttpRoute route) {
        return add(HttpMethod.GET, pattern, route, null);
    }

    public Router post(String pattern, HttpRoute route) {
        return add(HttpMethod.POST, pattern, route, null);
    }

    /** An endpoint that consumes its body as a stream. */
    public Router stream(HttpMethod method, String pattern, StreamingRoute.Factory factory) {
        return add(method, pattern, null, factory);
    }

    private Router add(HttpMethod method, String pattern, HttpRoute route, StreamingRoute.Factory streaming) {
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("\\{([a-zA-Z_][a-zA-Z0-9_]*)}").matcher(pattern);
        StringBuilder regex = new StringBuilder();
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(pattern.substring(last, m.start()))).append("([^/]+)");
            names.add(m.group(1));
            last = m.end();
        }
        regex.append(Pattern.quote(pattern.substring(last)));
        entries.add(new Entry(method, Pattern.compile(regex.toString()), names, route, streaming));
        return this;
    }

    /** @return the endpoint for a method and path, if any (HEAD matches GET routes) */
    public Optional<Match> match(HttpMethod method, String path) {
        HttpMethod m = method.equals(HttpMethod.HEAD) ? HttpMethod.GET : method;
        for (Entry e : entries) {
            if (!e.method.equals(m)) {
                continue;
            }
            Matcher x = e.pattern.matcher(path);
            if (x.matches()) {
                Map<String, String> params = new LinkedHashMap<>();
                for (int i = 0; i < e.names.size(); i++) {
                    params.put(e.names.get(i), x.group(i + 1));
                }
                return Optional.of(new Match(e.route, e.streaming, params));
            }
        }
        return Optional.empty();
    }

    /** Whether any route has this path for another method (for 405 vs 404). */
    public boolean hasPath(String path) {
        return entries.stream().anyMatch(e -> e.pattern.matcher(path).matches());
    }
}
