package dev.chatserver.realtime;

import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.handler.ClientHead;
import com.corundumstudio.socketio.handler.TransportState;
import com.corundumstudio.socketio.protocol.EngineIOVersion;
import com.corundumstudio.socketio.protocol.JacksonJsonSupport;
import com.corundumstudio.socketio.protocol.JsonSupport;
import com.corundumstudio.socketio.transport.NamespaceClient;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.util.RawValue;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Broadcaster} for one node: renders the event once per dialect, serialises each rendered event once,
 * and writes the same bytes to every socket.
 *
 * <p>Why (bench/README.md, "Profile of the hot path"): netty-socketio encodes a packet per recipient (the same
 * JSON serialised 100 times for a room of 100), and each {@code sendEvent} from a non-event-loop thread is one
 * task hand-off plus one wake-up plus one {@code writeAndFlush} (one {@code write(2)}) per delivery. Here, for
 * websocket sockets of Engine.IO 4 on the default namespace (every current client), the Socket.IO packet
 * {@code 42["name",payload]} is encoded once into one buffer; recipients are grouped by their channel's event
 * loop, and one task per loop writes a {@code TextWebSocketFrame} sharing that buffer
 * ({@code retainedDuplicate}) to each channel, then flushes each channel once. The bytes are exactly those
 * netty-socketio's {@code PacketEncoder} writes (its own {@link JacksonJsonSupport} serialises them), so the
 * wire format does not change (docs/protocol.md).
 *
 * <p>Order: the task of a call is queued on each event loop when {@link #send} is called, after anything
 * netty-socketio queued there for those sockets by earlier calls (its own sends from other threads are tasks
 * on the same loop), and before anything sent later; so per socket, events keep the order of the calls.
 * Other sockets (HTTP long-polling, Engine.IO 3, other namespaces, or when netty-socketio's internals are not
 * reachable) get {@code sendEvent} with the payload serialised once ({@link RawValue}), as before.
 */
public final class LocalBroadcaster implements Broadcaster {
    private static final Logger log = LoggerFactory.getLogger(LocalBroadcaster.class);
    private static final JsonSupport JSON = new JacksonJsonSupport();
    private static final byte[] EVENT_PREFIX = {'4', '2'}; // Engine.IO MESSAGE, Socket.IO EVENT, default namespace
    private static final Field CHANNELS = channelsField();

    @Override
    public void send(Collection<SessionContext> targets, Outbound event, Map<String, Object> payload) {
        if (targets.isEmpty()) {
            return;
        }
        Map<Dialect, Encoded> rendered = new EnumMap<>(Dialect.class);
        Map<EventLoop, List<Object>> byLoop = new IdentityHashMap<>(4); // channel, Encoded, channel, Encoded...
        try {
            for (SessionContext target : targets) {
                Encoded enc = rendered.computeIfAbsent(target.dialect(), d -> new Encoded(d.render(event, payload)));
                Channel ch = websocketChannel(target.client());
                if (ch == null) {
                    for (int i = 0; i < enc.emits.size(); i++) {
                        target.client().sendEvent(enc.emits.get(i).name(), enc.raw(i));
                    }
                } else {
                    List<Object> jobs = byLoop.computeIfAbsent(ch.eventLoop(), l -> new ArrayList<>());
                    jobs.add(ch);
                    jobs.add(enc);
                }
            }
            for (Map.Entry<EventLoop, List<Object>> e : byLoop.entrySet()) {
                List<Object> jobs = e.getValue();
                for (int i = 1; i < jobs.size(); i += 2) {
                    ((Encoded) jobs.get(i)).retainFrames(); // one reference per delivery, released by its write
                }
                try {
                    e.getKey().execute(() -> write(jobs));
                } catch (java.util.concurrent.RejectedExecutionException stopping) {
                    for (int i = 1; i < jobs.size(); i += 2) {
                        ((Encoded) jobs.get(i)).release(); // the server is stopping: drop the references taken above
                    }
                }
            }
        } finally {
            for (Encoded enc : rendered.values()) {
                enc.release();
            }
        }
    }

    /** On the event loop: writes every frame, then flushes each channel once. */
    private static void write(List<Object> jobs) {
        Channel last = null;
        for (int i = 0; i < jobs.size(); i += 2) {
            Channel ch = (Channel) jobs.get(i);
            Encoded enc = (Encoded) jobs.get(i + 1);
            for (ByteBuf frame : enc.frames()) {
                ByteBuf mine = frame.duplicate(); // the reference taken in send() goes with it
                if (ch.isActive()) {
                    ch.write(new TextWebSocketFrame(mine), ch.voidPromise());
                } else {
                    mine.release();
                }
            }
            if (last != null && last != ch) {
                last.flush();
            }
            last = ch;
        }
        if (last != null) {
            last.flush();
        }
    }

    /**
     * The websocket channel of an Engine.IO 4 socket on the default namespace, or null when this socket takes the
     * ordinary path.
     */
    private static Channel websocketChannel(SocketIOClient client) {
        if (CHANNELS == null || !(client instanceof NamespaceClient nc) || !nc.getNamespace().getName().isEmpty()) {
            return null;
        }
        ClientHead head = nc.getBaseClient();
        if (head.getCurrentTransport() != Transport.WEBSOCKET || head.getEngineIOVersion() != EngineIOVersion.V4
                || !head.isConnected()) {
            return null;
        }
        try {
            @SuppressWarnings("unchecked")
            Map<Transport, TransportState> channels = (Map<Transport, TransportState>) CHANNELS.get(head);
            TransportState st = channels.get(Transport.WEBSOCKET);
            return st == null ? null : st.getChannel();
        } catch (IllegalAccessException | RuntimeException e) {
            return null;
        }
    }

    private static Field channelsField() {
        try {
            Field f = ClientHead.class.getDeclaredField("channels");
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("netty-socketio's client channels are not reachable ({}): broadcasts are encoded per socket", e.toString());
            return null;
        }
    }

    /** One dialect's rendering of an event: each emit's payload serialised once, and its websocket frame bytes. */
    private static final class Encoded {
        final List<Dialect.Emit> emits;
        private RawValue[] raw;
        private List<ByteBuf> frames;

        Encoded(List<Dialect.Emit> emits) {
            this.emits = emits;
        }

        /** The payload as JSON text that Jackson writes as is ({@code sendEvent} argument). */
        RawValue raw(int i) {
            if (raw == null) {
                raw = new RawValue[emits.size()];
            }
            if (raw[i] == null) {
                raw[i] = LocalBroadcaster.raw(emits.get(i).payload());
            }
            return raw[i];
        }

        /** {@code 42["name",payload]} per emit, as netty-socketio's PacketEncoder writes it. */
        List<ByteBuf> frames() {
            if (frames == null) {
                frames = new ArrayList<>(emits.size());
                for (Dialect.Emit e : emits) {
                    ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(256);
                    buf.writeBytes(EVENT_PREFIX);
                    try (ByteBufOutputStream out = new ByteBufOutputStream(buf)) {
                        JSON.writeValue(out, List.of(e.name(), e.payload()));
                    } catch (IOException ex) {
                        buf.release();
                        throw new UncheckedIOException(ex);
                    }
                    frames.add(buf);
                }
            }
            return frames;
        }

        void retainFrames() {
            for (ByteBuf b : frames()) {
                b.retain();
            }
        }

        void release() {
            if (frames != null) {
                for (ByteBuf b : frames) {
                    b.release();
                }
            }
        }

    }

    /**
     * {@code value} serialised once, exactly as netty-socketio's {@link JacksonJsonSupport} would write it, for
     * embedding in payloads that go to many sockets (Jackson writes a {@link RawValue} as it is).
     *
     * @throws UncheckedIOException when Jackson cannot serialise it
     */
    static RawValue raw(Object value) {
        ByteBuf buf = Unpooled.buffer(256);
        try (ByteBufOutputStream out = new ByteBufOutputStream(buf)) {
            JSON.writeValue(out, value);
            return new RawValue(new SerializedString(buf.toString(StandardCharsets.UTF_8)));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        } finally {
            buf.release();
        }
    }
}
