package dev.chatserver.ops;

import dev.chatserver.realtime.GatewayObserver;
import dev.chatserver.realtime.RoomRegistry;
import dev.chatserver.realtime.SocketGateway;
import dev.chatserver.store.MessageWriter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The server's metrics in one Micrometer registry, scraped as Prometheus text at {@code GET /metrics}.
 * Every metric is listed in README.md (Operations, Metrics). Timers are in seconds in the scrape.
 */
public final class Metrics implements GatewayObserver, AutoCloseable {
    /** Content type of {@link #scrape()} (Prometheus text exposition format 0.0.4). */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final Timer commitLatency;
    private final Map<String, Timer> ackLatency = new ConcurrentHashMap<>();
    private final Map<String, Counter> rejected = new ConcurrentHashMap<>();

    /**
     * Registers the JVM binders and the chat meters, and hooks the writer's commits and the gateway's answers.
     *
     * @param gateway sockets (connected count; answers and refusals)
     * @param rooms   rooms with live members
     * @param writer  the group-commit writer (messages, commits, transaction time)
     */
    public Metrics(SocketGateway gateway, RoomRegistry rooms, MessageWriter writer) {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        Gauge.builder("chat.sockets.connected", gateway, SocketGateway::connectedSockets)
                .description("Socket.IO connections open now").register(registry);
        Gauge.builder("chat.rooms.active", rooms, RoomRegistry::activeRooms)
                .description("rooms with at least one connected member").register(registry);
        FunctionCounter.builder("chat.messages.committed", writer, MessageWriter::committedMessages)
                .description("chat messages committed to the database").register(registry);
        FunctionCounter.builder("chat.commits", writer, MessageWriter::commits)
                .description("message transactions committed (messages per commit = messages_committed / commits)")
                .register(registry);
        commitLatency = Timer.builder("chat.commit.duration")
                .description("time of one message transaction (group commit), including fsync")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(100_000))
                .maximumExpectedValue(Duration.ofSeconds(5)).register(registry);
        writer.onCommit(nanos -> commitLatency.record(nanos, TimeUnit.NANOSECONDS));
        gateway.observer(this);
    }

    @Override
    public void answered(String event, boolean ok, long nanos) {
        ackLatency.computeIfAbsent(event + (ok ? "|ok" : "|error"), k -> Timer.builder("chat.ack.duration")
                .description("from an event's arrival to its ack (messages: includes the commit)")
                .tag("event", event).tag("outcome", ok ? "ok" : "error")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(100_000))
                .maximumExpectedValue(Duration.ofSeconds(10)).register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void rejected(String code) {
        rejected.computeIfAbsent(code, c -> Counter.builder("chat.rejected")
                .description("inputs refused, by error code").tag("code", c).register(registry)).increment();
    }

    /** The registry (tests, further binders). */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Every metric in Prometheus text format. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
