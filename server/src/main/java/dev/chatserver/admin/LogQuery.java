package dev.chatserver.admin;

import dev.chatserver.common.ChatException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.chatserver.store.MessageSearch;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/**
 * The admin message log (seed 000 "full logs with pagination + filtering"): every message, newest first,
 * filtered by IP, token (secret or public), room, date range and text, all combinable. Text of three or more
 * characters is searched in the FTS5 trigram index {@code messages_fts} (substrings, any script); shorter text
 * falls back to {@code LIKE}; on PostgreSQL {@code ILIKE} on the {@code pg_trgm} index ({@link MessageSearch}). The secret token is never returned, only the public one. Blocking (database).
 */
public final class LogQuery {
    /** Largest page, rows. */
    public static final int MAX_PAGE_SIZE = 500;
    /** Most rows of one export. */
    public static final int MAX_EXPORT = 100_000;
    private final Jdbi jdbi;
    private final MessageSearch search;

    /** @param jdbi the database; its dialect picks the text search ({@link MessageSearch}) */
    public LogQuery(Jdbi jdbi) {
        this.jdbi = jdbi;
        this.search = new MessageSearch(jdbi);
    }

    /**
     * Filters; null or blank fields do not filter.
     *
     * @param ip    sender IP, exact
     * @param token secret or public token, exact
     * @param room  room code, exact
     * @param from  first time included, epoch ms
     * @param to    first time excluded, epoch ms
     * @param q     text contained in the message (case-insensitive for ASCII)
     */
    public record Filter(String ip, String token, String room, Long from, Long to, String q) {
        /**
         * From query parameters {@code ip, token, room, from, to, q}; dates are epoch ms, {@code YYYY-MM-DD}
         * (UTC; {@code to} includes that whole day), {@code YYYY-MM-DDTHH:MM[:SS]} (UTC) or an ISO instant.
         * @throws ChatException {@code bad_request} for a date it cannot read
         */
        public static Filter of(java.util.function.Function<String, String> param) {
            return new Filter(blank(param.apply("ip")), blank(param.apply("token")), blank(param.apply("room")),
                    time(param.apply("from"), false), time(param.apply("to"), true), blank(param.apply("q")));
        }
    }

    /**
     * One page.
     *
     * @param rows     messages, newest first
     * @param page     1-based page number
     * @param pageSize rows per page
     * @param hasMore  whether a next page exists
     */
    public record Page(List<Map<String, Object>> rows, int page, int pageSize, boolean hasMore) {
    }

    /** @param page 1-based; @param pageSize 1..{@value #MAX_PAGE_SIZE} */
    public Page page(Filter f, int page, int pageSize) {
        int size = Math.max(1, Math.min(MAX_PAGE_SIZE, pageSize));
        int p = Math.max(1, page);
        List<Map<String, Object>> rows = rows(f, size + 1, (long) (p - 1) * size);
        boolean more = rows.size() > size;
        return new Page(more ? rows.subList(0, size) : rows, p, size, more);
    }

    /** Up to {@value #MAX_EXPORT} rows for an export, newest first. */
    public List<Map<String, Object>> export(Filter f) {
        return rows(f, MAX_EXPORT, 0);
    }

    private List<Map<String, Object>> rows(Filter f, int limit, long offset) {
        StringBuilder sql = new StringBuilder("SELECT m.id, m.created_at, m.room, m.username, t.public_token, m.sender_ip, m.kind, m.text "
                + "FROM messages m LEFT JOIN tokens t ON t.token = m.token WHERE 1 = 1");
        Map<String, Object> args = new LinkedHashMap<>();
        if (f.ip() != null) {
            sql.append(" AND m.sender_ip = :ip");
            args.put("ip", f.ip());
        }
        if (f.token() != null) {
            sql.append(" AND (m.token = :token OR m.token IN (SELECT token FROM tokens WHERE public_token = :token))");
            args.put("token", f.token());
        }
        if (f.room() != null) {
            sql.append(" AND m.room = :room");
            args.put("room", f.room());
        }
        if (f.from() != null) {
            sql.append(" AND m.created_at >= :from");
            args.put("from", f.from());
        }
        if (f.to() != null) {
            sql.append(" AND m.created_at < :to");
            args.put("to", f.to());
        }
        if (f.q() != null) {
            sql.append(search.containsCondition(f.q(), args));
        }
        sql.append(" ORDER BY m.id DESC LIMIT :limit OFFSET :offset");
        args.put("limit", limit);
        args.put("offset", offset);
        boolean fts = args.containsKey("q");
        return jdbi.withHandle(h -> {
            if (fts) {
                search.catchUp(h); // SQLite: messages committed since the writer last indexed
            }
            Query query = h.createQuery(sql.toString());
            args.forEach(query::bind);
            return query.map((rs, ctx) -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", rs.getLong("id"));
                m.put("created_at", rs.getLong("created_at"));
                m.put("room", rs.getString("room"));
                m.put("username", rs.getString("username"));
                m.put("public_token", rs.getString("public_token"));
                m.put("ip", rs.getString("sender_ip"));
                m.put("kind", rs.getString("kind"));
                m.put("text", rs.getString("text"));
                return m;
            }).list();
        });
    }

    /** The rows as CSV (RFC 4180; cells that a spreadsheet would run as a formula are prefixed with '). */
    public static String csv(List<Map<String, Object>> rows) {
        StringBuilder b = new StringBuilder("id,time,room,username,public_token,ip,kind,text\r\n");
        for (Map<String, Object> r : rows) {
            List<Object> cells = new ArrayList<>(List.of(r.get("id"), Instant.ofEpochMilli((Long) r.get("created_at")).toString()));
            cells.add(r.get("room"));
            cells.add(r.get("username"));
            cells.add(r.get("public_token"));
            cells.add(r.get("ip"));
            cells.add(r.get("kind"));
            cells.add(r.get("text"));
            for (int i = 0; i < cells.size(); i++) {
                if (i > 0) {
                    b.append(',');
                }
                b.append(cell(cells.get(i)));
            }
            b.append("\r\n");
        }
        return b.toString();
    }

    private static String cell(Object v) {
        if (v == null) {
            return "";
        }
        String s = v.toString();
        if (!s.isEmpty() && "=+-@\t\r".indexOf(s.charAt(0)) >= 0 && !(v instanceof Number)) {
            s = "'" + s;
        }
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r") || s.contains("'")) {
            s = "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    static Long time(String raw, boolean end) {
        String s = blank(raw);
        if (s == null) {
            return null;
        }
        try {
            if (s.matches("\\d{1,15}")) {
                return Long.parseLong(s);
            }
            if (s.matches("\\d{4}-\\d{2}-\\d{2}")) {
                LocalDate d = LocalDate.parse(s);
                return (end ? d.plusDays(1) : d).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
            }
            if (s.matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2})?")) {
                return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC).toEpochMilli() + (end ? 1 : 0);
            }
            return Instant.parse(s).toEpochMilli() + (end ? 1 : 0);
        } catch (DateTimeParseException e) {
            throw ChatException.badRequest("'" + (end ? "to" : "from") + "' must be a date like 2024-05-01 or epoch ms");
        }
    }
}
