package dev.chatserver.ops;

import dev.chatserver.admin.AuditLog;
import dev.chatserver.config.RetentionSettings;
import dev.chatserver.store.RetentionStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes old messages (seed 001 "automatic cleanup of old messages"; issue #10). Every
 * {@code retentionIntervalMs} a timer hands one run to the bounded blocking executor (runs never overlap). A run:
 * <ol>
 *   <li>by age: messages created more than {@code maxAgeDays} days ago (global, or the room's override) go;</li>
 *   <li>by count: in every room holding more than {@code maxPerRoom} messages (global, or the room's override), all but
 *       the newest that many go.</li>
 * </ol>
 * Deletion is in batches of {@code retentionBatchSize} messages, one short transaction each, run on the message
 * writer's thread between its message batches ({@code MessageWriter.exclusive}), so a sender waits behind one batch
 * at most and the two never compete for SQLite's write lock. Deleting a message
 * removes it from the FTS5 index (trigger {@code messages_fts_delete}) and its reactions (cascade); an upload whose
 * every sharing message is gone has its row and file deleted (the orphan sweeper only handles uploads never shared).
 * Rooms in memory forget the deleted messages so later joins do not get them.
 *
 * <p>Limits: the newest message of the whole database is never deleted by age, so the next message id (the
 * highest id + 1 after a restart) never reuses an id a client may have seen. Messages arriving during a run have
 * higher ids than every candidate of the run and are never touched. Each run with an active policy writes one
 * audit log entry (admin {@code system}, action {@code retention}) with its counts.
 */
public final class RetentionJob implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RetentionJob.class);
    private static final long DAY_MS = 24L * 3600 * 1000;

    private final RetentionStore store;
    private final RetentionSettings settings;
    private final Function<String, Path> uploadPath;
    private final AuditLog audit;
    private final Executor blocking;
    private final Clock clock;
    private final BiConsumer<String, Set<Long>> forget;
    private final AtomicBoolean running = new AtomicBoolean();
    private ScheduledExecutorService timer;

    /**
     * What one run did.
     *
     * @param deletedByAge   messages deleted for their age
     * @param deletedByCount messages deleted because their room held too many
     * @param batches        transactions used (each deleted at most {@code batchSize} messages)
     * @param filesRemoved   uploads (row and file) deleted because no message shares them any more
     * @param rooms          rooms that lost messages
     * @param durationMs     wall time of the run, ms
     */
    public record Result(long deletedByAge, long deletedByCount, int batches, int filesRemoved, int rooms, long durationMs) {
        /** Messages deleted in all. */
        public long deleted() {
            return deletedByAge + deletedByCount;
        }
    }

    /**
     * @param uploadPath the file of an upload id ({@code UploadService::pathOf})
     * @param forget     told the ids deleted per room (the room registry drops them from memory)
     */
    public RetentionJob(RetentionStore store, RetentionSettings settings, Function<String, Path> uploadPath, AuditLog audit,
                        Executor blocking, Clock clock, BiConsumer<String, Set<Long>> forget) {
        this.store = store;
        this.settings = settings;
        this.uploadPath = uploadPath;
        this.audit = audit;
        this.blocking = blocking;
        this.clock = clock;
        this.forget = forget;
    }

    /** The global settings in force. */
    public RetentionSettings settings() {
        return settings;
    }

    /** Starts the timer (first run one interval from now). Idempotent. */
    public synchronized void start() {
        if (timer != null) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "retention-timer");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::schedule, settings.intervalMs(), settings.intervalMs(), TimeUnit.MILLISECONDS);
    }

    private void schedule() {
        try {
            blocking.execute(() -> {
                try {
                    runOnce();
                } catch (RuntimeException e) {
                    log.warn("retention run failed: {}", e.toString());
                }
            });
        } catch (RejectedExecutionException e) {
            log.debug("retention run skipped: the blocking executor is full or closed");
        }
    }

    /**
     * One run now (blocking: database and files). A run already going on makes this return an empty result at once.
     *
     * @return what was deleted; all zero when no policy is active (then no audit entry is written)
     */
    public Result runOnce() {
        if (!running.compareAndSet(false, true)) {
            return new Result(0, 0, 0, 0, 0, 0);
        }
        try {
            return run();
        } finally {
            running.set(false);
        }
    }

    private Result run() {
        long started = System.nanoTime();
        List<RetentionStore.Override> overrides = store.overrides();
        boolean active = settings.maxAgeDays() > 0 || settings.maxPerRoom() > 0
                || overrides.stream().anyMatch(o -> positive(o.maxAgeDays()) || positive(o.maxCount()));
        if (!active) {
            return new Result(0, 0, 0, 0, 0, 0);
        }
        Counter age = new Counter();
        Counter count = new Counter();
        long now = clock.millis();
        long belowId = store.maxId(); // the newest message stays: ids are never reused after a restart
        int batch = settings.batchSize();
        if (settings.maxAgeDays() > 0) {
            long cutoff = now - settings.maxAgeDays() * DAY_MS;
            drain(age, () -> store.deleteAgedBatch(cutoff, belowId, batch));
        }
        Map<String, Integer> countLimits = new HashMap<>();
        for (RetentionStore.Override o : overrides) {
            if (positive(o.maxAgeDays())) {
                long cutoff = now - o.maxAgeDays() * DAY_MS;
                drain(age, () -> store.deleteAgedBatch(o.room(), cutoff, belowId, batch));
            }
            if (o.maxCount() != null) {
                countLimits.put(o.room(), o.maxCount());
            }
        }
        List<String> countRooms = new ArrayList<>();
        if (settings.maxPerRoom() > 0) {
            for (String room : store.roomsWithMoreThan(settings.maxPerRoom()).keySet()) {
                if (!countLimits.containsKey(room)) {
                    countRooms.add(room);
                    countLimits.put(room, settings.maxPerRoom());
                }
            }
        }
        countLimits.forEach((room, keep) -> {
            if (keep > 0 && !countRooms.contains(room)) {
                countRooms.add(room);
            }
        });
        for (String room : countRooms) {
            store.lastBeyond(room, countLimits.get(room))
                    .ifPresent(last -> drain(count, () -> store.deleteUpToBatch(room, last, batch)));
        }
        int files = 0;
        Set<String> fileIds = new LinkedHashSet<>(age.fileIds);
        fileIds.addAll(count.fileIds);
        for (String id : fileIds) {
            if (store.deleteUploadIfUnshared(id)) {
                files++;
                try {
                    Files.deleteIfExists(uploadPath.apply(id));
                } catch (IOException | IllegalArgumentException e) {
                    log.warn("cannot delete the file of upload {}: {}", id, e.toString());
                }
            }
        }
        Set<String> rooms = new HashSet<>(age.rooms);
        rooms.addAll(count.rooms);
        Result r = new Result(age.deleted, count.deleted, age.batches + count.batches, files, rooms.size(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("deleted_by_age", r.deletedByAge());
        details.put("deleted_by_count", r.deletedByCount());
        details.put("batches", r.batches());
        details.put("files_removed", r.filesRemoved());
        details.put("rooms", r.rooms());
        details.put("duration_ms", r.durationMs());
        details.put("max_age_days", settings.maxAgeDays());
        details.put("max_per_room", settings.maxPerRoom());
        details.put("room_overrides", overrides.size());
        audit.record("system", "retention", null, null, details);
        if (r.deleted() > 0) {
            log.info("retention deleted {} message(s) ({} by age, {} by count) and {} file(s) in {} batch(es), {} ms",
                    r.deleted(), r.deletedByAge(), r.deletedByCount(), r.filesRemoved(), r.batches(), r.durationMs());
        }
        return r;
    }

    /** Deletes batch after batch until one comes back short. */
    private void drain(Counter into, java.util.function.Supplier<List<RetentionStore.Deleted>> batch) {
        while (true) {
            List<RetentionStore.Deleted> rows = batch.get();
            if (rows.isEmpty()) {
                return;
            }
            into.batches++;
            into.deleted += rows.size();
            Map<String, Set<Long>> byRoom = new HashMap<>();
            for (RetentionStore.Deleted d : rows) {
                byRoom.computeIfAbsent(d.room(), k -> new HashSet<>()).add(d.id());
                if (d.fileId() != null) {
                    into.fileIds.add(d.fileId());
                }
            }
            into.rooms.addAll(byRoom.keySet());
            byRoom.forEach(forget);
            if (rows.size() < settings.batchSize()) {
                return;
            }
        }
    }

    private static boolean positive(Integer v) {
        return v != null && v > 0;
    }

    private static final class Counter {
        long deleted;
        int batches;
        final Set<String> rooms = new HashSet<>();
        final Set<String> fileIds = new LinkedHashSet<>();
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }
}
