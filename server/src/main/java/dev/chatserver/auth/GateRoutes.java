package dev.chatserver.auth;

import dev.chatserver.common.ChatException;
import dev.chatserver.http.HttpRequestData;
import dev.chatserver.http.HttpResponses;
import dev.chatserver.http.Router;
import dev.chatserver.http.StaticFiles;
import dev.chatserver.security.CsrfGuard;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import java.util.Map;

/**
 * The pages of seed 004's gate: {@code GET /gate} (page), {@code GET /gate/info} (setup QR until the first
 * code), {@code POST /gate {code}} (sets the {@code chat_gate} cookie; form -> 303, JSON -> JSON); and the
 * check every other request passes through while the gate is on.
 */
public final class GateRoutes {
    private final TotpGate gate;
    private final CsrfGuard csrf;
    private final StaticFiles files;
    private final boolean secureCookie;

    public GateRoutes(TotpGate gate, CsrfGuard csrf, StaticFiles files, boolean secureCookie) {
        this.gate = gate;
        this.csrf = csrf;
        this.files = files;
        this.secureCookie = secureCookie;
    }

    public void register(Router router) {
        router.get("/gate", req -> files.get("gate.html").map(a -> HttpResponses.of(HttpResponseStatus.OK, a.body(), a.contentType()))
                .orElseThrow(() -> new ChatException("not_found", "no page", 404)));
        router.get("/gate/info", req -> HttpResponses.json(HttpResponseStatus.OK, Map.of("ok", true, "data", gate.info())));
        router.post("/gate", this::pass);
    }

    private FullHttpResponse pass(HttpRequestData req) {
        csrf.check(req);
        boolean json = req.headers().get(HttpHeaderNames.CONTENT_TYPE, "").startsWith("application/json");
        try {
            String raw = gate.pass(req.fields().get("code"), req.ip());
            FullHttpResponse r = json ? HttpResponses.json(HttpResponseStatus.OK, Map.of("ok", true)) : HttpResponses.redirect("/");
            HttpResponses.setCookie(r, TotpGate.COOKIE, raw, TotpGate.PASS_TTL_MS / 1000, secureCookie);
            return r;
        } catch (ChatException e) {
            if (json) {
                throw e;
            }
            return HttpResponses.redirect("/gate?error=" + e.code());
        }
    }

    /**
     * Whether a request may go on: always while the gate is off; else when it carries a pass, or is the gate
     * itself, an asset, or a health check. Non-blocking.
     */
    public boolean allows(HttpRequest req) {
        if (!gate.enabled()) {
            return true;
        }
        String path = new QueryStringDecoder(req.uri()).path();
        if (path.equals("/gate") || path.equals("/gate/info") || path.startsWith("/static/") || path.startsWith("/vendor/")
                || path.equals("/favicon.ico") || path.equals("/healthz") || path.equals("/readyz")) {
            return true;
        }
        return gate.passed(cookie(req.headers().get(HttpHeaderNames.COOKIE)));
    }

    /** The pass cookie of a Cookie header, or null. */
    public static String cookie(String header) {
        if (header == null) {
            return null;
        }
        for (Cookie c : ServerCookieDecoder.LAX.decode(header)) {
            if (c.name().equals(TotpGate.COOKIE)) {
                return c.value();
            }
        }
        return null;
    }
}
