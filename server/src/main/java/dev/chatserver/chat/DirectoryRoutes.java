package dev.chatserver.chat;

import dev.chatserver.auth.RequestAuth;
import dev.chatserver.common.ChatException;
import dev.chatserver.http.HttpRequestData;
import dev.chatserver.http.HttpResponses;
import dev.chatserver.http.Router;
import dev.chatserver.realtime.RichCommands;
import dev.chatserver.realtime.RoomRegistry;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * Seed 001's JSON API beside history: {@code GET /api/users}, {@code GET /api/rooms}, {@code GET /api/conversations}
 * and {@code GET /api/profile_stats}. Never emails, IPs or secret tokens. Blocking (database).
 */
public final class DirectoryRoutes {
    private final Jdbi jdbi;
    private final RequestAuth auth;
    private final RichCommands rich;
    private final RoomRegistry rooms;

    public DirectoryRoutes(Jdbi jdbi, RequestAuth auth, RichCommands rich, RoomRegistry rooms) {
        this.jdbi = jdbi;
        this.auth = auth;
        this.rich = rich;
        this.rooms = rooms;
    }

    /** Registers the routes. */
    public void register(Router router) {
        router.get("/api/users", this::users);
        router.get("/api/rooms", this::rooms);
        router.get("/api/conversations", this::conversations);
        router.get("/api/profile_stats", this::profileStats);
    }

    /**
     * @return {@code {users: [{user_id, username, is_admin, joined_at (epoch ms), messages_sent, status
     *     (online|away|offline), last_seen (epoch ms)}]}}: the registered accounts, by name (at most 500)
     * @throws ChatException {@code login_required} (401) without a session or chat token (seed 001: authenticated)
     */
    FullHttpResponse users(HttpRequestData req) {
        requireToken(req);
        Map<String, String> online = rich.onlineStatuses();
        List<Map<String, Object>> out = new ArrayList<>();
        jdbi.useHandle(h -> h.createQuery("""
                SELECT u.token, t.public_token, u.username, u.is_admin, u.created_at, t.last_seen,
                       (SELECT count(*) FROM messages m WHERE m.token = u.token AND m.deleted_at IS NULL) AS sent
                FROM users u JOIN tokens t ON t.token = u.token ORDER BY u.username LIMIT 500""")
                .map((rs, c) -> {
                    String token = rs.getString("token");
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("user_id", rs.getString("public_token"));
                    m.put("username", rs.getString("username"));
                    m.put("is_admin", rs.getInt("is_admin") == 1);
                    m.put("joined_at", rs.getLong("created_at"));
                    m.put("messages_sent", rs.getLong("sent"));
                    String status = online.getOrDefault(token, "offline");
                    m.put("status", status);
                    Long seen = rich.lastSeenOf(token);
                    m.put("last_seen", "offline".equals(status) ? (seen != null ? seen : rs.getLong("last_seen")) : System.currentTimeMillis());
                    return m;
                }).forEach(out::add));
        return HttpResponses.json(HttpResponseStatus.OK, Map.of("users", out));
    }

    /**
     * @return {@code {rooms: [{code, name, created_at, messages, online, private}]}}: the rooms the requester knows, by
     *     latest activity (at most 100): the lobby and public rooms they wrote in, then their members-only rooms.
     *     Not every public room: a room code is its invitation (seed 000), so codes are not listed to strangers.
     *     Private conversations are not rooms here.
     */
    FullHttpResponse rooms(HttpRequestData req) {
        String token = auth.token(req);
        List<Map<String, Object>> out = new ArrayList<>();
        jdbi.useHandle(h -> h.createQuery("""
                SELECT r.code, r.name, r.created_at, r.private,
                       (SELECT count(*) FROM messages m WHERE m.room = r.code) AS messages,
                       coalesce((SELECT max(id) FROM messages m WHERE m.room = r.code), 0) AS last_id
                FROM rooms r
                WHERE r.code NOT LIKE 'dm:%' AND ((r.private = 0 AND (r.code = 'lobby'
                    OR EXISTS (SELECT 1 FROM messages w WHERE w.room = r.code AND w.token = :token)))
                  OR EXISTS (SELECT 1 FROM room_members rm WHERE rm.room = r.code AND rm.token = :token))
                ORDER BY r.private, last_id DESC, r.created_at DESC LIMIT 100""")
                .bind("token", token)
                .map((rs, c) -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("code", rs.getString("code"));
                    m.put("name", rs.getString("name"));
                    m.put("created_at", rs.getLong("created_at"));
                    m.put("messages", rs.getLong("messages"));
                    m.put("online", rooms.memberCount(rs.getString("code")));
                    m.put("private", rs.getInt("private") == 1);
                    return m;
                }).forEach(out::add));
        return HttpResponses.json(HttpResponseStatus.OK, Map.of("rooms", out));
    }

    /**
     * @return {@code {conversations: [{room, user_id, username, last_id, unread, status}]}}
     * @throws ChatException {@code login_required} (401) without a session or chat token
     */
    FullHttpResponse conversations(HttpRequestData req) {
        return HttpResponses.json(HttpResponseStatus.OK, Map.of("conversations", rich.conversationsOf(requireToken(req))));
    }

    /**
     * @return {@code {username, user_id, joined_at (epoch ms), messages_sent, rooms (distinct rooms written in),
     *     reactions_given, polls_created}}
     * @throws ChatException {@code login_required} (401) without a session or chat token
     */
    FullHttpResponse profileStats(HttpRequestData req) {
        String token = requireToken(req);
        Map<String, Object> m = jdbi.withHandle(h -> h.createQuery("""
                SELECT t.username, t.public_token, coalesce(u.created_at, t.created_at) AS joined_at,
                       (SELECT count(*) FROM messages m WHERE m.token = t.token AND m.deleted_at IS NULL) AS sent,
                       (SELECT count(DISTINCT room) FROM messages m WHERE m.token = t.token AND m.room NOT LIKE 'dm:%') AS rooms,
                       (SELECT count(*) FROM reactions r WHERE r.token = t.token) AS reactions,
                       (SELECT count(*) FROM polls p WHERE p.creator_token = t.token) AS polls
                FROM tokens t LEFT JOIN users u ON u.token = t.token WHERE t.token = :token""")
                .bind("token", token)
                .map((rs, c) -> {
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("username", rs.getString("username"));
                    r.put("user_id", rs.getString("public_token"));
                    r.put("joined_at", rs.getLong("joined_at"));
                    r.put("messages_sent", rs.getLong("sent"));
                    r.put("rooms", rs.getLong("rooms"));
                    r.put("reactions_given", rs.getLong("reactions"));
                    r.put("polls_created", rs.getLong("polls"));
                    return r;
                }).findOne().orElseThrow(() -> new ChatException("login_required", "unknown identity", 401)));
        return HttpResponses.json(HttpResponseStatus.OK, m);
    }

    private String requireToken(HttpRequestData req) {
        String token = auth.token(req);
        if (token == null) {
            throw new ChatException("login_required", "sign in, or send your chat token (X-Chat-Token)", 401);
        }
        return token;
    }
}
