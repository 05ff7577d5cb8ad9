package dev.chatserver.ops;

import dev.chatserver.admin.AdminAuth;
import dev.chatserver.admin.AuditLog;
import dev.chatserver.common.ChatException;
import dev.chatserver.http.HttpRequestData;
import dev.chatserver.http.HttpResponses;
import dev.chatserver.http.HttpRoute;
import dev.chatserver.http.Router;
import dev.chatserver.rooms.RoomService;
import dev.chatserver.security.CsrfGuard;
import dev.chatserver.store.RetentionStore;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Admin API of message retention (issue #10), admin-only like the rest of {@code /admin/api} (403
 * {@code admin_required} otherwise; POSTs pass the CSRF check):
 * <ul>
 *   <li>{@code GET /admin/api/retention} -&gt; {@code {ok, data: {max_age_days, max_per_room, interval_ms, batch_size,
 *       rooms: [{room, max_age_days, max_count}]}}}: the global settings and every room override;</li>
 *   <li>{@code POST /admin/api/retention {room, max_age_days?, max_count?}}: sets a room's override (days, messages;
 *       absent, empty or null = follow the global value, 0 = no limit of that kind for the room); both absent removes
 *       the override. Errors: 400 {@code bad_request} (not a whole number 0..100000000), 404 {@code room_not_found}.
 *       Written to the audit log as {@code retention_set};</li>
 *   <li>{@code POST /admin/api/retention/run}: one run now; answers its counts {@code {deleted_by_age, deleted_by_count,
 *       batches, files_removed, rooms, duration_ms}} (the run writes its own audit entry).</li>
 * </ul>
 */
public final class RetentionRoutes {
    private final AdminAuth auth;
    private final CsrfGuard csrf;
    private final RetentionStore store;
    private final RetentionJob job;
    private final RoomService rooms;
    private final AuditLog audit;
    private final Clock clock;

    public RetentionRoutes(AdminAuth auth, CsrfGuard csrf, RetentionStore store, RetentionJob job, RoomService rooms,
                           AuditLog audit, Clock clock) {
        this.auth = auth;
        this.csrf = csrf;
        this.store = store;
        this.job = job;
        this.rooms = rooms;
        this.audit = audit;
        this.clock = clock;
    }

    /** Registers the three routes. */
    public void register(Router router) {
        router.get("/admin/api/retention", guarded(this::show));
        router.post("/admin/api/retention", guarded(this::set));
        router.post("/admin/api/retention/run", guarded(this::runNow));
    }

    private interface AdminRoute {
        FullHttpResponse handle(HttpRequestData req, AdminAuth.Admin admin);
    }

    private HttpRoute guarded(AdminRoute route) {
        return req -> {
            AdminAuth.Admin a = auth.find(req.cookie(AdminAuth.COOKIE))
                    .orElseThrow(() -> new ChatException("admin_required", "admins only; sign in at /admin", 403));
            if (req.method().name().equals("POST")) {
                csrf.check(req);
            }
            return route.handle(req, a);
        };
    }

    private FullHttpResponse show(HttpRequestData req, AdminAuth.Admin a) {
        List<Map<String, Object>> overrides = new ArrayList<>();
        for (RetentionStore.Override o : store.overrides()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("room", o.room());
            m.put("max_age_days", o.maxAgeDays());
            m.put("max_count", o.maxCount());
            overrides.add(m);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("max_age_days", job.settings().maxAgeDays());
        data.put("max_per_room", job.settings().maxPerRoom());
        data.put("interval_ms", job.settings().intervalMs());
        data.put("batch_size", job.settings().batchSize());
        data.put("rooms", overrides);
        return ok(data);
    }

    private FullHttpResponse set(HttpRequestData req, AdminAuth.Admin a) {
        Map<String, String> f = req.fields();
        String room = RoomService.validateCode(f.get("room") == null ? null : f.get("room").strip());
        if (rooms.find(room).isEmpty()) {
            throw new ChatException("room_not_found", "no such room", 404);
        }
        Integer age = limit(f, "max_age_days");
        Integer count = limit(f, "max_count");
        store.setOverride(room, age, count, clock.millis());
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("room", room);
        d.put("max_age_days", age);
        d.put("max_count", count);
        audit.record(a.name(), "retention_set", room, f.get("reason"), d);
        return ok(d);
    }

    private FullHttpResponse runNow(HttpRequestData req, AdminAuth.Admin a) {
        RetentionJob.Result r = job.runOnce();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("deleted_by_age", r.deletedByAge());
        d.put("deleted_by_count", r.deletedByCount());
        d.put("batches", r.batches());
        d.put("files_removed", r.filesRemoved());
        d.put("rooms", r.rooms());
        d.put("duration_ms", r.durationMs());
        return ok(d);
    }

    /** A limit field: null when absent, empty or JSON null; else a whole number 0..100,000,000. */
    private static Integer limit(Map<String, String> f, String key) {
        String v = f.get(key);
        if (v == null || v.isBlank() || v.equals("null")) {
            return null;
        }
        try {
            int n = Integer.parseInt(v.strip());
            if (n < 0 || n > 100_000_000) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw ChatException.badRequest("'" + key + "' must be a whole number from 0 to 100000000, or empty to follow the global value");
        }
    }

    private static FullHttpResponse ok(Object data) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ok", true);
        body.put("data", data);
        return HttpResponses.json(HttpResponseStatus.OK, body);
    }
}
