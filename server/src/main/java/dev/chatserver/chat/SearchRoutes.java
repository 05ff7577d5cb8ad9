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
import org.jdbi.v3.core.Jdbi;

/**
 * {@code GET /api/search_messages?q=&room=&limit=} (seed 001): full-text search over the rooms the requester
 * may read (public rooms, and members-only rooms and conversations they belong to), using the SQLite FTS5
 * {@code trigram} index {@code messages_fts}, so a part of a word matches, in any script (a part of a Persian
 * word finds the message). Ranked by bm25; each hit carries the text split into {@code parts} of
 * {@code {text, match}} so clients highlight without parsing markup. Queries shorter than 3 characters
 * (below a trigram) fall back to a substring scan, newest first.
 */
public final class SearchRoutes {
    /** Most hits, rows. */
    public static final int MAX_LIMIT = 100;
    private static final char OPEN = '\u0002';
    private static final char CLOSE = '\u0003';
    private static final String ACCESS = " AND (r.private = 0 OR EXISTS (SELECT 1 FROM room_members rm"
            + " WHERE rm.room = r.code AND rm.token = :token)) AND m.deleted_at IS NULL ";

    private final Jdbi jdbi;
    private final RequestAuth auth;

    public SearchRoutes(Jdbi jdbi, RequestAuth auth) {
        this.jdbi = jdbi;
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
        String roomFilter = room == null ? "" : " AND m.room = :room ";
        boolean fts = q.codePointCount(0, q.length()) >= 3;
        String sql = fts
                ? "SELECT m.id, m.room, m.username, t.public_token, m.created_at, m.text, "
                  + "highlight(messages_fts, 0, char(2), char(3)) AS marked FROM messages_fts "
                  + "JOIN messages m ON m.id = messages_fts.rowid JOIN rooms r ON r.code = m.room "
                  + "LEFT JOIN tokens t ON t.token = m.token WHERE messages_fts MATCH :q" + ACCESS + roomFilter
                  + "ORDER BY bm25(messages_fts), m.id DESC LIMIT :limit"
                : "SELECT m.id, m.room, m.username, t.public_token, m.created_at, m.text, NULL AS marked FROM messages m "
                  + "JOIN rooms r ON r.code = m.room LEFT JOIN tokens t ON t.token = m.token "
                  + "WHERE instr(m.text, :q) > 0" + ACCESS + roomFilter + "ORDER BY m.id DESC LIMIT :limit";
        String query = fts ? "\"" + q.replace("\"", "\"\"") + "\"" : q;
        String finalRoom = room;
        String plain = q;
        List<Map<String, Object>> results = jdbi.withHandle(h -> {
            if (fts) {
                dev.chatserver.store.FtsIndex.catchUp(h); // messages committed since the writer last indexed
            }
            var stmt = h.createQuery(sql).bind("q", query).bind("token", token).bind("limit", limit);
            if (finalRoom != null) {
                stmt.bind("room", finalRoom);
            }
            return stmt.map((rs, ctx) -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", rs.getLong("id"));
                m.put("room", rs.getString("room"));
                m.put("username", rs.getString("username"));
                m.put("user_id", rs.getString("public_token"));
                m.put("created_at", rs.getLong("created_at"));
                String text = rs.getString("text");
                m.put("text", text);
                String marked = rs.getString("marked");
                m.put("parts", marked != null ? parts(marked) : partsByScan(text, plain));
                return m;
            }).list();
        });
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
