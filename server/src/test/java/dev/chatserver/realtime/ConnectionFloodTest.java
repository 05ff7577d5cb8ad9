package dev.chatserver.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatserver.config.ConnectionSettings;
import dev.chatserver.config.ServerConfig;
import dev.chatserver.support.SocketClient;
import dev.chatserver.support.TestServer;
import io.socket.client.IO;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.SocketFactory;
import okhttp3.OkHttpClient;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-IP TCP connection cap holds under a flood of 5,000 connection attempts from 127.0.0.1 (each attempt
 * sends half a request and holds its connection open), while users connected from 127.0.0.2 keep chatting with
 * acks. Prints how long the flood took and the users' ack count and latency; only generous timeouts are asserted.
 */
class ConnectionFloodTest {
    static final int CAP = 64;
    static final int ATTEMPTS = 5_000;

    @Test
    void theCapHoldsUnderAFloodWhileOthersKeepChatting(@TempDir Path dir) throws Exception {
        try (TestServer server = TestServer.start(ServerConfig.forTests(dir).toBuilder()
                .connections(new ConnectionSettings(30_000, 30_000, CAP)).build())) {
            List<SocketClient> users = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                users.add(SocketClient.connect(server.url(), from("127.0.0.2")));
                users.get(i).join("FLOOD", "user" + i);
            }
            AtomicBoolean flooding = new AtomicBoolean(true);
            AtomicInteger acks = new AtomicInteger();
            AtomicLong maxAckMs = new AtomicLong();
            ExecutorService chat = Executors.newFixedThreadPool(users.size());
            List<Future<?>> chatters = new ArrayList<>();
            CountDownLatch chatting = new CountDownLatch(users.size());
            for (SocketClient u : users) {
                chatters.add(chat.submit(() -> {
                    chatting.countDown();
                    int n = 0;
                    while (flooding.get() || n < 5) {
                        long t0 = System.nanoTime();
                        JSONObject stored = u.send("FLOOD", "during the flood " + n++); // fails the test after 10 s
                        maxAckMs.accumulateAndGet((System.nanoTime() - t0) / 1_000_000, Math::max);
                        acks.incrementAndGet();
                        assertTrue(stored.getLong("id") > 0);
                    }
                    return null;
                }));
            }
            chatting.await(10, TimeUnit.SECONDS);

            ConcurrentLinkedQueue<Socket> held = new ConcurrentLinkedQueue<>();
            AtomicInteger refusedAtConnect = new AtomicInteger();
            ExecutorService flood = Executors.newFixedThreadPool(32);
            long t0 = System.nanoTime();
            List<Future<?>> attempts = new ArrayList<>();
            for (int i = 0; i < ATTEMPTS; i++) {
                attempts.add(flood.submit(() -> {
                    Socket s = new Socket();
                    try {
                        s.connect(new InetSocketAddress("127.0.0.1", server.port()), 10_000);
                        s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                        held.add(s);
                    } catch (IOException e) {
                        refusedAtConnect.incrementAndGet(); // reset by the server: also a refusal
                        s.close();
                    }
                    return null;
                }));
            }
            for (Future<?> f : attempts) {
                f.get(120, TimeUnit.SECONDS);
            }
            long floodMs = (System.nanoTime() - t0) / 1_000_000;
            // which held connections did the server keep? a closed one reads EOF (or a reset) at once
            int open = 0;
            for (Socket s : held) {
                s.setSoTimeout(50);
                try {
                    if (s.getInputStream().read() >= 0) {
                        open++; // an answer would mean the request was served: counts as open
                    }
                } catch (SocketTimeoutException e) {
                    open++;
                } catch (IOException e) {
                    // reset: closed
                }
            }
            flooding.set(false);
            for (Future<?> f : chatters) {
                f.get(60, TimeUnit.SECONDS);
            }
            chat.shutdown();
            flood.shutdown();
            for (Socket s : held) {
                s.close();
            }
            double refusedMetric = rejected(server, "too_many_connections");
            int closedByServer = held.size() - open;
            System.out.printf("flood: %d connection attempts from 127.0.0.1 in %d ms; %d kept open by the server (cap %d), "
                            + "%d closed after accept, %d refused at connect; too_many_connections=%.0f; users on 127.0.0.2: "
                            + "%d acked messages during the flood, max ack latency %d ms%n", ATTEMPTS, floodMs, open, CAP,
                    closedByServer, refusedAtConnect.get(), refusedMetric, acks.get(), maxAckMs.get());
            assertTrue(open <= CAP, open + " connections open from one IP, cap " + CAP);
            // the connections under the cap may have been closed too: netty-socketio's firstDataTimeout (5 s) closes a
            // connection whose request never completed
            assertTrue(refusedMetric >= closedByServer - CAP, "refusals counted: " + refusedMetric + " of " + closedByServer);
            assertTrue(acks.get() >= users.size() * 5, "acks kept arriving: " + acks.get());
            // and the flooding IP may connect again once its connections are gone
            try (SocketClient after = SocketClient.connect(server.url(), SocketClient.options())) {
                assertEquals("FLOOD", after.join("FLOOD", "after").getString("room"));
            }
            for (SocketClient u : users) {
                u.close();
            }
        }
    }

    private static double rejected(TestServer server, String code) throws Exception {
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.url() + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        for (String line : metrics.split("\n")) {
            if (line.startsWith("chat_rejected_total{") && line.contains("code=\"" + code + "\"")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    /** io.socket options whose HTTP and websocket connections leave from {@code localIp} (any 127/8 address works on Linux). */
    static IO.Options from(String localIp) throws IOException {
        InetAddress local = InetAddress.getByName(localIp);
        OkHttpClient http = new OkHttpClient.Builder().socketFactory(new SocketFactory() {
            @Override
            public Socket createSocket() throws IOException {
                Socket s = new Socket();
                s.bind(new InetSocketAddress(local, 0));
                return s;
            }

            @Override
            public Socket createSocket(String host, int port) throws IOException {
                throw new UnsupportedOperationException();
            }

            @Override
            public Socket createSocket(String host, int port, InetAddress localHost, int localPort) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Socket createSocket(InetAddress host, int port) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) {
                throw new UnsupportedOperationException();
            }
        }).readTimeout(1, TimeUnit.MINUTES).build();
        IO.Options o = SocketClient.options();
        o.callFactory = http;
        o.webSocketFactory = http;
        return o;
    }
}
