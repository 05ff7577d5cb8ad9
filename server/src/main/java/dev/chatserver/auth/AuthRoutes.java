package dev.chatserver.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chatserver.common.ChatException;
import dev.chatserver.common.Json;
import dev.chatserver.http.HttpRequestData;
import dev.chatserver.http.HttpResponses;
import dev.chatserver.http.HttpRoute;
import dev.chatserver.http.Router;
import dev.chatserver.http.StaticFiles;
import dev.chatserver.security.CsrfGuard;
import dev.chatserver.store.UserRow;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Account pages and endpoints (seeds 001, 003, 004): {@code GET/POST /register}, {@code GET/POST /login},
 * {@code GET/POST /login/2fa}, {@code GET|POST /logout}, {@code GET /profile}, {@code POST /update_profile},
 * {@code GET /dashboard}, {@code GET /2fa/setup}, {@code POST /2fa/setup}, {@code POST /2fa/confirm},
 * {@code GET /api/me}.
 *
 * <p>Each POST accepts a form (answered with a 303 redirect; errors go back to the page as {@code ?error=code})
 * or JSON (answered with {@code {ok:true,data}} or {@code {error:{code,message}}} and a status). Every POST
 * passes the {@link CsrfGuard}. Sessions are HttpOnly, SameSite=Lax cookies with a new id at every login.
 */
public final class AuthRoutes {
    private final AccountService accounts;
    private final SessionService sessions;
    private final StaticFiles files;
    private final CsrfGuard csrf;
    private final boolean secureCookie;
    private final boolean require2fa;
    private final Consumer<String> onSessionRevoked;
    private final java.util.function.BiConsumer<String, String> onRenamed;

    /**
     * @param onSessionRevoked called with the SHA-256 of a revoked session id: live sockets of it are dropped
     * @param onRenamed        called with (chat token, new name) after a profile rename: live sockets follow
     */
    public AuthRoutes(AccountService accounts, SessionService sessions, StaticFiles files, CsrfGuard csrf,
                      boolean secureCookie, boolean require2fa, Consumer<String> onSessionRevoked,
                      java.util.function.BiConsumer<String, String> onRenamed) {
        this.onRenamed = onRenamed;
        this.accounts = accounts;
        this.sessions = sessions;
        this.files = files;
        this.csrf = csrf;
        this.secureCookie = secureCookie;
        this.require2fa = require2fa;
        this.onSessionRevoked = onSessionRevoked;
    }

    /** Registers every route. */
    public void register(Router router) {
        router.get("/register", page("register.html"));
        router.get("/login", page("login.html"));
        router.get("/login/2fa", page("login-2fa.html"));
        router.get("/profile", loggedInPage("profile.html"));
        router.get("/dashboard", loggedInPage("dashboard.html"));
        router.get("/2fa/setup", loggedInPage("twofa-setup.html"));
        router.post("/register", this::register);
        router.post("/login", this::login);
        router.post("/login/2fa", this::loginSecondFactor);
        router.get("/logout", this::logout);
        router.post("/logout", this::logout);
        router.post("/update_profile", this::updateProfile);
        router.post("/2fa/setup", this::startTotp);
        router.post("/2fa/confirm", this::confirmTotp);
        router.get("/api/me", this::me);
    }

    /** The logged-in account of a request (full session), if any. Blocking. */
    public Optional<UserRow> currentUser(HttpRequestData req) {
        return sessions.find(req.cookie(SessionService.COOKIE)).filter(SessionService.Session::full)
                .flatMap(s -> accounts.byId(s.userId()));
    }

    private HttpRoute page(String file) {
        return req -> files.get(file).map(a -> HttpResponses.of(HttpResponseStatus.OK, a.body(), a.contentType()))
                .orElseThrow(() -> new ChatException("not_found", "no such page", 404));
    }

    private HttpRoute loggedInPage(String file) {
        HttpRoute page = page(file);
        return req -> currentUser(req).isPresent() ? page.handle(req) : HttpResponses.redirect("/login?next=" + enc(req.path()));
    }

    private FullHttpResponse register(HttpRequestData req) {
        return form(req, "/register", () -> {
            Map<String, String> f = req.fields();
            String confirm = f.get("password_confirm");
            if (confirm != null && !confirm.equals(f.get("password"))) {
                throw new ChatException("password_mismatch", "the passwords do not match");
            }
            UserRow user = accounts.register(f.get("username"), f.get("password"), f.get("email"), req.ip());
            revokeCurrent(req);
            String id = sessions.create(user.id(), "full", req.ip());
            FullHttpResponse r = done(req, require2fa ? "/2fa/setup" : "/", Map.of("username", user.username(), "is_admin", user.isAdmin()));
            HttpResponses.setCookie(r, SessionService.COOKIE, id, sessions.ttlMs() / 1000, secureCookie);
            return r;
        });
    }

    private FullHttpResponse login(HttpRequestData req) {
        return form(req, "/login", () -> {
            Map<String, String> f = req.fields();
            UserRow user = accounts.checkPassword(f.get("username"), f.get("password"), req.ip());
            revokeCurrent(req);
            boolean mfa = user.twoFactor();
            String id = sessions.create(user.id(), mfa ? "mfa" : "full", req.ip());
            String next = mfa ? "/login/2fa" + nextQuery(f.get("next"), '?')
                    : require2fa ? "/2fa/setup" : safeNext(f.get("next"));
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("username", user.username());
            data.put("mfa_required", mfa);
            FullHttpResponse r = done(req, next, data);
            HttpResponses.setCookie(r, SessionService.COOKIE, id, mfa ? 600 : sessions.ttlMs() / 1000, secureCookie);
            return r;
        });
    }

    private FullHttpResponse loginSecondFactor(HttpRequestData req) {
        return form(req, "/login/2fa", () -> {
            String raw = req.cookie(SessionService.COOKIE);
            SessionService.Session s = sessions.find(raw).filter(x -> x.stage().equals("mfa"))
                    .orElseThrow(() -> new ChatException("login_required", "sign in with your password first", 401));
            UserRow user = accounts.byId(s.userId()).orElseThrow(() -> new ChatException("login_required", "sign in again", 401));
            accounts.checkSecondFactor(user, req.fields().get("code"), req.ip());
            sessions.revoke(raw);
            String id = sessions.create(user.id(), "full", req.ip()); // a new id once fully signed in
            FullHttpResponse r = done(req, safeNext(req.fields().get("next")), Map.of("username", user.username()));
            HttpResponses.setCookie(r, SessionService.COOKIE, id, sessions.ttlMs() / 1000, secureCookie);
            return r;
        });
    }

    private FullHttpResponse logout(HttpRequestData req) {
        if (req.method().name().equals("POST")) {
            csrf.check(req);
        }
        revokeCurrent(req);
        FullHttpResponse r = wantsJson(req) ? HttpResponses.json(HttpResponseStatus.OK, Map.of("ok", true))
                : HttpResponses.redirect("/login");
        HttpResponses.setCookie(r, SessionService.COOKIE, "", 0, secureCookie);
        return r;
    }

    private FullHttpResponse me(HttpRequestData req) {
        Map<String, Object> data = new LinkedHashMap<>();
        Optional<UserRow> user = currentUser(req);
        data.put("logged_in", user.isPresent());
        user.ifPresent(u -> {
            data.put("id", u.id());
            data.put("username", u.username());
            data.put("email", u.email());
            data.put("is_admin", u.isAdmin());
            data.put("two_factor", u.twoFactor());
            data.put("must_setup_2fa", require2fa && !u.twoFactor());
            data.put("prefs", parse(u.prefs()));
            data.put("created_at", u.createdAt());
        });
        return HttpResponses.json(HttpResponseStatus.OK, Map.of("ok", true, "data", data));
    }

    private FullHttpResponse updateProfile(HttpRequestData req) {
        return form(req, "/profile", () -> {
            UserRow user = requireUser(req);
            JsonNode prefs = null;
            String type = req.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
            Map<String, String> f = req.fields();
            if (type.startsWith("application/json")) {
                prefs = req.json().get("prefs");
            } else if (f.containsKey("theme") || f.containsKey("sound")) {
                prefs = Json.MAPPER.valueToTree(Map.of("theme", f.getOrDefault("theme", "light"),
                        "sound", "on".equals(f.get("sound")) || "true".equals(f.get("sound"))));
            }
            UserRow updated = accounts.updateProfile(user, f.get("username"), f.get("email"), f.get("new_password"),
                    f.get("current_password"), prefs, req.ip());
            String newPassword = f.get("new_password");
            if (newPassword != null && !newPassword.isEmpty()) { // other sessions (a thief's) end with the old password
                String current = req.cookie(SessionService.COOKIE);
                sessions.revokeOthers(user.id(), current == null ? null : SessionService.hash(current)).forEach(onSessionRevoked);
            }
            if (!updated.username().equals(user.username())) {
                onRenamed.accept(updated.token(), updated.username());
            }
            return done(req, "/profile?saved=1", Map.of("username", updated.username()));
        });
    }

    private FullHttpResponse startTotp(HttpRequestData req) {
        csrf.check(req);
        UserRow user = requireUser(req);
        if (user.twoFactor()) { // replacing the authenticator: a stolen session alone must not do it
            accounts.reauthenticate(user, req.fields().get("password"), req.ip());
        }
        String[] s = accounts.startTotp(user, "chat-server");
        return HttpResponses.json(HttpResponseStatus.OK, Map.of("ok", true, "data",
                Map.of("secret", s[0], "qr", s[1], "otpauth", s[2])));
    }

    private FullHttpResponse confirmTotp(HttpRequestData req) {
        csrf.check(req);
        UserRow user = requireUser(req);
        List<String> codes = accounts.confirmTotp(user, req.fields().get("code"));
        return HttpResponses.json(HttpResponseStatus.OK, Map.of("ok", true, "data", Map.of("recovery_codes", codes)));
    }

    private UserRow requireUser(HttpRequestData req) {
        return currentUser(req).orElseThrow(() -> new ChatException("login_required", "please sign in", 401));
    }

    private void revokeCurrent(HttpRequestData req) {
        String raw = req.cookie(SessionService.COOKIE);
        if (raw != null && !raw.isEmpty()) {
            sessions.revoke(raw);
            onSessionRevoked.accept(SessionService.hash(raw));
        }
    }

    /**
     * Runs a form action: CSRF check, then the action; form errors redirect back with {@code ?error=code}, keeping the
     * form's safe {@code next} path so a mistyped password or code does not lose where the user was going.
     */
    private FullHttpResponse form(HttpRequestData req, String page, FormAction action) {
        try {
            csrf.check(req);
            return action.run();
        } catch (ChatException e) {
            if (wantsJson(req) || e.code().equals("csrf_failed")) {
                throw e;
            }
            FullHttpResponse r = HttpResponses.redirect(page + "?error=" + enc(e.code()) + nextQuery(nextField(req), '&'));
            if (e.retryAfterMs() > 0) {
                r.headers().set(HttpHeaderNames.RETRY_AFTER, Math.max(1, (e.retryAfterMs() + 999) / 1000));
            }
            return r;
        }
    }

    @FunctionalInterface
    private interface FormAction {
        FullHttpResponse run();
    }

    private static FullHttpResponse done(HttpRequestData req, String next, Map<String, Object> data) {
        if (wantsJson(req)) {
            Map<String, Object> body = new LinkedHashMap<>(data);
            body.put("next", next);
            return HttpResponses.json(HttpResponseStatus.OK, Map.of("ok", true, "data", body));
        }
        return HttpResponses.redirect(next);
    }

    private static boolean wantsJson(HttpRequestData req) {
        return req.headers().get(HttpHeaderNames.CONTENT_TYPE, "").startsWith("application/json")
                || req.headers().get(HttpHeaderNames.ACCEPT, "").startsWith("application/json");
    }

    /** The form's {@code next} field, or null when the body has none or cannot be read. */
    private static String nextField(HttpRequestData req) {
        try {
            return req.fields().get("next");
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * {@code next} as a query parameter to carry across a sign-in step ({@code ?next=%2Fprofile}, with {@code sep}
     * first), or "" when it is absent, "/" or not a safe same-site path.
     */
    private static String nextQuery(String next, char sep) {
        String safe = safeNext(next);
        return safe.equals("/") ? "" : sep + "next=" + enc(safe);
    }

    /** Only same-site paths: never an open redirect. */
    private static String safeNext(String next) {
        return next != null && next.matches("/[A-Za-z0-9/_\\-]*") && !next.startsWith("//") ? next : "/";
    }

    private static Object parse(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (Exception e) {
            return Map.of();
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
