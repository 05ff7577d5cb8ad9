package dev.chatserver.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatserver.common.ChatException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * MessageWriter on a real SQLite file: concurrent submissions get distinct ascending ids and are group
 * committed, acks only after commit, ids continue after reopen, the queue bound, failures, and close.
 * The writer is stalled deterministically by holding SQLite's write lock from a second connection.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MessageWriterTest {
    private static final long WAIT_S = 10;

    @TempDir
    Path dir;
    Path file;
    Database db;

    @BeforeEach
    void open() {
        file = dir.resolve("t.sqlite3");
        db = new Database(file, "NORMAL", 2);
        db.jdbi().onDemand(RoomDao.class).insertIfAbsent(new RoomRow("R", "R", null, 1L));
    }

    @AfterEach
    void close() {
        db.close();
    }

    private static MessageRow msg(String room, String text) {
        return new MessageRow(0, room, null, null, "alice", text, "chat", "10.0.0.1", 1_000L);
    }

    /** Holds SQLite's write lock on another connection so the writer's next commit waits (busy_timeout 10 s). */
    private static final class WriteLock implements AutoCloseable {
        private final Connection c;

        WriteLock(Path file) throws SQLException {
            c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO banned (token, created_at) VALUES ('write-lock-holder', 0)");
            }
        }

        @Override
        public void close() throws SQLException {
            c.rollback();
            c.close();
        }
    }

    private static ChatException failure(CompletableFuture<MessageRow> f) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(WAIT_S, TimeUnit.SECONDS));
        return assertInstanceOf(ChatException.class, e.getCause());
    }

    @Test
    void concurrentSubmissionsGetDistinctAscendingIdsAndAreCommittedInBatches() throws Exception {
        int threads = 4;
        int perThread = 125; // N = 500
        MessageWriter writer = new MessageWriter(db.jdbi(), 64, 10_000);
        List<List<CompletableFuture<MessageRow>>> byThread = new ArrayList<>();
        try {
            try (WriteLock lock = new WriteLock(file)) {
                ExecutorService pool = Executors.newFixedThreadPool(threads);
                try {
                    CountDownLatch go = new CountDownLatch(1);
                    List<Future<List<CompletableFuture<MessageRow>>>> submitted = new ArrayList<>();
                    for (int t = 0; t < threads; t++) {
                        int thread = t;
                        submitted.add(pool.submit(() -> {
                            go.await();
                            List<CompletableFuture<MessageRow>> mine = new ArrayList<>();
                            for (int i = 0; i < perThread; i++) {
                                mine.add(writer.submit(msg("R", thread + ":" + i)));
                            }
                            return mine;
                        }));
                    }
                    go.countDown();
                    for (Future<List<CompletableFuture<MessageRow>>> f : submitted) {
                        byThread.add(f.get(WAIT_S, TimeUnit.SECONDS));
                    }
                } finally {
                    pool.shutdownNow();
                }
                // The writer cannot commit while the lock is held, so nothing may be acked yet.
                assertTrue(byThread.stream().flatMap(List::stream).noneMatch(CompletableFuture::isDone),
                        "no message is acked before its commit");
            }
            List<CompletableFuture<MessageRow>> all = byThread.stream().flatMap(List::stream).toList();
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(WAIT_S, TimeUnit.SECONDS);

            Set<Long> ids = new HashSet<>();
            Map<Long, String> textById = new HashMap<>();
            for (List<CompletableFuture<MessageRow>> mine : byThread) {
                long previous = 0;
                for (CompletableFuture<MessageRow> f : mine) {
                    MessageRow r = f.join();
                    assertTrue(r.id() > previous, "one thread's messages get ascending ids");
                    previous = r.id();
                    ids.add(r.id());
                    textById.put(r.id(), r.text());
                }
            }
            assertEquals(LongStream.rangeClosed(1, 500).boxed().collect(Collectors.toSet()), ids,
                    "500 distinct ids, 1..500");

            List<MessageRow> stored = db.jdbi().onDemand(MessageDao.class).after("R", 0, 1000);
            assertEquals(500, stored.size());
            for (MessageRow r : stored) {
                assertEquals(textById.get(r.id()), r.text(), "row " + r.id());
            }
            assertEquals(500, writer.committedMessages());
            assertTrue(writer.commits() < writer.committedMessages(),
                    "group commit: " + writer.commits() + " transactions for 500 messages");
        } finally {
            writer.close();
        }
    }

    @Test
    void perMessageStepsRunInCommitOrderAfterTheListenerAndCompleteTheFuture() throws Exception {
        MessageWriter writer = new MessageWriter(db.jdbi(), 64, 10_000);
        ExecutorService dispatcher = Executors.newSingleThreadExecutor();
        List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        writer.onCommit(dispatcher, r -> seen.add("listener " + r.id()));
        try {
            List<CompletableFuture<String>> futures = new ArrayList<>();
            try (WriteLock lock = new WriteLock(file)) { // all of them in one commit, from several threads
                ExecutorService pool = Executors.newFixedThreadPool(4);
                try {
                    List<Future<CompletableFuture<String>>> submitted = new ArrayList<>();
                    for (int i = 0; i < 40; i++) {
                        int n = i;
                        submitted.add(pool.submit(() -> writer.submit(msg("R", "m" + n), r -> {
                            seen.add("step " + r.id());
                            return "sent " + r.id();
                        })));
                    }
                    for (Future<CompletableFuture<String>> f : submitted) {
                        futures.add(f.get(WAIT_S, TimeUnit.SECONDS));
                    }
                } finally {
                    pool.shutdown();
                }
            }
            List<Long> ids = new ArrayList<>();
            for (CompletableFuture<String> f : futures) {
                String result = f.get(WAIT_S, TimeUnit.SECONDS);
                ids.add(Long.parseLong(result.substring("sent ".length())));
            }
            List<String> expected = new ArrayList<>();
            ids.stream().sorted().forEach(id -> {
                expected.add("listener " + id);
                expected.add("step " + id);
            });
            assertEquals(expected, seen, "listener then own step, message by message in id order");

            CompletableFuture<String> failing = writer.submit(msg("R", "x"), r -> {
                throw new IllegalStateException("step failed");
            });
            ExecutionException e = assertThrows(ExecutionException.class, () -> failing.get(WAIT_S, TimeUnit.SECONDS));
            assertInstanceOf(IllegalStateException.class, e.getCause());
            assertEquals("sent " + (ids.stream().max(Long::compare).orElseThrow() + 2),
                    writer.submit(msg("R", "after"), r -> "sent " + r.id()).get(WAIT_S, TimeUnit.SECONDS),
                    "the writer goes on after a failed step");
        } finally {
            writer.close();
            dispatcher.shutdown();
        }
    }

    @Test
    void idsContinueAfterCloseAndReopen() throws Exception {
        MessageWriter first = new MessageWriter(db.jdbi(), 16, 100);
        List<CompletableFuture<MessageRow>> fs = List.of(first.submit(msg("R", "a")), first.submit(msg("R", "b")),
                first.submit(msg("R", "c")));
        assertEquals(List.of(1L, 2L, 3L), fs.stream().map(f -> getRow(f).id()).toList());
        first.close();
        db.close();

        db = new Database(file, "NORMAL", 2);
        MessageWriter second = new MessageWriter(db.jdbi(), 16, 100);
        try {
            assertEquals(4L, getRow(second.submit(msg("R", "d"))).id());
        } finally {
            second.close();
        }
    }

    @Test
    void fullQueueRefusesWithServerBusyWhileTheWriterIsStalled() throws Exception {
        // batchMax 1, queueMax 1: while stalled the writer holds at most one message and queues one more.
        MessageWriter writer = new MessageWriter(db.jdbi(), 1, 1);
        try {
            List<CompletableFuture<MessageRow>> fs = new ArrayList<>();
            try (WriteLock lock = new WriteLock(file)) {
                for (int i = 0; i < 3; i++) {
                    fs.add(writer.submit(msg("R", "m" + i)));
                }
                assertFalse(fs.get(0).isDone(), "the first message is accepted (the queue was empty)");
                List<CompletableFuture<MessageRow>> refused = fs.stream().filter(CompletableFuture::isDone).toList();
                assertFalse(refused.isEmpty(), "three messages cannot fit in one in flight + one queued");
                for (CompletableFuture<MessageRow> f : refused) {
                    ChatException e = failure(f);
                    assertEquals("server_busy", e.code());
                    assertEquals(503, e.httpStatus());
                }
            }
            List<CompletableFuture<MessageRow>> accepted = fs.stream().filter(f -> !f.isCompletedExceptionally()).toList();
            assertEquals(LongStream.rangeClosed(1, accepted.size()).boxed().toList(),
                    accepted.stream().map(f -> getRow(f).id()).toList(), "accepted messages commit after the stall");
        } finally {
            writer.close();
        }
    }

    @Test
    void failedCommitFailsItsFutureWithStoreFailedAndTheWriterGoesOn() {
        MessageWriter writer = new MessageWriter(db.jdbi(), 1, 100);
        try {
            ChatException e = failure(writer.submit(msg("no-such-room", "x")));
            assertEquals("store_failed", e.code());
            assertEquals(1L, getRow(writer.submit(msg("R", "ok"))).id(), "the failed id is not skipped");
            assertEquals(1, writer.committedMessages());
        } finally {
            writer.close();
        }
    }

    @Test
    void oneBadMessageInABatchFailsAloneAndTheOthersAreStored() throws Exception {
        MessageWriter writer = new MessageWriter(db.jdbi(), 64, 100);
        try {
            List<CompletableFuture<MessageRow>> good = new ArrayList<>();
            CompletableFuture<MessageRow> bad;
            try (WriteLock lock = new WriteLock(file)) { // queue all four so they share one batch
                good.add(writer.submit(msg("R", "a")));
                bad = writer.submit(msg("no-such-room", "x"));
                good.add(writer.submit(msg("R", "b")));
                good.add(writer.submit(msg("R", "c")));
            }
            assertEquals("store_failed", failure(bad).code());
            for (CompletableFuture<MessageRow> f : good) {
                getRow(f);
            }
            assertEquals(3L, db.jdbi().onDemand(MessageDao.class).countInRoom("R"));
        } finally {
            writer.close();
        }
    }

    @Test
    void closeCommitsWhatIsQueuedAndRefusesAfterwards() {
        MessageWriter writer = new MessageWriter(db.jdbi(), 2, 100);
        List<CompletableFuture<MessageRow>> fs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            fs.add(writer.submit(msg("R", "m" + i)));
        }
        writer.close();
        assertTrue(fs.stream().allMatch(f -> f.isDone() && !f.isCompletedExceptionally()),
                "every message queued before close is committed");
        assertEquals(5L, db.jdbi().onDemand(MessageDao.class).countInRoom("R"));
        assertEquals("server_busy", failure(writer.submit(msg("R", "late"))).code());
    }

    private static MessageRow getRow(CompletableFuture<MessageRow> f) {
        try {
            return f.get(WAIT_S, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("message not stored", e);
        }
    }
}
