package dev.chatserver.uploads;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes uploads that were never shared in a message within {@code uploadOrphanMs} (their row, then their
 * file), and files in the uploads directory that have no row and are older than that (left by a crash between
 * the two). Runs every {@code clamp(orphanMs / 4, 1 s, 5 min)} on its own daemon thread, and on demand through
 * {@link #sweepOnce()}. Shared uploads are never touched: {@code file_share} marks the row before the message
 * is written, and the delete re-checks {@code shared_at IS NULL} in the same statement.
 */
public final class OrphanSweeper implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OrphanSweeper.class);
    private static final int BATCH = 500;

    private final UploadDao uploads;
    private final UploadService service;
    private final long orphanMs;
    private final Clock clock;
    private ScheduledExecutorService timer;

    /** @param orphanMs age after which an unshared upload is deleted, ms (config {@code uploadOrphanMs}) */
    public OrphanSweeper(UploadDao uploads, UploadService service, long orphanMs, Clock clock) {
        this.uploads = uploads;
        this.service = service;
        this.orphanMs = orphanMs;
        this.clock = clock;
    }

    /** Starts the periodic sweep. */
    public synchronized void start() {
        if (timer != null) {
            return;
        }
        long period = Math.max(1000, Math.min(orphanMs / 4, 300_000));
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "orphan-sweeper");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                sweepOnce();
            } catch (RuntimeException e) {
                log.warn("orphan sweep failed: {}", e.toString());
            }
        }, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * One sweep. Blocking (database, files).
     *
     * @return uploads deleted (rows, and stray files without a row)
     */
    public synchronized int sweepOnce() {
        long cutoff = clock.millis() - orphanMs;
        int deleted = 0;
        while (true) {
            List<UploadRow> batch = uploads.orphans(cutoff, BATCH);
            for (UploadRow row : batch) {
                if (uploads.deleteOrphan(row.id(), cutoff) == 1) {
                    delete(service.pathOf(row.id()));
                    deleted++;
                }
            }
            if (batch.size() < BATCH) {
                break;
            }
        }
        long strayBefore = System.currentTimeMillis() - orphanMs; // file times are wall-clock times
        try (DirectoryStream<Path> files = Files.newDirectoryStream(service.dir())) {
            for (Path p : files) {
                String name = p.getFileName().toString();
                if (UploadService.ID.matcher(name).matches() && Files.isRegularFile(p)
                        && Files.getLastModifiedTime(p).toMillis() < strayBefore && !uploads.exists(name)) {
                    delete(p);
                    deleted++;
                }
            }
        } catch (IOException e) {
            log.warn("cannot list {}: {}", service.dir(), e.toString());
        }
        if (deleted > 0) {
            log.info("deleted {} upload(s) never shared within {} ms", deleted, orphanMs);
        }
        return deleted;
    }

    private static void delete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            log.warn("cannot delete {}: {}", p, e.toString());
        }
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }
}
