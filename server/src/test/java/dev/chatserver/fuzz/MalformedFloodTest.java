package dev.chatserver.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatserver.config.ConnectionSettings;
import dev.chatserver.config.ServerConfig;
import dev.chatserver.support.RawHttp;
import dev.chatserver.support.SocketClient;
import dev.chatserver.support.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * At least 100,000 malformed or hostile Engine.IO/Socket.IO frames against a live server, over websocket (raw
 * TCP, hand-made RFC 6455 frames) and polling (many packets per POST): the server stays up, closes every such
 * socket, keeps no session, still serves a normal client afterwards, and its heap after GC does not grow.
 * {@code -Dflood.frames=N} changes the count.
 */
class MalformedFloodTest {
    static final int FRAMES = Integer.getInteger("flood.frames", 100_000);
    static final int PER_CONNECTION = 10; // 9 refused-but-kept (too long event names, unknown events) + 1 fatal
    static final String[] FATAL = {"4", "42", "47[]", "42{\"a\":1}", "42[\"message\"", "42[\"message\"]]x", "42[1,2]",
            "45[\"message\"]", "4/admin[\"x\"]", "9", "0{}", "43[\"x\"]", "41{\"x\":1}", "452147483647-[\"m\"]",
            "42[\"m\"," + "[".repeat(40) + "]".repeat(40) + "]", "5=5", "41/?", "2ping", "\u0000\u0001", "42[\"m\"," + "9".repeat(150) + "]"};

    @Test
    void aHundredThousandMalformedFramesLeaveTheServerServingWithAFlatHeap(@TempDir Path dir) throws Exception {
        try (TestServer server = TestServer.start(ServerConfig.forTests(dir).toBuilder()
                .connections(new ConnectionSettings(30_000, 30_000, 100_000)).pingIntervalMs(2_000).pingTimeoutMs(2_000).build())) {
            int connections = FRAMES / PER_CONNECTION;
            // warm-up: a tenth, then the baseline heap
            run(server, connections / 10, 0);
            long before = heapAfterGc();
            long t0 = System.nanoTime();
            AtomicLong sent = run(server, connections, 1);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            long after = heapAfterGc();
            String metrics = scrape(server);
            System.out.printf("malformed flood: %d frames on %d connections (half websocket, half polling) in %d ms; "
                            + "heap after GC %d MB before, %d MB after; sockets left %s%n", sent.get() + connections / 10 * PER_CONNECTION,
                    connections + connections / 10, ms, before >> 20, after >> 20, gauge(metrics, "chat_sockets_connected"));
            assertTrue(sent.get() >= (long) FRAMES * 9 / 10, "frames sent: " + sent.get());
            assertTrue(after - before < 48L << 20, "heap grew from " + (before >> 20) + " MB to " + (after >> 20) + " MB");
            try (SocketClient c = server.client()) {
                c.join("AFTER_FLOOD", "ok");
                JSONObject m = c.send("AFTER_FLOOD", "still serving");
                assertEquals("still serving", m.getString("message"));
            }
            // every hostile socket is gone at once, or (a polling session closed while no poll was waiting) at the
            // latest when Engine.IO's ping times out
            long waitStart = System.nanoTime();
            String left = gauge(scrape(server), "chat_sockets_connected");
            while (!left.equals("0.0") && System.nanoTime() - waitStart < TimeUnit.SECONDS.toNanos(30)) {
                Thread.sleep(200); // polling a gauge: there is no event to await
                left = gauge(scrape(server), "chat_sockets_connected");
            }
            System.out.printf("sessions left after the flood: %s after %d ms%n", left, (System.nanoTime() - waitStart) / 1_000_000);
            assertEquals("0.0", left, "no session left behind");
        }
    }

    /** Opens {@code connections} hostile sockets (even: websocket, odd: polling) on 8 threads. @return frames sent */
    private static AtomicLong run(TestServer server, int connections, long seed) throws Exception {
        AtomicLong frames = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> jobs = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            jobs.add(pool.submit(() -> {
                SplittableRandom r = new SplittableRandom(seed * 31 + thread);
                for (int i = thread; i < connections; i += 8) {
                    List<String> batch = batch(r);
                    String only = System.getProperty("flood.only", "");
                    if (only.equals("ws") || !only.equals("polling") && i % 2 == 0) {
                        websocket(server.port(), batch);
                    } else {
                        polling(server.port(), batch);
                    }
                    frames.addAndGet(batch.size());
                }
                return null;
            }));
        }
        for (Future<?> f : jobs) {
            f.get(10, TimeUnit.MINUTES);
        }
        pool.shutdown();
        return frames;
    }

    /** 9 refused-but-kept frames (a too long event name, an unknown event, mutated valid events) and a fatal one. */
    private static List<String> batch(SplittableRandom r) {
        List<String> b = new ArrayList<>();
        for (int k = 0; k < PER_CONNECTION - 1; k++) {
            b.add(switch (k % 3) {
                case 0 -> "42[\"" + "e".repeat(101 + r.nextInt(50)) + "\",{}]";
                case 1 -> "42[\"no_such_event_" + r.nextInt(1000) + "\",{\"x\":[1,{\"y\":null}]}]";
                default -> "42[\"message\",{\"room\":" + r.nextInt() + ",\"message\":[" + r.nextInt() + "]}]";
            });
        }
        b.add(FATAL[r.nextInt(FATAL.length)]);
        return b;
    }

    private static void websocket(int port, List<String> frames) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write(RawHttp.websocketUpgrade("").getBytes(StandardCharsets.US_ASCII));
            String head = RawHttp.readHead(in);
            if (!head.startsWith("HTTP/1.1 101")) {
                throw new AssertionError("no upgrade: " + head);
            }
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            frame(all, "40");
            for (String f : frames) {
                frame(all, f);
            }
            out.write(all.toByteArray());
            out.flush();
            drainUntilClosed(in); // the server closes after the fatal frame
        }
    }

    private static void polling(int port, List<String> frames) throws IOException {
        String open = http(port, "GET", "/socket.io/?EIO=4&transport=polling", null);
        String sid = new JSONObject(open.substring(open.indexOf("{"))).getString("sid");
        String body = "40\u001e" + String.join("\u001e", frames);
        String answer = http(port, "POST", "/socket.io/?EIO=4&transport=polling&sid=" + sid, body);
        if (!answer.startsWith("HTTP/1.1 200")) {
            throw new AssertionError("POST answered " + answer);
        }
        http(port, "GET", "/socket.io/?EIO=4&transport=polling&sid=" + sid, null); // collects the error and the disconnect
    }

    /** One HTTP/1.1 request on its own connection ({@code Connection: close}). @return the whole answer */
    private static String http(int port, String method, String path, String body) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            s.getOutputStream().write((method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + (body == null ? "" : "Content-Type: text/plain;charset=UTF-8\r\nContent-Length: " + b.length + "\r\n") + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(b);
            return new String(drainUntilClosed(s.getInputStream()), StandardCharsets.UTF_8);
        }
    }

    private static byte[] drainUntilClosed(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        try {
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
            }
        } catch (java.net.SocketException reset) {
            // a reset after the server closed: fine
        }
        return out.toByteArray();
    }

    /** A masked client text frame (RFC 6455 5.2); the mask is zero, which is allowed and leaves the bytes as they are. */
    private static void frame(ByteArrayOutputStream out, String text) {
        byte[] p = text.getBytes(StandardCharsets.UTF_8);
        out.write(0x81);
        if (p.length < 126) {
            out.write(0x80 | p.length);
        } else {
            out.write(0x80 | 126);
            out.write(p.length >> 8);
            out.write(p.length & 0xFF);
        }
        out.write(0);
        out.write(0);
        out.write(0);
        out.write(0);
        out.write(p, 0, p.length);
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static String scrape(TestServer server) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.url() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String gauge(String metrics, String name) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(name + " ")) {
                return line.substring(name.length() + 1).trim();
            }
        }
        return "?";
    }
}
