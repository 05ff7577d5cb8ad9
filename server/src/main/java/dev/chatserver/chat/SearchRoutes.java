package dev.chatserver.chat;

import dev.chatserver.auth.RequestAuth;
import dev.chatserver.common.ChatException;
import dev.chatserver.http.HttpRequestData;
import dev.chatserver.http.HttpResponses;
import dev.chatserver.http.Router;
import dev.chatserver.rooms.RoomService;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.chatserver.store.MessageSearch;

/**
 * {@code GET /api/search_messages?q=&room=&limit=} (seed 001): full-text search over the rooms the requester
 * may read (public rooms, and members-only rooms and conversations they belong to), through {@link MessageSearch}:
 * the SQLite FTS5 {@code trigram} index, or on PostgreSQL the {@code pg_trgm} index, so a part of a word matches, in
 * any script (a part of a Persian word finds the message). Ranked by bm25 (PostgreSQL: word similarity); each hit carries the text split into {@code parts} of
 * {@code {text, match}} so clients highlight without parsing markup. On SQLite, queries shorter than 3
 * characters (below a trigram) fall back to a substring scan, newest first.
 */
public final class SearchRoutes {
    /** Most hits, rows. */
    public static final int MAX_LIMIT = 100;
    private static final char OPEN = MessageSearch.OPEN;
    private static final char CLOSE = MessageSearch.CLOSE;

    private final MessageSearch search;
    private final RequestAuth auth;

    /** @param search the message text search of the database in use (SQLite FTS5 or PostgreSQL pg_trgm) */
    public SearchRoutes(MessageSearch search, RequestAuth auth) {
        this.search = search;
        this.auth = auth;
    }

    public void register(Router router) {
        router.get("/api/search_messages", this::search);
    }

    /**
     * @return {@code {q, room, results: [{id, room, username, user_id, created_at, text, parts: [{text, match}]}]}}
     * @throws ChatException {@code bad_request} for an empty/over-long query or a bad limit; {@code invalid_room}
     */
    FullHttpResponse search(HttpRequestData req) {
        String q = req.queryParam("q");
        if (q == null || q.isBlank() || q.length() > 200) {
            throw ChatException.badRequest("q must be 1-200 characters");
        }
        q = q.strip();
        String room = req.queryParam("room");
        if (room != null && !room.isEmpty()) {
            RoomService.validateCode(room);
        } else {
            room = null;
        }
        int limit;
        try {
            limit = Integer.parseInt(req.queryParam("limit") == null ? "20" : req.queryParam("limit"));
        } catch (NumberFormatException e) {
            throw ChatException.badRequest("limit must be an integer");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ChatException.badRequest("limit must be 1.." + MAX_LIMIT);
        }
        String token = auth.token(req);
        String plain = q;
        List<Map<String, Object>> results = new ArrayList<>();
        for (MessageSearch.Hit hit : search.search(q, token, room, limit)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", hit.id());
            m.put("room", hit.room());
            m.put("username", hit.username());
            m.put("user_id", hit.publicToken());
            m.put("created_at", hit.createdAt());
            m.put("text", hit.text());
            m.put("parts", hit.marked() != null ? parts(hit.marked()) : partsByScan(hit.text(), plain));
            results.add(m);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("q", q);
        body.put("room", room);
        body.put("results", results);
        return HttpResponses.json(HttpResponseStatus.OK, Map.of("ok", true, "data", body));
    }

    /** Splits FTS5 highlight output (matches between \u0002 and \u0003) into parts. */
    static List<Map<String, Object>> parts(String marked) {
        List<Map<String, Object>> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean match = false;
        for (int i = 0; i < marked.length(); i++) {
            char c = marked.charAt(i);
            if (c == OPEN || c == CLOSE) {
                if (cur.length() > 0) {
                    out.add(Map.of("text", cur.toString(), "match", match));
                    cur.setLength(0);
                }
                match = c == OPEN;
            } else {
                cur.append(c);
            }
        }
        if (cur.length() > 0) {
            out.add(Map.of("text", cur.toString(), "match", match));
        }
        return out;
    }

    private static List<Map<String, Object>> partsByScan(String text, String q) {
        StringBuilder marked = new StringBuilder();
        int from = 0;
        for (int i = text.indexOf(q); i >= 0; i = text.indexOf(q, from)) {
            marked.append(text, from, i).append(OPEN).append(q).append(CLOSE);
            from = i + q.length();
        }
        marked.append(text.substring(from));
        return parts(marked.toString());
    }
}
