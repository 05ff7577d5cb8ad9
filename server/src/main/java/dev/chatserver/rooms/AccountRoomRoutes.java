package dev.chatserver.rooms;

import dev.chatserver.auth.RequestAuth;
import dev.chatserver.common.ChatException;
import dev.chatserver.http.HttpRequestData;
import dev.chatserver.http.HttpResponses;
import dev.chatserver.http.Router;
import dev.chatserver.http.StaticFiles;
import dev.chatserver.realtime.RoomRegistry;
import dev.chatserver.security.CsrfGuard;
import dev.chatserver.store.RoomRow;
import dev.chatserver.store.UserRow;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Members-only rooms of accounts (seed 003): {@code POST /create_room} (random URL-safe key),
 * {@code GET|POST /join_room}, {@code GET /my_rooms}, {@code GET /chat/<key>}, {@code GET /leave_room/<key>},
 * {@code GET /delete_room/<key>} (owner only: members are told and removed from the room). Forms get
 * redirects ({@code /dashboard?error=code} on refusal), JSON requests get JSON.
 */
public final class AccountRoomRoutes {
    private final RoomService rooms;
    private final RoomRegistry live;
    private final RequestAuth auth;
    private final CsrfGuard csrf;
    private final StaticFiles files;

    public AccountRoomRoutes(RoomService rooms, RoomRegistry live, RequestAuth auth, CsrfGuard csrf, StaticFiles files) {
        this.rooms = rooms;
        this.live = live;
        this.auth = auth;
        this.csrf = csrf;
        this.files = files;
    }

    public void register(Router router) {
        router.post("/create_room", this::create);
        router.post("/join_room", this::join);
        router.get("/join_room", this::join);
        router.get("/my_rooms", this::mine);
        router.get("/chat/{key}", this::chat);
        router.get("/leave_room/{key}", this::leave);
        router.get("/delete_room/{key}", this::delete);
    }

    private FullHttpResponse create(HttpRequestData req) {
        return act(req, () -> {
            csrf.check(req);
            UserRow u = user(req);
            RoomRow room = rooms.createPrivate(req.fields().get("name"), u.token());
            return done(req, "/chat/" + room.code(), Map.of("room_key", room.code(), "name", room.name()));
        });
    }

    private FullHttpResponse join(HttpRequestData req) {
        return act(req, () -> {
            if (req.method().name().equals("POST")) {
                csrf.check(req);
            }
            UserRow u = user(req);
            String key = req.method().name().equals("POST") ? req.fields().get("room_key") : req.queryParam("room_key");
            if (key == null) {
                return HttpResponses.redirect("/dashboard");
            }
            RoomService.validateCode(key.strip());
            RoomRow room = rooms.find(key.strip()).orElseThrow(() -> new ChatException("room_not_found", "no room with that key", 404));
            rooms.addMember(room.code(), u.token());
            return done(req, "/chat/" + room.code(), Map.of("room_key", room.code(), "name", room.name()));
        });
    }

    private FullHttpResponse mine(HttpRequestData req) {
        UserRow u = user(req);
        List<Map<String, Object>> list = rooms.roomsOf(u.token()).stream().map(r -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("room_key", r.code());
            m.put("name", r.name());
            m.put("role", r.role());
            m.put("created_at", r.createdAt());
            m.put("online", live.memberCount(r.code()));
            return m;
        }).toList();
        return HttpResponses.json(HttpResponseStatus.OK, Map.of("ok", true, "data", Map.of("rooms", list)));
    }

    private FullHttpResponse chat(HttpRequestData req) {
        return act(req, () -> {
            UserRow u = user(req);
            String key = RoomService.validateCode(req.pathParam("key"));
            rooms.find(key).orElseThrow(() -> new ChatException("room_not_found", "no room with that key", 404));
            if (!rooms.roomsOf(u.token()).stream().anyMatch(r -> r.code().equals(key))) {
                throw new ChatException("not_member", "join the room with its key first", 403);
            }
            return files.get("index.html").map(a -> HttpResponses.of(HttpResponseStatus.OK, a.body(), a.contentType()))
                    .orElseThrow(() -> new ChatException("not_found", "no page", 404));
        });
    }

    private FullHttpResponse leave(HttpRequestData req) {
        return act(req, () -> {
            UserRow u = user(req);
            String key = RoomService.validateCode(req.pathParam("key"));
            rooms.removeMember(key, u.token());
            live.kick(key, publicTokenOf(u), u.username() + " left the room");
            return done(req, "/dashboard", Map.of("room_key", key));
        });
    }

    private FullHttpResponse delete(HttpRequestData req) {
        return act(req, () -> {
            UserRow u = user(req);
            String key = RoomService.validateCode(req.pathParam("key"));
            rooms.find(key).orElseThrow(() -> new ChatException("room_not_found", "no room with that key", 404));
            if (!rooms.isCreator(key, u.token()) && !u.isAdmin()) {
                throw new ChatException("not_allowed", "only the room's owner can delete it", 403);
            }
            live.deleteRoom(key, "The room was deleted by its owner");
            rooms.delete(key);
            return done(req, "/dashboard", Map.of("room_key", key, "deleted", true));
        });
    }

    private String publicTokenOf(UserRow u) {
        return rooms.publicTokenOf(u.token()).orElse("");
    }

    private UserRow user(HttpRequestData req) {
        return auth.user(req).orElseThrow(() -> new ChatException("login_required", "please sign in", 401));
    }

    private FullHttpResponse act(HttpRequestData req, Action a) {
        try {
            return a.run();
        } catch (ChatException e) {
            if (json(req) || e.code().equals("csrf_failed")) {
                throw e;
            }
            String page = e.code().equals("login_required") ? "/login?next=" + enc(req.path()) : "/dashboard?error=" + enc(e.code());
            return HttpResponses.redirect(page);
        }
    }

    @FunctionalInterface
    private interface Action {
        FullHttpResponse run();
    }

    private static FullHttpResponse done(HttpRequestData req, String next, Map<String, Object> data) {
        if (json(req)) {
            Map<String, Object> body = new LinkedHashMap<>(data);
            body.put("next", next);
            return HttpResponses.json(HttpResponseStatus.OK, Map.of("ok", true, "data", body));
        }
        return HttpResponses.redirect(next);
    }

    private static boolean json(HttpRequestData req) {
        return req.headers().get(HttpHeaderNames.CONTENT_TYPE, "").startsWith("application/json")
                || req.headers().get(HttpHeaderNames.ACCEPT, "").startsWith("application/json");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
