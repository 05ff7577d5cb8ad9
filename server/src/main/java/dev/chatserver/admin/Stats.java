package dev.chatserver.admin;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import org.jdbi.v3.core.Jdbi;

/**
 * Numbers for {@code GET /api/stats} (seed 001): users, online now, messages today (UTC) and in all, the
 * busiest rooms, uploads and their bytes. Portable SQL (SQLite and PostgreSQL). Blocking.
 */
public final class Stats {
    private final Jdbi jdbi;
    private final Clock clock;
    private final IntSupplier online;

    /** @param online distinct identities connected now */
    public Stats(Jdbi jdbi, Clock clock, IntSupplier online) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.online = online;
    }

    /** @return {users, admins, online, messages_today, messages_total, rooms:[{room, messages}], uploads, upload_bytes} */
    public Map<String, Object> compute() {
        long dayStart = LocalDate.now(clock.withZone(ZoneOffset.UTC)).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
        return jdbi.withHandle(h -> {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("users", h.createQuery("SELECT count(*) FROM users").mapTo(Long.class).one());
            s.put("admins", h.createQuery("SELECT count(*) FROM users WHERE is_admin = 1").mapTo(Long.class).one());
            s.put("identities", h.createQuery("SELECT count(*) FROM tokens").mapTo(Long.class).one());
            s.put("online", online.getAsInt());
            s.put("messages_today", h.createQuery("SELECT count(*) FROM messages WHERE created_at >= :d").bind("d", dayStart)
                    .mapTo(Long.class).one());
            s.put("messages_total", h.createQuery("SELECT count(*) FROM messages").mapTo(Long.class).one());
            List<Map<String, Object>> rooms = h.createQuery(
                    "SELECT room, count(*) AS n FROM messages GROUP BY room ORDER BY n DESC, room LIMIT 20")
                    .map((rs, ctx) -> {
                        Map<String, Object> r = new LinkedHashMap<>();
                        r.put("room", rs.getString("room"));
                        r.put("messages", rs.getLong("n"));
                        return r;
                    }).list();
            s.put("rooms", rooms);
            // the uploads table exists in both schemas (schema.sql, schema-postgres.sql)
            long count = h.createQuery("SELECT count(*) FROM uploads").mapTo(Long.class).one();
            long bytes = h.createQuery("SELECT coalesce(sum(size), 0) FROM uploads").mapTo(Long.class).one();
            s.put("uploads", count);
            s.put("upload_bytes", bytes);
            return s;
        });
    }
}
