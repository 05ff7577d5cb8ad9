package dev.chatserver.store;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;

/**
 * Substring search over message texts, in any script (a part of a Persian word finds the message), for both
 * engines behind one API: SQLite uses the FTS5 {@code trigram} index {@code messages_fts} (ranked by bm25; text
 * shorter than 3 characters, below a trigram, falls back to a scan); PostgreSQL uses {@code ILIKE} served by the
 * {@code pg_trgm} GIN index {@code messages_text_trgm} (ranked by {@code word_similarity}). Matching is
 * case-insensitive for ASCII in both (FTS5 trigram folds case; the SQLite short-text scan does not). Blocking.
 */
public final class MessageSearch {
    /** Start of a match in {@link Hit#marked()}. */
    public static final char OPEN = '\u0002';
    /** End of a match in {@link Hit#marked()}. */
    public static final char CLOSE = '\u0003';
    private static final String ACCESS = " AND (r.private = 0 OR EXISTS (SELECT 1 FROM room_members rm"
            + " WHERE rm.room = r.code AND rm.token = :token)) AND m.deleted_at IS NULL ";

    private final Jdbi jdbi;
    private final Dialect dialect;

    /** @param jdbi from {@link Database#jdbi()} (its dialect decides the SQL) */
    public MessageSearch(Jdbi jdbi) {
        this.jdbi = jdbi;
        this.dialect = Database.dialectOf(jdbi);
    }

    /**
     * One hit.
     *
     * @param marked the text with each match between {@link #OPEN} and {@link #CLOSE}; null when the SQLite
     *               short-text scan found it (the caller marks case-sensitively)
     */
    public record Hit(long id, String room, String username, String publicToken, long createdAt, String text,
                      String marked) {
    }

    /**
     * Messages containing {@code q} in rooms {@code token} may read (public rooms; members-only rooms and
     * conversations the token is a member of; the rule of {@code rooms/RoomAccess}), not deleted.
     *
     * @param q     1-200 characters, stripped
     * @param token the requester's secret token, or null (public rooms only)
     * @param room  only this room, or null for all
     * @param limit most hits
     * @return best first (bm25 / word similarity), then newest first
     */
    public List<Hit> search(String q, String token, String room, int limit) {
        String roomFilter = room == null ? "" : " AND m.room = :room ";
        String select = "SELECT m.id, m.room, m.username, t.public_token, m.created_at, m.text, ";
        String sql;
        Object arg;
        boolean fts = false;
        if (dialect == Dialect.POSTGRES) {
            sql = select + "NULL AS marked FROM messages m JOIN rooms r ON r.code = m.room "
                    + "LEFT JOIN tokens t ON t.token = m.token WHERE m.text ILIKE :q ESCAPE '\\'" + ACCESS + roomFilter
                    + "ORDER BY word_similarity(:plain, m.text) DESC, m.id DESC LIMIT :limit";
            arg = likePattern(q);
        } else if (q.codePointCount(0, q.length()) >= 3) {
            fts = true;
            sql = select + "highlight(messages_fts, 0, char(2), char(3)) AS marked FROM messages_fts "
                    + "JOIN messages m ON m.id = messages_fts.rowid JOIN rooms r ON r.code = m.room "
                    + "LEFT JOIN tokens t ON t.token = m.token WHERE messages_fts MATCH :q" + ACCESS + roomFilter
                    + "ORDER BY bm25(messages_fts), m.id DESC LIMIT :limit";
            arg = ftsPhrase(q);
        } else {
            sql = select + "NULL AS marked FROM messages m JOIN rooms r ON r.code = m.room "
                    + "LEFT JOIN tokens t ON t.token = m.token WHERE instr(m.text, :q) > 0" + ACCESS + roomFilter
                    + "ORDER BY m.id DESC LIMIT :limit";
            arg = q;
        }
        boolean markHere = dialect == Dialect.POSTGRES;
        boolean indexed = fts;
        return jdbi.withHandle(h -> {
            if (indexed) {
                FtsIndex.catchUp(h); // messages committed since the writer last indexed
            }
            var stmt = h.createQuery(sql).bind("q", arg).bind("token", token).bind("limit", limit);
            if (sql.contains(":plain")) {
                stmt.bind("plain", q);
            }
            if (room != null) {
                stmt.bind("room", room);
            }
            return stmt.map((rs, ctx) -> {
                String text = rs.getString("text");
                String marked = markHere ? markIgnoringCase(text, q) : rs.getString("marked");
                return new Hit(rs.getLong("id"), rs.getString("room"), rs.getString("username"),
                        rs.getString("public_token"), rs.getLong("created_at"), text, marked);
            }).list();
        });
    }

    /**
     * A condition on {@code m.text} (the messages table as {@code m}) that holds when it contains {@code q}, for the
     * admin log filter; its arguments are added to {@code args}. SQLite: the FTS5 index for 3+ characters, else
     * {@code LIKE}; PostgreSQL: {@code ILIKE} (pg_trgm index).
     *
     * @return SQL starting with a space, e.g. {@code " AND m.text ILIKE :q ESCAPE '\'"}
     */
    public String containsCondition(String q, Map<String, Object> args) {
        if (dialect == Dialect.POSTGRES) {
            args.put("q", likePattern(q));
            return " AND m.text ILIKE :q ESCAPE '\\'";
        }
        if (q.codePointCount(0, q.length()) >= 3) {
            args.put("q", ftsPhrase(q));
            return " AND m.id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH :q)";
        }
        args.put("like", likePattern(q));
        return " AND m.text LIKE :like ESCAPE '\\'";
    }

    /**
     * Brings the SQLite FTS5 index up to date with every committed message before a query that uses
     * {@link #containsCondition} (new messages are indexed in batches, see {@link FtsIndex}); nothing on PostgreSQL,
     * whose pg_trgm index is maintained by the insert itself.
     *
     * @param h the handle the query will run on
     */
    public void catchUp(org.jdbi.v3.core.Handle h) {
        if (dialect != Dialect.POSTGRES) {
            FtsIndex.catchUp(h);
        }
    }

    /** {@code %q%} with {@code \}, {@code %} and {@code _} escaped by {@code \}. */
    static String likePattern(String q) {
        return "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }

    /** An FTS5 phrase: the whole query as one quoted string. */
    private static String ftsPhrase(String q) {
        return "\"" + q.replace("\"", "\"\"") + "\"";
    }

    /** {@code text} with every case-insensitive occurrence of {@code q} between {@link #OPEN} and {@link #CLOSE}. */
    static String markIgnoringCase(String text, String q) {
        Matcher m = Pattern.compile(Pattern.quote(q), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE).matcher(text);
        StringBuilder out = new StringBuilder(text.length() + 8);
        int from = 0;
        while (m.find()) {
            out.append(text, from, m.start()).append(OPEN).append(m.group()).append(CLOSE);
            from = m.end();
        }
        return out.append(text, from, text.length()).toString();
    }
}
