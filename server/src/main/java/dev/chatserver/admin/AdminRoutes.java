package dev.chatserver.admin;

import dev.chatserver.chat.IdentityService;
import dev.chatserver.common.ChatException;
import dev.chatserver.common.Json;
import dev.chatserver.http.HttpRequestData;
import dev.chatserver.http.HttpResponses;
import dev.chatserver.http.HttpRoute;
import dev.chatserver.http.Router;
import dev.chatserver.http.StaticFiles;
import dev.chatserver.moderation.BanService;
import dev.chatserver.moderation.MuteService;
import dev.chatserver.realtime.SocketGateway;
import dev.chatserver.rooms.RoomService;
import dev.chatserver.security.CsrfGuard;
import dev.chatserver.store.BanDao;
import dev.chatserver.store.UserDao;
import dev.chatserver.store.UserRow;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.cookie.CookieHeaderNames;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The admin panel over HTTP. Pages: {@code GET /admin} (the live view, or the sign-in page when signed out),
 * {@code GET /admin/logs}, {@code GET /admin/audit} (403 with the sign-in page when signed out). JSON API, all
 * admin-only (403 {@code admin_required} otherwise): {@code POST /admin/login}, {@code POST /admin/logout},
 * {@code GET /admin/api/me|sessions|bans|audit|logs|logs.csv|logs.json|stats}, {@code POST
 * /admin/api/ban|unban|kick|move|mute|unmute}, and seed 001's {@code GET /api/stats}, {@code POST
 * /api/toggle_admin|ban_user|unban_user}. Every POST passes the {@link CsrfGuard}; every action is written to
 * the {@link AuditLog} and reaches live sockets before the answer.
 */
public final class AdminRoutes {
    private final AdminAuth auth;
    private final CsrfGuard csrf;
    private final StaticFiles files;
    private final boolean secureCookie;
    private final Supplier<SocketGateway> gateway;
    private final Supplier<AdminLiveView> live;
    private final BanService bans;
    private final MuteService mutes;
    private final IdentityService identities;
    private final RoomService roomService;
    private final UserDao users;
    private final AuditLog audit;
    private final LogQuery logs;
    private final Stats stats;

    /** @param gateway and @param live are created after the routes (wiring order), hence suppliers */
    public AdminRoutes(AdminAuth auth, CsrfGuard csrf, StaticFiles files, boolean secureCookie, Supplier<SocketGateway> gateway,
                       Supplier<AdminLiveView> live, BanService bans, MuteService mutes, IdentityService identities,
                       RoomService roomService, UserDao users, AuditLog audit, LogQuery logs, Stats stats) {
        this.auth = auth;
        this.csrf = csrf;
        this.files = files;
        this.secureCookie = secureCookie;
        this.gateway = gateway;
        this.live = live;
        this.bans = bans;
        this.mutes = mutes;
        this.identities = identities;
        this.roomService = roomService;
        this.users = users;
        this.audit = audit;
        this.logs = logs;
        this.stats = stats;
    }

    /** An admin endpoint: runs only for a signed-in admin (403 otherwise); POSTs pass the CSRF guard first. */
    @FunctionalInterface
    private interface AdminRoute {
        FullHttpResponse handle(HttpRequestData req, AdminAuth.Admin admin) throws Exception;
    }

    /** Registers every route. */
    public void register(Router router) {
        router.get("/admin", req -> page(admin(req).isPresent() ? "admin.html" : "admin-login.html", HttpResponseStatus.OK));
        router.get("/admin/", req -> HttpResponses.redirect("/admin"));
        router.get("/admin/logs", req -> admin(req).isPresent() ? page("admin-logs.html", HttpResponseStatus.OK)
                : page("admin-login.html", HttpResponseStatus.FORBIDDEN));
        router.get("/admin/audit", req -> admin(req).isPresent() ? page("admin-audit.html", HttpResponseStatus.OK)
                : page("admin-login.html", HttpResponseStatus.FORBIDDEN));
        router.post("/admin/login", this::login);
        router.post("/admin/logout", this::logout);
        router.get("/admin/api/me", guarded((req, a) -> ok(Map.of("name", a.name(), "expires_at", a.expiresAt()))));
        router.get("/admin/api/sessions", guarded((req, a) -> ok(live.get().snapshot())));
        router.get("/admin/api/bans", guarded(this::listBans));
        router.get("/admin/api/audit", guarded(this::auditPage));
        router.get("/admin/api/logs", guarded(this::logPage));
        router.get("/admin/api/logs.csv", guarded(this::logCsv));
        router.get("/admin/api/logs.json", guarded(this::logJson));
        router.get("/admin/api/stats", guarded((req, a) -> ok(stats.compute())));
        router.get("/api/stats", guarded((req, a) -> ok(stats.compute())));
        router.post("/admin/api/ban", guarded(this::ban));
        router.post("/admin/api/unban", guarded(this::unban));
        router.post("/admin/api/kick", guarded(this::kick));
        router.post("/admin/api/move", guarded(this::move));
        router.post("/admin/api/mute", guarded(this::mute));
        router.post("/admin/api/unmute", guarded(this::unmute));
        router.post("/api/toggle_admin", guarded(this::toggleAdmin));
        router.post("/api/ban_user", guarded(this::banUser));
        router.post("/api/unban_user", guarded(this::unbanUser));
    }

    private Optional<AdminAuth.Admin> admin(HttpRequestData req) {
        return auth.find(req.cookie(AdminAuth.COOKIE));
    }

    private HttpRoute guarded(AdminRoute route) {
        return req -> {
            AdminAuth.Admin a = admin(req).orElseThrow(() -> new ChatException("admin_required", "admins only; sign in at /admin", 403));
            if (req.method().name().equals("POST")) {
                csrf.check(req);
            }
            return route.handle(req, a);
        };
    }

    private FullHttpResponse page(String file, HttpResponseStatus status) {
        FullHttpResponse r = files.get(file).map(f -> HttpResponses.of(status, f.body(), f.contentType()))
                .orElseThrow(() -> new ChatException("not_found", "no such page", 404));
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return r;
    }

    private static FullHttpResponse ok(Object data) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ok", true);
        body.put("data", data);
        return HttpResponses.json(HttpResponseStatus.OK, body);
    }

    private FullHttpResponse login(HttpRequestData req) {
        csrf.check(req);
        Map<String, String> f = req.fields();
        String raw = auth.login(f.get("username"), f.get("password"), f.get("code"), req.ip());
        FullHttpResponse r = ok(Map.of("name", auth.find(raw).map(AdminAuth.Admin::name).orElse("")));
        HttpResponses.setCookie(r, AdminAuth.COOKIE, raw, auth.ttlMs() / 1000, secureCookie, CookieHeaderNames.SameSite.Strict);
        return r;
    }

    private FullHttpResponse logout(HttpRequestData req) {
        csrf.check(req);
        auth.logout(req.cookie(AdminAuth.COOKIE));
        FullHttpResponse r = ok(Map.of());
        HttpResponses.setCookie(r, AdminAuth.COOKIE, "", 0, secureCookie, CookieHeaderNames.SameSite.Strict);
        return r;
    }

    private FullHttpResponse listBans(HttpRequestData req, AdminAuth.Admin a) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (BanDao.BanRow b : bans.active()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", b.kind());
            // never show a secret token: show the public one (or the account's name)
            m.put("target", b.kind().equals(BanService.IP) ? b.value() : publicOf(b.value()));
            m.put("reason", b.reason());
            m.put("by", b.bannedBy());
            m.put("created_at", b.createdAt());
            m.put("expires_at", b.expiresAt());
            out.add(m);
        }
        return ok(out);
    }

    private String publicOf(String secret) {
        return users.byToken(secret).map(u -> "user:" + u.username())
                .orElseGet(() -> roomService.publicTokenOf(secret).orElse("?"));
    }

    /** {@code {kind: token|account|ip, target, reason?, duration_s? | duration_ms?}}: target is a public token, a user name or an IP. */
    private FullHttpResponse ban(HttpRequestData req, AdminAuth.Admin a) {
        Map<String, String> f = req.fields();
        String kind = f.getOrDefault("kind", BanService.TOKEN);
        String target = required(f, "target");
        String reason = f.get("reason");
        long duration = duration(f);
        String value = resolve(kind, target);
        Long expires = bans.ban(kind, value, reason, a.name(), duration);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("kind", kind);
        d.put("expires_at", expires);
        audit.record(a.name(), "ban", kind + ":" + target, reason, d);
        Map<String, Object> data = new LinkedHashMap<>(d);
        data.put("target", target);
        return ok(data);
    }

    private FullHttpResponse unban(HttpRequestData req, AdminAuth.Admin a) {
        Map<String, String> f = req.fields();
        String kind = f.getOrDefault("kind", BanService.TOKEN);
        String target = required(f, "target");
        boolean was = bans.unban(kind, resolve(kind, target));
        audit.record(a.name(), "unban", kind + ":" + target, f.get("reason"), Map.of("was_banned", was));
        return ok(Map.of("target", target, "was_banned", was));
    }

    /** The stored value of a ban target: IP as is; a public or secret token; an account by user name or id. */
    private String resolve(String kind, String target) {
        switch (kind) {
            case BanService.IP -> {
                if (!target.matches("[0-9A-Fa-f:.]{2,45}")) {
                    throw ChatException.badRequest("not an IP address");
                }
                return target;
            }
            case BanService.ACCOUNT -> {
                return account(target).token();
            }
            case BanService.TOKEN -> {
                return identities.secretOfPublic(target).orElseGet(() -> {
                    if (roomService.publicTokenOf(target).isPresent()) {
                        return target; // a secret token given directly
                    }
                    throw new ChatException("user_not_found", "no such token", 404);
                });
            }
            default -> throw ChatException.badRequest("kind must be token, account or ip");
        }
    }

    private UserRow account(String nameOrId) {
        Optional<UserRow> u = users.byUsername(nameOrId);
        if (u.isEmpty() && nameOrId.matches("\\d{1,18}")) {
            u = users.byId(Long.parseLong(nameOrId));
        }
        return u.orElseThrow(() -> new ChatException("user_not_found", "no such account", 404));
    }

    private FullHttpResponse kick(HttpRequestData req, AdminAuth.Admin a) {
        Map<String, String> f = req.fields();
        String sid = required(f, "sid");
        boolean done = gateway.get().kick(uuid(sid), f.get("reason"));
        if (!done) {
            throw new ChatException("session_not_found", "no such live session", 404);
        }
        audit.record(a.name(), "kick", sid, f.get("reason"), Map.of());
        return ok(Map.of("sid", sid));
    }

    private FullHttpResponse move(HttpRequestData req, AdminAuth.Admin a) throws Exception {
        Map<String, String> f = req.fields();
        String sid = required(f, "sid");
        String room = RoomService.validateCode(required(f, "room"));
        roomService.ensure(room, null, true);
        Map<String, Object> moved;
        try {
            moved = gateway.get().move(uuid(sid), room).get(5, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof ChatException c ? c : e;
        }
        audit.record(a.name(), "move", sid, f.get("reason"), moved);
        return ok(moved);
    }

    /** {@code {room, target (public token), duration_s | duration_ms, reason?}} */
    private FullHttpResponse mute(HttpRequestData req, AdminAuth.Admin a) {
        Map<String, String> f = req.fields();
        String room = required(f, "room");
        String target = required(f, "target");
        long duration = duration(f);
        if (duration <= 0) {
            throw ChatException.badRequest("a mute needs duration_s");
        }
        long until = mutes.mute(room, resolve(BanService.TOKEN, target), duration, f.get("reason"), a.name());
        audit.record(a.name(), "mute", target, f.get("reason"), Map.of("room", room, "until", until));
        return ok(Map.of("room", room, "target", target, "until", until));
    }

    private FullHttpResponse unmute(HttpRequestData req, AdminAuth.Admin a) {
        Map<String, String> f = req.fields();
        String room = required(f, "room");
        String target = required(f, "target");
        boolean was = mutes.unmute(room, resolve(BanService.TOKEN, target));
        audit.record(a.name(), "unmute", target, f.get("reason"), Map.of("room", room, "was_muted", was));
        return ok(Map.of("room", room, "target", target, "was_muted", was));
    }

    /** Seed 001: {@code {user_id | username}} flips the admin role; an account cannot drop its own. */
    private FullHttpResponse toggleAdmin(HttpRequestData req, AdminAuth.Admin a) {
        Map<String, String> f = req.fields();
        UserRow u = account(f.containsKey("user_id") ? f.get("user_id") : required(f, "username"));
        if (a.userId() != null && a.userId() == u.id() || a.name().equals(u.username()) && u.isAdmin()) {
            throw new ChatException("not_allowed", "you cannot remove your own admin role", 403);
        }
        boolean now = !u.isAdmin();
        users.setAdmin(u.id(), now);
        if (!now) {
            auth.revokeAll(u.username());
        }
        audit.record(a.name(), now ? "grant_admin" : "revoke_admin", "user:" + u.username(), f.get("reason"), Map.of("user_id", u.id()));
        return ok(Map.of("user_id", u.id(), "username", u.username(), "is_admin", now));
    }

    /** Seed 001: {@code {user_id | username, reason?, duration_s?}} bans an account; its sockets drop. */
    private FullHttpResponse banUser(HttpRequestData req, AdminAuth.Admin a) {
        Map<String, String> f = req.fields();
        UserRow u = account(f.containsKey("user_id") ? f.get("user_id") : required(f, "username"));
        Long expires = bans.ban(BanService.ACCOUNT, u.token(), f.get("reason"), a.name(), duration(f));
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("user_id", u.id());
        d.put("expires_at", expires);
        audit.record(a.name(), "ban", "account:" + u.username(), f.get("reason"), d);
        Map<String, Object> data = new LinkedHashMap<>(d);
        data.put("username", u.username());
        data.put("banned", true);
        return ok(data);
    }

    private FullHttpResponse unbanUser(HttpRequestData req, AdminAuth.Admin a) {
        Map<String, String> f = req.fields();
        UserRow u = account(f.containsKey("user_id") ? f.get("user_id") : required(f, "username"));
        boolean was = bans.unban(u.token());
        audit.record(a.name(), "unban", "account:" + u.username(), f.get("reason"), Map.of("was_banned", was));
        return ok(Map.of("user_id", u.id(), "username", u.username(), "banned", false, "was_banned", was));
    }

    private FullHttpResponse auditPage(HttpRequestData req, AdminAuth.Admin a) {
        int page = intParam(req, "page", 1);
        int size = Math.min(200, Math.max(1, intParam(req, "page_size", 50)));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (AdminDao.AuditRow r : audit.page(page, size)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", r.id());
            m.put("at", r.at());
            m.put("admin", r.admin());
            m.put("action", r.action());
            m.put("target", r.target());
            m.put("reason", r.reason());
            m.put("details", parse(r.details()));
            rows.add(m);
        }
        return ok(Map.of("rows", rows, "page", page, "page_size", size, "total", audit.count()));
    }

    private FullHttpResponse logPage(HttpRequestData req, AdminAuth.Admin a) {
        LogQuery.Page p = logs.page(LogQuery.Filter.of(req::queryParam), intParam(req, "page", 1), intParam(req, "page_size", 50));
        return ok(Map.of("rows", p.rows(), "page", p.page(), "page_size", p.pageSize(), "has_more", p.hasMore()));
    }

    private FullHttpResponse logCsv(HttpRequestData req, AdminAuth.Admin a) {
        List<Map<String, Object>> rows = logs.export(LogQuery.Filter.of(req::queryParam));
        FullHttpResponse r = HttpResponses.of(HttpResponseStatus.OK, LogQuery.csv(rows).getBytes(StandardCharsets.UTF_8),
                "text/csv; charset=utf-8");
        r.headers().set(HttpHeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"chat-log.csv\"");
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return r;
    }

    private FullHttpResponse logJson(HttpRequestData req, AdminAuth.Admin a) {
        List<Map<String, Object>> rows = logs.export(LogQuery.Filter.of(req::queryParam));
        FullHttpResponse r = HttpResponses.of(HttpResponseStatus.OK, Json.write(rows).getBytes(StandardCharsets.UTF_8),
                "application/json; charset=utf-8");
        r.headers().set(HttpHeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"chat-log.json\"");
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return r;
    }

    private static long duration(Map<String, String> f) {
        try {
            if (f.get("duration_ms") != null && !f.get("duration_ms").isBlank()) {
                return Math.max(0, Long.parseLong(f.get("duration_ms").trim()));
            }
            if (f.get("duration_s") != null && !f.get("duration_s").isBlank()) {
                return Math.max(0, Math.round(Double.parseDouble(f.get("duration_s").trim()) * 1000));
            }
            return 0;
        } catch (NumberFormatException e) {
            throw ChatException.badRequest("duration_s must be a number of seconds");
        }
    }

    private static String required(Map<String, String> f, String key) {
        String v = f.get(key);
        if (v == null || v.isBlank()) {
            throw ChatException.badRequest("'" + key + "' is required");
        }
        return v.strip();
    }

    private static UUID uuid(String sid) {
        try {
            return UUID.fromString(sid);
        } catch (IllegalArgumentException e) {
            throw new ChatException("session_not_found", "no such live session", 404);
        }
    }

    private static int intParam(HttpRequestData req, String name, int dflt) {
        String v = req.queryParam(name);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw ChatException.badRequest("'" + name + "' must be a whole number");
        }
    }

    private static Object parse(String json) {
        try {
            return Json.MAPPER.readTree(json == null ? "{}" : json);
        } catch (Exception e) {
            return Map.of();
        }
    }
}
