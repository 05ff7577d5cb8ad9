package dev.chatserver.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatserver.Main;
import dev.chatserver.realtime.RoomRegistry;
import dev.chatserver.support.ServerProcess;
import dev.chatserver.support.SocketClient;
import io.socket.client.Ack;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety: the real server runs as a separate JVM ({@code dev.chatserver.Main} on this test's class
 * path, so it also works inside surefire before the jar is shaded), senders push acked messages, the process
 * is killed with SIGKILL at a random moment and restarted on the same database. After every kill: every
 * acknowledged id is in the database, {@code PRAGMA integrity_check} is {@code ok}, and a client joining with
 * {@code last_id} gets exactly the stored messages after that id, in order, without gap or duplicate.
 *
 * <p>Short form (CI): 10 senders, about 500 msg/s, one kill after 1.5-3 s. Long form
 * ({@code -Dcrash.long=true}): 50 senders, about 2,000 msg/s, 20 kill/restart rounds.
 */
@Tag("reliability")
class CrashSafetyTest {
    private static final boolean LONG = Boolean.getBoolean("crash.long");
    private static final int SENDERS = LONG ? 50 : 10;
    /** Interval between two messages of one sender, ms (50 x 25 ms = 2,000 msg/s; 10 x 20 ms = 500 msg/s). */
    private static final int SEND_EVERY_MS = LONG ? 25 : 20;
    private static final int ROUNDS = LONG ? 20 : 1;
    /** Unacked messages a sender may have in flight before it skips a tick. */
    private static final int IN_FLIGHT_MAX = 200;
    private static final String ROOM = "CRASH";

    @TempDir
    Path dir;
    private Process process;
    private int port;

    @AfterEach
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void everyAckedMessageSurvivesSigkill() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path db = dir.resolve("crash.sqlite3");
        Set<Long> acked = ConcurrentHashMap.newKeySet();
        long sentTotal = 0;
        long unanswered = 0;
        long refused = 0;
        startServer();
        for (int round = 1; round <= ROUNDS; round++) {
            Load load = new Load(acked);
            long reachedBefore = load.run();
            sentTotal += load.sent.get();
            refused += load.refused.get();
            unanswered += load.sent.get() - load.acks.get() - load.refused.get();

            Set<Long> stored = new HashSet<>(storedIds(db));
            long lost = acked.stream().filter(id -> !stored.contains(id)).count();
            System.out.printf("crash round %d: killed after %d ms, sent %d, acked %d (total %d), stored %d, lost %d%n",
                    round, reachedBefore, load.sent.get(), load.acks.get(), acked.size(), stored.size(), lost);
            assertEquals(0, lost, "acknowledged messages missing after SIGKILL in round " + round);
            assertEquals("ok", integrityCheck(db), "integrity after SIGKILL in round " + round);

            startServer();
            checkReplay(db, load.lastSeenLive);
        }
        Set<Long> finalStored = new HashSet<>(storedIds(db));
        assertEquals(0, acked.stream().filter(id -> !finalStored.contains(id)).count(), "acked messages missing at the end");
        System.out.printf("crash safety: %d rounds, %d senders, sent %d, acked %d, lost 0, refused %d, unanswered at kill %d%n",
                ROUNDS, SENDERS, sentTotal, acked.size(), refused, unanswered);
    }

    /** One round of senders and a live reader, ended by SIGKILL at a random moment. */
    private final class Load {
        final Set<Long> acked;
        final AtomicLong sent = new AtomicLong();
        final AtomicLong acks = new AtomicLong();
        final AtomicLong refused = new AtomicLong();
        long lastSeenLive;

        Load(Set<Long> acked) {
            this.acked = acked;
        }

        /** @return ms from the first send to the kill */
        long run() throws Exception {
            List<SocketClient> clients = new ArrayList<>();
            ScheduledExecutorService ticks = Executors.newScheduledThreadPool(2);
            try (SocketClient reader = SocketClient.connect(url(), SocketClient.options())) {
                reader.join(ROOM, "reader");
                for (int i = 0; i < SENDERS; i++) {
                    SocketClient c = SocketClient.connect(url(), SocketClient.options());
                    clients.add(c);
                    c.join(ROOM, "sender" + i);
                }
                long start = System.nanoTime();
                for (SocketClient c : clients) {
                    Semaphore inFlight = new Semaphore(IN_FLIGHT_MAX);
                    ticks.scheduleAtFixedRate(() -> send(c, inFlight), ThreadLocalRandom.current().nextInt(SEND_EVERY_MS),
                            SEND_EVERY_MS, TimeUnit.MILLISECONDS);
                }
                long killAtMs = 1_500 + ThreadLocalRandom.current().nextInt(1_500);
                CompletableFuture<Void> killed = new CompletableFuture<>();
                ticks.schedule(() -> {
                    process.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no final commit
                    killed.complete(null);
                }, killAtMs, TimeUnit.MILLISECONDS);
                killed.get(killAtMs + 10_000, TimeUnit.MILLISECONDS);
                long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(process.waitFor(10, TimeUnit.SECONDS), "the killed server exits");
                ticks.shutdownNow();
                assertTrue(ticks.awaitTermination(10, TimeUnit.SECONDS));
                // a client handles frames in order: once it saw the disconnect, every ack the server sent is counted
                for (SocketClient c : clients) {
                    c.await("disconnect");
                }
                reader.await("disconnect");
                for (Object m : reader.drain("message")) {
                    lastSeenLive = Math.max(lastSeenLive, ((JSONObject) m).getLong("id"));
                }
                return elapsed;
            } finally {
                ticks.shutdownNow();
                clients.forEach(SocketClient::close);
            }
        }

        private void send(SocketClient c, Semaphore inFlight) {
            if (!inFlight.tryAcquire()) {
                return;
            }
            sent.incrementAndGet();
            JSONObject payload = new JSONObject().put("room", ROOM).put("message", "m" + sent.get());
            c.socket().emit("message", new Object[] {payload}, (Ack) args -> {
                inFlight.release();
                JSONObject ack = args.length > 0 && args[0] instanceof JSONObject j ? j : null;
                if (ack != null && ack.optBoolean("ok")) {
                    acks.incrementAndGet();
                    acked.add(ack.getJSONObject("data").getLong("id"));
                } else {
                    refused.incrementAndGet();
                }
            });
        }
    }

    /**
     * A new client joins with {@code last_id} (the reader's last live id, or closer to the end when more than
     * {@link RoomRegistry#REPLAY_MAX} followed) and must get exactly the stored ids after it, in order.
     */
    private void checkReplay(Path db, long lastSeenLive) throws SQLException {
        List<Long> all = storedIds(db);
        long lastId = lastSeenLive;
        List<Long> after = all.stream().filter(id -> id > lastSeenLive).toList();
        if (after.size() > RoomRegistry.REPLAY_MAX / 2) {
            lastId = after.get(after.size() - RoomRegistry.REPLAY_MAX / 2 - 1);
        }
        long from = lastId;
        List<Long> expected = all.stream().filter(id -> id > from).toList();
        try (SocketClient back = SocketClient.connect(url(), SocketClient.options())) {
            JSONObject data = back.ok("join_room", new JSONObject().put("room", ROOM).put("last_id", lastId));
            assertTrue(data.getBoolean("replay"), "a replay, not a fresh history");
            var messages = data.getJSONArray("messages");
            List<Long> replayed = SocketClient.ids(messages);
            assertEquals(expected, replayed, "replay after last_id " + lastId + ": every stored message once, in order");
        }
    }

    /** Starts {@code dev.chatserver.Main} in a new JVM on {@link #port} and waits (up to 60 s) for "listening". */
    private void startServer() throws Exception {
        process = ServerProcess.start(dir, "server", port, List.of("-Xmx512m"), Map.of(
                "CHAT_DB", dir.resolve("crash.sqlite3").toString(),
                "CHAT_UPLOADS", dir.resolve("uploads").toString(),
                "CHAT_MESSAGES_PER_MINUTE", "1000000",
                "CHAT_CONNECTIONS_PER_IP", "10000")).process();
    }

    private String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Message ids in the database, ascending (read with plain JDBC while the server is down). */
    private static List<Long> storedIds(Path db) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id FROM messages ORDER BY id")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    private static String integrityCheck(Path db) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("PRAGMA integrity_check")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
