package dev.chatserver.cluster;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.redisson.Redisson;
import org.redisson.api.RBucket;
import org.redisson.api.RTopic;
import org.redisson.api.RedissonClient;
import org.redisson.api.options.KeysScanOptions;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ClusterBus} over Redis with Redisson (issue #11): one pub/sub channel {@value #CHANNEL} carries every event as
 * JSON {@code {type, node, body}}; each node's live sessions are a key {@code chat:live:<node>} that expires
 * {@value #LIVE_TTL_MS} ms after the node stopped refreshing it (refreshed every {@value #BEAT_MS} ms), which is also
 * how nodes notice each other come and go.
 *
 * <p>Readiness: every beat writes the live key and publishes a probe to the channel; the bus is ready when the write
 * succeeded and this node received its own probe within the last {@value #PROBE_MAX_AGE_MS} ms and since the last
 * failed beat (so the subscription works, not only the connection: after Redis restarts, Redisson reconnects the
 * command connection before it resubscribes, and a node that declared itself ready in between caught up from the
 * database and then missed live events). Events are published unless the last beat could not reach Redis (a late probe on a
 * busy node only changes what {@code /readyz} says). The change to not ready and back is logged once each, as one line; Redisson
 * reconnects and resubscribes by itself, and the {@link #onRecovered} actions run when the bus is ready again.
 * If Redis is unreachable at start, the node starts alone and keeps trying every beat.
 */
public final class RedisCluster implements ClusterBus {
    private static final Logger log = LoggerFactory.getLogger(RedisCluster.class);
    /** The pub/sub channel of all events. */
    public static final String CHANNEL = "chat:events";
    /** Prefix of the live session keys. */
    public static final String LIVE_PREFIX = "chat:live:";
    static final long BEAT_MS = 1000;
    static final long LIVE_TTL_MS = 5000;
    static final long PROBE_MAX_AGE_MS = 4000;
    /** Longest wait for one Redis call made by the beat or a blocking read, ms. */
    static final long CALL_TIMEOUT_MS = 2000;

    private final String url;
    private final String nodeId;
    private final ObjectMapper mapper = new ObjectMapper()
            .configure(DeserializationFeature.USE_LONG_FOR_INTS, true)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false);
    private final ExecutorService inbound;
    private final ScheduledExecutorService beat;
    private final List<Runnable> recovered = new CopyOnWriteArrayList<>();
    private final List<BiConsumer<List<String>, List<Map<String, Object>>>> nodesChanged = new CopyOnWriteArrayList<>();
    private volatile BiConsumer<String, Map<String, Object>> handler = (t, b) -> { };
    private volatile Supplier<List<Map<String, Object>>> live = List::of;
    private volatile RedissonClient redisson;
    private volatile RTopic topic;
    private volatile String notReady = "connecting to Redis";
    private final AtomicLong probeSent = new AtomicLong();
    private volatile long probeSeenAt;
    private Set<String> knownNodes = new HashSet<>();
    private volatile boolean closed;
    /** A not-ready line was logged since the last ready one. */
    private volatile boolean warned;
    private volatile boolean everReady;
    /** The last beat could not write to Redis: publishing is pointless until one can. */
    private volatile boolean unreachable = true;
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong received = new AtomicLong();

    /**
     * Starts connecting in the background (the constructor does not wait for Redis).
     *
     * @param url    {@code redis://host:port}
     * @param nodeId this node's id
     */
    public RedisCluster(String url, String nodeId) {
        this.url = url;
        this.nodeId = nodeId;
        this.inbound = Executors.newSingleThreadExecutor(daemon("cluster-in"));
        this.beat = Executors.newSingleThreadScheduledExecutor(daemon("cluster-beat"));
        beat.scheduleWithFixedDelay(this::tick, 0, BEAT_MS, TimeUnit.MILLISECONDS);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public void publish(String type, Map<String, Object> body) {
        RTopic t = topic;
        if (t == null || unreachable || closed) {
            return; // dropped: messages are caught up from the database on recovery
        }
        try {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("type", type);
            e.put("node", nodeId);
            e.put("body", body);
            t.publishAsync(mapper.writeValueAsString(e));
            published.incrementAndGet();
        } catch (com.fasterxml.jackson.core.JsonProcessingException | RuntimeException e) {
            log.debug("cannot publish {}: {}", type, e.toString());
        }
    }

    @Override
    public void onEvent(BiConsumer<String, Map<String, Object>> h) {
        this.handler = h;
    }

    @Override
    public String notReadyReason() {
        return notReady;
    }

    /** Events published and received since start (metrics, benchmark). */
    public long[] counters() {
        return new long[] {published.get(), received.get()};
    }

    @Override
    public List<Map<String, Object>> othersLive() {
        RedissonClient r = redisson;
        if (r == null) {
            return List.of();
        }
        try {
            List<Map<String, Object>> out = new ArrayList<>();
            Iterable<String> keys = r.getKeys().getKeys(KeysScanOptions.defaults().pattern(LIVE_PREFIX + "*").chunkSize(100));
            for (String k : keys) {
                if (k.equals(LIVE_PREFIX + nodeId)) {
                    continue;
                }
                RBucket<String> b = r.getBucket(k, StringCodec.INSTANCE);
                String json = b.getAsync().get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                if (json != null) {
                    out.add(mapper.readValue(json, new TypeReference<Map<String, Object>>() { }));
                }
            }
            return out;
        } catch (Exception e) {
            log.debug("cannot read the other nodes' sessions: {}", e.toString());
            return List.of();
        }
    }

    @Override
    public void liveSnapshot(Supplier<List<Map<String, Object>>> sessions) {
        this.live = sessions;
    }

    @Override
    public void onRecovered(Runnable action) {
        recovered.add(action);
    }

    @Override
    public void onNodesChanged(BiConsumer<List<String>, List<Map<String, Object>>> action) {
        nodesChanged.add(action);
    }

    /** The beat: connect if needed, write the live key, probe the channel, judge readiness, notice other nodes. */
    private void tick() {
        if (closed) {
            return;
        }
        try {
            if (redisson == null && !connect()) {
                return;
            }
            String problem = null;
            try {
                Map<String, Object> snap = new LinkedHashMap<>();
                snap.put("node", nodeId);
                snap.put("at", System.currentTimeMillis());
                snap.put("sessions", live.get());
                redisson.<String>getBucket(LIVE_PREFIX + nodeId, StringCodec.INSTANCE)
                        .setAsync(mapper.writeValueAsString(snap), Duration.ofMillis(LIVE_TTL_MS))
                        .get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                topic.publishAsync(mapper.writeValueAsString(Map.of("type", "probe", "node", nodeId,
                        "body", Map.of("n", probeSent.incrementAndGet()))));
                unreachable = false;
            } catch (Exception e) {
                unreachable = true;
                // a probe seen before the outage says nothing about the subscription Redisson re-creates after it:
                // readiness (and with it the catch-up) must wait for a probe that came through the new one
                probeSeenAt = 0;
                problem = "Redis unreachable at " + url + " (" + rootMessage(e) + ")";
            }
            if (problem == null && System.currentTimeMillis() - probeSeenAt > PROBE_MAX_AGE_MS) {
                problem = "not receiving the Redis channel " + CHANNEL + " yet";
            }
            setReady(problem);
            if (problem == null) {
                watchNodes();
            }
        } catch (RuntimeException e) {
            log.warn("cluster beat failed: {}", e.toString());
        }
    }

    private boolean connect() {
        try {
            Config c = new Config();
            c.setCodec(StringCodec.INSTANCE);
            c.setNettyThreads(4);
            c.setThreads(2);
            c.useSingleServer().setAddress(url)
                    .setConnectTimeout((int) CALL_TIMEOUT_MS)
                    .setTimeout((int) CALL_TIMEOUT_MS)
                    .setRetryAttempts(1)
                    .setPingConnectionInterval((int) BEAT_MS)
                    .setConnectionMinimumIdleSize(2)
                    .setConnectionPoolSize(8)
                    .setSubscriptionConnectionMinimumIdleSize(1)
                    .setClientName("chat-server:" + nodeId);
            RedissonClient r = Redisson.create(c);
            RTopic t = r.getTopic(CHANNEL, StringCodec.INSTANCE);
            t.addListener(String.class, (channel, msg) -> inbound.execute(() -> receive(msg)));
            this.topic = t;
            this.redisson = r;
            return true;
        } catch (RuntimeException e) {
            setReady("Redis unreachable at " + url + " (" + rootMessage(e) + ")");
            return false;
        }
    }

    /**
     * Records readiness; logs one line when the node stops sharing (or cannot start sharing) and one when it shares
     * (again), never one per message or per beat.
     */
    private void setReady(String problem) {
        String before = notReady;
        notReady = problem;
        if (problem != null && !warned && (before == null || everReady || problem.startsWith("Redis unreachable"))) {
            warned = true;
            log.warn("cluster: {}; node {} serves its own sockets only until Redis answers again", problem, nodeId);
        } else if (problem == null && before != null) {
            warned = false;
            log.info(everReady ? "cluster: Redis at {} reachable again, node {} shares rooms again"
                    : "cluster: Redis at {} reachable, node {} shares rooms", url, nodeId);
            everReady = true;
            inbound.execute(() -> recovered.forEach(this::runSafely));
        }
    }

    private void runSafely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            log.warn("cluster recovery step failed: {}", e.toString());
        }
    }

    private void watchNodes() {
        List<Map<String, Object>> others = othersLive();
        Set<String> now = new HashSet<>();
        List<Map<String, Object>> appeared = new ArrayList<>();
        for (Map<String, Object> s : others) {
            String n = String.valueOf(s.get("node"));
            now.add(n);
            if (!knownNodes.contains(n)) {
                appeared.add(s);
            }
        }
        List<String> gone = knownNodes.stream().filter(n -> !now.contains(n)).toList();
        knownNodes = now;
        if (!gone.isEmpty() || !appeared.isEmpty()) {
            if (!gone.isEmpty()) {
                log.info("cluster: node(s) {} stopped", gone);
            }
            inbound.execute(() -> nodesChanged.forEach(a -> runSafely(() -> a.accept(gone, appeared))));
        }
    }

    @SuppressWarnings("unchecked")
    private void receive(String json) {
        try {
            Map<String, Object> e = mapper.readValue(json, new TypeReference<Map<String, Object>>() { });
            String node = String.valueOf(e.get("node"));
            String type = String.valueOf(e.get("type"));
            if (node.equals(nodeId)) {
                if (type.equals("probe")) {
                    probeSeenAt = System.currentTimeMillis();
                }
                return;
            }
            if (type.equals("probe")) {
                return;
            }
            received.incrementAndGet();
            Map<String, Object> body = e.get("body") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
            Map<String, Object> withNode = new LinkedHashMap<>(body);
            withNode.put("node", node);
            handler.accept(type, withNode);
        } catch (Exception ex) {
            log.warn("cluster event not handled: {}", ex.toString());
        }
    }

    /** The mapper used for events (tests decode with it). */
    public ObjectMapper mapper() {
        return mapper;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m.lines().findFirst().orElse(""));
    }

    /** Stops the beat, deletes this node's live key (others see it leave at once) and closes the connections. */
    @Override
    public void close() {
        closed = true;
        beat.shutdownNow();
        RedissonClient r = redisson;
        if (r != null) {
            try {
                r.getBucket(LIVE_PREFIX + nodeId, StringCodec.INSTANCE).deleteAsync().get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                log.debug("cannot delete the live key: {}", e.toString());
            }
            r.shutdown(0, 2, TimeUnit.SECONDS);
        }
        inbound.shutdown();
    }

    /** The Redisson client once connected, else null (the rate limiter uses it). */
    RedissonClient client() {
        return redisson;
    }
}
