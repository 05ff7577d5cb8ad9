package dev.chatserver.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The SQL of message retention (issue #10): per-room overrides in {@code room_retention}, and deletion of
 * messages in short batches, one transaction each, run on the {@link MessageWriter}'s thread between message batches
 * ({@link MessageWriter#exclusive}), so deletes and message inserts never compete for the write lock. Deleting a row fires the {@code messages_fts_delete} trigger
 * (the FTS5 index forgets it in the same transaction) and cascades to its {@code reactions}. Blocking (database).
 */
public final class RetentionStore {
    private final Jdbi jdbi;
    private final MessageWriter writer;

    /** A room's override; a null limit follows the global setting, 0 means no limit of that kind. */
    public record Override(String room, Integer maxAgeDays, Integer maxCount) {
    }

    /** One deleted message: its id, room and shared file (or null). */
    public record Deleted(long id, String room, String fileId) {
    }

    public RetentionStore(Jdbi jdbi, MessageWriter writer) {
        this.jdbi = jdbi;
        this.writer = writer;
    }

    /** Every room override, by room code. */
    public List<Override> overrides() {
        return jdbi.withHandle(h -> h.createQuery("SELECT room, max_age_days, max_count FROM room_retention ORDER BY room")
                .map((rs, c) -> new Override(rs.getString(1), (Integer) rs.getObject(2), (Integer) rs.getObject(3))).list());
    }

    /** The override of one room, if any. */
    public Optional<Override> override(String room) {
        return overrides().stream().filter(o -> o.room().equals(room)).findFirst();
    }

    /**
     * Sets a room's override (both limits; null = follow the global value). A row with both limits null is removed.
     *
     * @throws org.jdbi.v3.core.statement.UnableToExecuteStatementException when the room does not exist (foreign key)
     */
    public void setOverride(String room, Integer maxAgeDays, Integer maxCount, long now) {
        jdbi.useHandle(h -> {
            if (maxAgeDays == null && maxCount == null) {
                h.createUpdate("DELETE FROM room_retention WHERE room = :room").bind("room", room).execute();
                return;
            }
            h.createUpdate("INSERT INTO room_retention (room, max_age_days, max_count, updated_at) VALUES (:room, :age, :count, :now) "
                            + "ON CONFLICT (room) DO UPDATE SET max_age_days = :age, max_count = :count, updated_at = :now")
                    .bind("room", room).bind("age", maxAgeDays).bind("count", maxCount).bind("now", now).execute();
        });
    }

    /** The highest message id, 0 when there is none. */
    public long maxId() {
        return jdbi.withHandle(h -> h.createQuery("SELECT coalesce(max(id), 0) FROM messages").mapTo(Long.class).one());
    }

    /** Rooms holding more than {@code count} messages, with their counts. */
    public Map<String, Long> roomsWithMoreThan(long count) {
        Map<String, Long> out = new java.util.LinkedHashMap<>();
        jdbi.useHandle(h -> h.createQuery("SELECT room, count(*) FROM messages GROUP BY room HAVING count(*) > :n")
                .bind("n", count).map((rs, c) -> Map.entry(rs.getString(1), rs.getLong(2))).forEach(e -> out.put(e.getKey(), e.getValue())));
        return out;
    }

    /**
     * The id of the newest message of a room that is beyond the newest {@code keep} (so every message with an id up
     * to it goes), or empty when the room holds at most {@code keep}.
     */
    public Optional<Long> lastBeyond(String room, int keep) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id FROM messages WHERE room = :room ORDER BY id DESC LIMIT 1 OFFSET :keep")
                .bind("room", room).bind("keep", keep).mapTo(Long.class).findOne());
    }

    /**
     * Deletes, in one transaction, up to {@code limit} of the oldest messages created before {@code cutoff} (epoch ms)
     * with an id below {@code belowId}, in rooms without an age override.
     */
    public List<Deleted> deleteAgedBatch(long cutoff, long belowId, int limit) {
        return deleteBatch("created_at < :cutoff AND id < :below AND room NOT IN "
                + "(SELECT room FROM room_retention WHERE max_age_days IS NOT NULL)", Map.of("cutoff", cutoff, "below", belowId), limit);
    }

    /** As {@link #deleteAgedBatch} for one room (its override). */
    public List<Deleted> deleteAgedBatch(String room, long cutoff, long belowId, int limit) {
        return deleteBatch("room = :room AND created_at < :cutoff AND id < :below",
                Map.of("room", room, "cutoff", cutoff, "below", belowId), limit);
    }

    /** Deletes, in one transaction, up to {@code limit} of the oldest messages of a room with an id up to {@code lastId}. */
    public List<Deleted> deleteUpToBatch(String room, long lastId, int limit) {
        return deleteBatch("room = :room AND id <= :last", Map.of("room", room, "last", lastId), limit);
    }

    private List<Deleted> deleteBatch(String where, Map<String, Object> args, int limit) {
        return writer.exclusive(h -> {
            List<Deleted> rows = h.createQuery("SELECT id, room, file_id FROM messages WHERE " + where + " ORDER BY id LIMIT :limit")
                    .bindMap(args).bind("limit", limit)
                    .map((rs, c) -> new Deleted(rs.getLong(1), rs.getString(2), rs.getString(3))).list();
            if (!rows.isEmpty()) {
                List<Long> ids = new ArrayList<>(rows.size());
                rows.forEach(r -> ids.add(r.id()));
                h.createUpdate("DELETE FROM messages WHERE id IN (<ids>)").bindList("ids", ids).execute();
            }
            return rows;
        }).join();
    }

    /**
     * Deletes an upload's row when no message shares it any more (on the writer thread, so no message sharing it can
     * be inserted between the check and the delete). @return true when deleted (the caller then removes the file)
     */
    public boolean deleteUploadIfUnshared(String fileId) {
        return writer.exclusive(h -> deleteUpload(h, fileId)).join() == 1;
    }

    private static int deleteUpload(Handle h, String fileId) {
        return h.createUpdate("DELETE FROM uploads WHERE id = :id AND shared_at IS NOT NULL "
                + "AND NOT EXISTS (SELECT 1 FROM messages WHERE file_id = :id)").bind("id", fileId).execute();
    }
}
