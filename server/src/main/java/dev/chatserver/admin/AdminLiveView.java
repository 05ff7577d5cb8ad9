package dev.chatserver.admin;

import com.corundumstudio.socketio.AuthTokenResult;
import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.SocketIONamespace;
import dev.chatserver.realtime.SessionContext;
import dev.chatserver.realtime.SessionRegistry;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The live view (seed 000): every connected chat session and the rooms with member counts, as a snapshot for
 * {@code GET /admin/api/sessions} and pushed as {@code sessions} to the Socket.IO namespace {@code /admin}.
 * Only sockets carrying a live {@link AdminAuth#COOKIE} join the namespace (checked in memory on the event
 * loop). A timer looks every {@value #TICK_MS} ms and pushes only when the snapshot changed (or an admin just
 * joined), so bursts of joins cost one push; admin sockets whose session ended are dropped there too.
 */
public final class AdminLiveView implements AutoCloseable {
    static final long TICK_MS = 250;
    private final SocketIONamespace namespace;
    private final SessionRegistry sessions;
    private final AdminAuth auth;
    private final ScheduledExecutorService timer;
    private volatile boolean pushAnyway;
    private Map<String, Object> last;
    private final dev.chatserver.cluster.ClusterBus bus;

    /** One node: the live view lists this node's sessions. */
    public AdminLiveView(SocketIONamespace namespace, SessionRegistry sessions, AdminAuth auth) {
        this(namespace, sessions, auth, dev.chatserver.cluster.ClusterBus.LOCAL);
    }

    /**
     * @param bus the cluster (issue #11): this node publishes its sessions there and the view lists every node's,
     *            each session with its {@code node}
     */
    public AdminLiveView(SocketIONamespace namespace, SessionRegistry sessions, AdminAuth auth,
                         dev.chatserver.cluster.ClusterBus bus) {
        this.bus = bus;
        this.namespace = namespace;
        this.sessions = sessions;
        this.auth = auth;
        namespace.addAuthTokenListener((data, client) -> admin(client).isPresent() ? AuthTokenResult.AuthTokenResultSuccess
                : new AuthTokenResult(false, Map.of("message", "admin_required")));
        // netty-socketio 2.0.14 does not always consult a namespace's auth listener (a CONNECT without an auth
        // payload skips it), so the connect listener checks again and drops a socket without an admin session.
        namespace.addConnectListener(c -> {
            if (admin(c).isEmpty()) {
                c.sendEvent("admin_logged_out", Map.of());
                c.disconnect();
            } else {
                pushAnyway = true;
            }
        });
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "admin-live");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
        bus.liveSnapshot(this::localSessions); // last: the bus's thread calls it
    }

    private Optional<AdminAuth.Admin> admin(SocketIOClient client) {
        String header = client.getHandshakeData().getHttpHeaders().get("Cookie");
        if (header == null) {
            return Optional.empty();
        }
        for (Cookie c : ServerCookieDecoder.LAX.decode(header)) {
            if (c.name().equals(AdminAuth.COOKIE)) {
                return auth.find(c.value());
            }
        }
        return Optional.empty();
    }

    private void tick() {
        try {
            var clients = namespace.getAllClients();
            if (clients.isEmpty()) {
                last = null;
                return;
            }
            for (SocketIOClient c : clients) {
                if (admin(c).isEmpty()) {
                    c.sendEvent("admin_logged_out", Map.of());
                    c.disconnect();
                }
            }
            Map<String, Object> snap = snapshot();
            if (pushAnyway || !snap.equals(last)) {
                pushAnyway = false;
                last = snap;
                namespace.getBroadcastOperations().sendEvent("sessions", snap);
            }
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(AdminLiveView.class).warn("live view push failed: {}", e.toString());
        }
    }

    /**
     * @return {@code {sessions:[{sid, node, rooms, room, ip, username, public_token, account, transport, connected_at}],
     *         rooms:[{room, members}], online, nodes:[node ids]}}: this node's sessions and, in a cluster, every other
     *         live node's (from their snapshots, at most ~1 s old); sockets whose identity is not resolved yet are left out
     */
    public Map<String, Object> snapshot() {
        List<Map<String, Object>> list = new ArrayList<>(localSessions());
        java.util.Set<String> nodes = new java.util.TreeSet<>();
        nodes.add(bus.nodeId());
        if (bus.enabled()) {
            for (Map<String, Object> snap : bus.othersLive()) {
                nodes.add(String.valueOf(snap.get("node")));
                if (snap.get("sessions") instanceof List<?> others) {
                    for (Object o : others) {
                        if (o instanceof Map<?, ?> m) {
                            @SuppressWarnings("unchecked")
                            Map<String, Object> sm = (Map<String, Object>) m;
                            list.add(sm);
                        }
                    }
                }
            }
        }
        list.sort(Comparator.comparingLong((Map<String, Object> m) -> ((Number) m.get("connected_at")).longValue())
                .thenComparing(m -> String.valueOf(m.get("sid"))));
        Map<String, Integer> rooms = new TreeMap<>();
        java.util.Set<Object> people = new java.util.HashSet<>();
        for (Map<String, Object> s : list) {
            people.add(s.get("public_token"));
            if (s.get("rooms") instanceof List<?> in) {
                for (Object r : in) {
                    rooms.merge(String.valueOf(r), 1, Integer::sum);
                }
            }
        }
        List<Map<String, Object>> roomList = new ArrayList<>();
        rooms.forEach((r, n) -> roomList.add(Map.of("room", r, "members", n)));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("sessions", list);
        out.put("rooms", roomList);
        out.put("online", people.size());
        out.put("nodes", new ArrayList<>(nodes));
        return out;
    }

    /** This node's sessions, oldest first, in the shape of {@link #snapshot()}'s {@code sessions}. */
    public List<Map<String, Object>> localSessions() {
        List<SessionContext> all = new ArrayList<>(sessions.all());
        all.sort(Comparator.comparingLong(SessionContext::connectedAt).thenComparing(c -> c.sessionId().toString()));
        List<Map<String, Object>> list = new ArrayList<>();
        for (SessionContext c : all) {
            if (c.identity() == null) {
                continue;
            }
            Map<String, Object> s = new LinkedHashMap<>();
            List<String> in = c.rooms();
            s.put("sid", c.sessionId().toString());
            s.put("node", bus.nodeId());
            s.put("rooms", in);
            s.put("room", in.isEmpty() ? null : in.get(in.size() - 1));
            s.put("ip", c.ip());
            s.put("username", c.identity().username());
            s.put("public_token", c.identity().publicToken());
            s.put("account", c.userId() != null);
            s.put("transport", c.client().getTransport() == null ? null : c.client().getTransport().name().toLowerCase(java.util.Locale.ROOT));
            s.put("connected_at", c.connectedAt());
            list.add(s);
        }
        return list;
    }

    /** Distinct identities connected now (on every node). */
    public int online() {
        if (bus.enabled()) {
            return (Integer) snapshot().get("online");
        }
        return (int) sessions.all().stream().filter(c -> c.identity() != null).map(c -> c.identity().token()).distinct().count();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
