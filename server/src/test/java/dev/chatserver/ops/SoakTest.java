package dev.chatserver.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatserver.Main;
import dev.chatserver.support.RepoDocs;
import dev.chatserver.support.ServerProcess;
import dev.chatserver.support.SocketClient;
import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Soak (issue #9): the server runs as its own JVM (so its RSS is its own) with the JVM options of docs/deploy.md's
 * systemd unit (a fixed, pre-touched heap) and the jar's defaults (SQLite FULL);
 * websocket clients in rooms of 10 send acked messages at a fixed total rate. Sampled every few seconds: the
 * server's RSS ({@code /proc/<pid>/status} VmRSS), its committed heap and other memory (native memory tracking) and
 * the WAL file size; every tenth of the run a full GC is forced (jcmd GC.run) and the heap after it read from the
 * server's GC log: the live set, where a leak that the fixed heap hides from RSS would show. Counted: acks, refusals by code (any
 * {@code server_busy}, {@code internal_error} or message mentioning SQLITE_BUSY is a database error reaching a
 * client), and loss: after the load, every acked message id must have reached every member of its room.
 * CI runs {@link #twoMinutes} (500 connections, 500 msg/s); {@link #thirtyMinutes} (tag {@code soak}, 2,000
 * connections) is run by the README command {@code mvn -DskipNpm=true test -Dtest=SoakTest -Dsurefire.excludedGroups=none}.
 */
class SoakTest {
    @TempDir
    Path dir;
    Process process;
    /** The server JVM's options from docs/deploy.md (set by {@link #start}). */
    List<String> deployedOptions;

    @AfterEach
    void stop() {
        if (process != null) {
            process.destroy();
            try {
                process.waitFor(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process.destroyForcibly();
        }
    }

    @Test
    void twoMinutes() throws Exception {
        soak(Long.getLong("soak.seconds", 120), Integer.getInteger("soak.connections", 500), Integer.getInteger("soak.rate", 500), false);
    }

    @Test
    @Tag("soak")
    void thirtyMinutes() throws Exception {
        soak(30 * 60, 2_000, 500, true);
    }

    private void soak(long seconds, int connections, int ratePerSecond, boolean strictRss) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        start(port);
        String url = "http://127.0.0.1:" + port;
        Path wal = dir.resolve("soak.sqlite3-wal");
        int perRoom = 10;
        int rooms = Math.max(1, connections / perRoom);
        List<Socket> sockets = new ArrayList<>();
        Map<Socket, BitSet> received = new ConcurrentHashMap<>();
        Map<Socket, Integer> roomOf = new ConcurrentHashMap<>();
        ExecutorService connectPool = Executors.newFixedThreadPool(16);
        List<Future<Socket>> connecting = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            int room = i % rooms;
            int n = i;
            connecting.add(connectPool.submit(() -> connectAndJoin(url, "SOAK" + room, "u" + n, received)));
        }
        for (int i = 0; i < connections; i++) {
            Socket s;
            try {
                s = connecting.get(i).get(2, TimeUnit.MINUTES);
            } catch (java.util.concurrent.ExecutionException e) {
                Path log = dir.resolve("server.log");
                throw new AssertionError("client " + i + " could not connect; server log:\n"
                        + (Files.exists(log) ? Files.readString(log) : "(none)"), e);
            }
            sockets.add(s);
            roomOf.put(s, i % rooms);
        }
        connectPool.shutdown();

        // senders: one per room (the room's first member), round robin at the fixed total rate
        List<Socket> senders = new ArrayList<>();
        for (int r = 0; r < rooms; r++) {
            senders.add(sockets.get(r));
        }
        Map<Integer, List<Long>> ackedByRoom = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> refusals = new ConcurrentHashMap<>();
        AtomicLong sent = new AtomicLong();
        AtomicLong acked = new AtomicLong();
        AtomicLong ackNanosMax = new AtomicLong();
        AtomicLong dbErrors = new AtomicLong();
        List<long[]> samples = new ArrayList<>(); // {t s, rss KB, wal bytes, heap committed KB, other committed KB}
        long pid = process.pid();
        ScheduledExecutorService ticker = Executors.newScheduledThreadPool(3);
        long t0 = System.nanoTime();
        long tickMs = 20;
        double perTick = ratePerSecond * tickMs / 1000.0;
        double[] debt = {0};
        int[] next = {0};
        ticker.scheduleAtFixedRate(() -> {
            debt[0] += perTick;
            while (debt[0] >= 1) {
                debt[0] -= 1;
                int r = next[0]++ % senders.size();
                Socket s = senders.get(r);
                long started = System.nanoTime();
                sent.incrementAndGet();
                s.emit("message", new Object[] {new JSONObject().put("room", "SOAK" + r).put("message", "m" + sent.get())}, (Ack) args -> {
                    JSONObject a = (JSONObject) args[0];
                    if (a.getBoolean("ok")) {
                        ackedByRoom.computeIfAbsent(r, k -> java.util.Collections.synchronizedList(new ArrayList<>()))
                                .add(a.getJSONObject("data").getLong("id"));
                        acked.incrementAndGet();
                        ackNanosMax.accumulateAndGet(System.nanoTime() - started, Math::max);
                    } else {
                        JSONObject e = a.getJSONObject("error");
                        String code = e.getString("code");
                        refusals.computeIfAbsent(code, k -> new AtomicInteger()).incrementAndGet();
                        if (code.equals("server_busy") || code.equals("internal_error") || e.optString("message").contains("SQLITE_BUSY")) {
                            dbErrors.incrementAndGet();
                        }
                    }
                });
            }
        }, 0, tickMs, TimeUnit.MILLISECONDS);
        long sampleEvery = Math.max(5, seconds / 60);
        ticker.scheduleAtFixedRate(() -> {
            synchronized (samples) {
                long[] nmt = nativeMemoryKb(pid);
                samples.add(new long[] {(System.nanoTime() - t0) / 1_000_000_000L, rssKb(pid), size(wal), nmt[0], nmt[1]});
            }
        }, 0, sampleEvery, TimeUnit.SECONDS);
        long gcEvery = Math.max(30, seconds / 10);
        ticker.scheduleAtFixedRate(() -> forceGc(pid), gcEvery, gcEvery, TimeUnit.SECONDS);
        // the load runs for its time; this thread only waits for the end (a fixed duration is the test's subject)
        ticker.awaitTermination(seconds, TimeUnit.SECONDS);
        ticker.shutdownNow();
        long loadMs = (System.nanoTime() - t0) / 1_000_000;

        // drain: every ack back, then every acked id at every member (each wait bounded)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (acked.get() + refusals.values().stream().mapToInt(AtomicInteger::get).sum() < sent.get() && System.nanoTime() < deadline) {
            Thread.sleep(100); // counting callbacks of another library's threads: poll with a bound
        }
        long missing = missing(sockets, roomOf, ackedByRoom, received);
        while (missing > 0 && System.nanoTime() < deadline) {
            Thread.sleep(200);
            missing = missing(sockets, roomOf, ackedByRoom, received);
        }
        for (Socket s : sockets) {
            s.close();
        }

        long rssWarm = 0;
        long rssMin = Long.MAX_VALUE;
        long rssMax = 0;
        long walMax = 0;
        StringBuilder curve = new StringBuilder();
        synchronized (samples) {
            for (long[] s : samples) {
                walMax = Math.max(walMax, s[2]);
                if (s[0] >= seconds / 4) { // after warm-up
                    if (rssWarm == 0) {
                        rssWarm = s[1];
                    }
                    rssMin = Math.min(rssMin, s[1]);
                    rssMax = Math.max(rssMax, s[1]);
                }
                curve.append(String.format(" %ds:%dMB/%dMB+%dMB/%dKB", s[0], s[1] >> 10, s[3] >> 10, s[4] >> 10, s[2] >> 10));
            }
        }
        System.out.printf("soak %d s, %d connections in %d rooms, %d msg/s target: sent %d, acked %d (%.0f msg/s), refusals %s, "
                        + "database errors reaching clients %d, max ack %d ms, lost %d; RSS after warm-up %d..%d MB (first %d MB), "
                        + "WAL max %d KB%n  samples (t: RSS / committed heap + committed rest (native memory tracking) / WAL):%s%n", loadMs / 1000, connections, rooms, ratePerSecond, sent.get(),
                acked.get(), acked.get() * 1000.0 / loadMs, refusals, dbErrors.get(), ackNanosMax.get() / 1_000_000, missing,
                rssMin >> 10, rssMax >> 10, rssWarm >> 10, walMax >> 10, curve);
        Path gcLog = dir.resolve("gc.log");
        if (Files.exists(gcLog)) { // kept for reading the heap after each collection: target/soak-gc.log
            Files.copy(gcLog, Path.of("target", "soak-gc.log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            StringBuilder live = new StringBuilder();
            for (long[] w : liveHeap(gcLog)) {
                live.append(String.format(" %ds:%dMB", w[0], w[1]));
            }
            System.out.printf("  server JVM %s; live heap after a forced full GC (at JVM uptime):%s%n", deployedOptions, live);
        }
        assertEquals(0, missing, "acked messages not received by every member of their room");
        assertEquals(0, dbErrors.get(), "database errors reached clients");
        assertEquals(sent.get(), acked.get(), "every message acked ok: refusals " + refusals);
        assertTrue(walMax < 256L << 20, "WAL bounded (checkpoints work): max " + (walMax >> 10) + " KB");
        if (strictRss) {
            assertTrue(rssMax <= rssWarm * 1.1 && rssMin >= rssWarm * 0.9, "RSS within +/-10% after warm-up");
        }
    }

    /** Acked (room, id) pairs some member of the room has not received. */
    private static long missing(List<Socket> sockets, Map<Socket, Integer> roomOf, Map<Integer, List<Long>> ackedByRoom,
                                Map<Socket, BitSet> received) {
        long missing = 0;
        for (Socket s : sockets) {
            List<Long> ids = ackedByRoom.getOrDefault(roomOf.get(s), List.of());
            BitSet got = received.get(s);
            synchronized (ids) {
                synchronized (got) {
                    for (long id : ids) {
                        if (!got.get((int) id)) {
                            missing++;
                        }
                    }
                }
            }
        }
        return missing;
    }

    /**
     * One OkHttp client for every socket: io.socket's default one keeps OkHttp's dispatcher limit of 64 calls, and a
     * websocket holds its call, so the 65th socket never connected.
     */
    private static final okhttp3.OkHttpClient HTTP;

    static {
        okhttp3.Dispatcher d = new okhttp3.Dispatcher();
        d.setMaxRequests(100_000);
        d.setMaxRequestsPerHost(100_000);
        HTTP = new okhttp3.OkHttpClient.Builder().dispatcher(d).readTimeout(1, TimeUnit.MINUTES).build();
    }

    private static Socket connectAndJoin(String url, String room, String name, Map<Socket, BitSet> received) throws Exception {
        IO.Options o = SocketClient.options();
        o.callFactory = HTTP;
        o.webSocketFactory = HTTP;
        Socket s = IO.socket(URI.create(url), o);
        BitSet got = new BitSet();
        received.put(s, got);
        s.on("message", args -> {
            if (args.length > 0 && args[0] instanceof JSONObject m && m.has("id")) {
                synchronized (got) {
                    got.set((int) m.getLong("id"));
                }
            }
        });
        CompletableFuture<Object> connected = new CompletableFuture<>();
        s.once(Socket.EVENT_CONNECT, a -> connected.complete("ok"));
        s.once(Socket.EVENT_CONNECT_ERROR, a -> connected.completeExceptionally(new AssertionError("connect error " + a[0])));
        s.connect();
        connected.get(60, TimeUnit.SECONDS);
        CompletableFuture<JSONObject> joined = new CompletableFuture<>();
        s.emit("join_room", new Object[] {new JSONObject().put("room", room).put("username", name)},
                (Ack) args -> joined.complete((JSONObject) args[0]));
        JSONObject ack = joined.get(60, TimeUnit.SECONDS);
        if (!ack.getBoolean("ok")) {
            throw new AssertionError("join refused: " + ack);
        }
        return s;
    }

    private static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /**
     * The server's committed memory by the JVM's native memory tracking: {heap KB, everything else KB} ({-1, -1}
     * when jcmd fails). Tells heap growth (bounded by -Xmx) from native growth (threads, direct buffers, SQLite's
     * malloc is not tracked: it is RSS minus the total).
     */
    private static long[] nativeMemoryKb(long pid) {
        String out = jcmd(pid, "VM.native_memory", "summary");
        java.util.regex.Matcher total = java.util.regex.Pattern.compile("Total: reserved=(\\d+)KB, committed=(\\d+)KB").matcher(out);
        java.util.regex.Matcher heap = java.util.regex.Pattern.compile("Java Heap \\(reserved=(\\d+)KB, committed=(\\d+)KB").matcher(out);
        if (total.find() && heap.find()) {
            long h = Long.parseLong(heap.group(2));
            return new long[] {h, Long.parseLong(total.group(2)) - h};
        }
        return new long[] {-1, -1};
    }

    /** Runs {@code jcmd <pid> <command...>} on the server JVM. @return its output, "" when it could not run */
    private static String jcmd(long pid, String... command) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid)));
        cmd.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static long size(Path p) {
        try {
            return Files.exists(p) ? Files.size(p) : 0;
        } catch (IOException e) {
            return -1;
        }
    }

    /**
     * The JVM options of docs/deploy.md's systemd unit (between {@code java} and {@code -jar} on its ExecStart line),
     * so that the soak measures the documented deployment. @throws AssertionError when the line is not found
     */
    static List<String> deployedJvmOptions() throws IOException {
        String unit = RepoDocs.fencedBlock("docs/deploy.md", "ini", "");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^ExecStart=\\S+/java (.*?) -jar ").matcher(unit);
        if (!m.find()) {
            throw new AssertionError("docs/deploy.md's unit has no ExecStart=.../java ... -jar line");
        }
        return List.of(m.group(1).trim().split("\\s+"));
    }

    /**
     * The live heap over time from a {@code -Xlog:gc} file: {JVM uptime s, MB after the collection} of each full
     * collection that {@link #forceGc} asked for. A leak shows as these values climbing.
     */
    static List<long[]> liveHeap(Path gcLog) throws IOException {
        java.util.regex.Pattern line = java.util.regex.Pattern.compile("^\\[(\\d+)\\.\\d+s\\].* Pause Full \\((?:System.gc\\(\\)|Diagnostic Command)\\) \\d+M->(\\d+)M\\(");
        List<long[]> out = new ArrayList<>();
        for (String l : Files.readAllLines(gcLog)) {
            java.util.regex.Matcher m = line.matcher(l);
            if (m.find()) {
                out.add(new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))});
            }
        }
        return out;
    }

    /** Asks the server JVM for a full collection ({@code jcmd <pid> GC.run}), so its GC log shows the live heap. */
    private static void forceGc(long pid) {
        jcmd(pid, "GC.run"); // when it fails, the curve misses one point
    }

    /** Starts {@code dev.chatserver.Main} in a new JVM and waits for "listening"; its log is {@code server.log}. */
    private void start(int port) throws Exception {
        deployedOptions = deployedJvmOptions();
        List<String> jvm = new ArrayList<>(deployedOptions);
        jvm.add("-XX:NativeMemoryTracking=summary");
        jvm.add("-Xlog:gc:file=" + dir.resolve("gc.log"));
        process = ServerProcess.start(dir, "server", port, jvm, Map.of(
                "CHAT_DB", dir.resolve("soak.sqlite3").toString(),
                "CHAT_UPLOADS", dir.resolve("uploads").toString(),
                "CHAT_MESSAGES_PER_MINUTE", "1000000",
                "CHAT_CONNECTIONS_PER_IP", "100000",
                "CHAT_MAX_CONNECTIONS_PER_IP", "100000")).process();
    }
}
