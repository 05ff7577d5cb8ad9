package dev.chatserver.realtime;

import com.corundumstudio.socketio.AckMode;
import com.corundumstudio.socketio.AckRequest;
import com.corundumstudio.socketio.AuthTokenResult;
import com.corundumstudio.socketio.AuthorizationResult;
import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.HandshakeData;
import com.corundumstudio.socketio.SocketIOChannelInitializer;
import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.SocketIOServer;
import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.listener.ExceptionListenerAdapter;
import com.fasterxml.jackson.databind.JsonNode;
import dev.chatserver.auth.SessionService;
import dev.chatserver.auth.SocketAuth;
import dev.chatserver.common.ChatException;
import dev.chatserver.config.ServerConfig;
import dev.chatserver.moderation.BanService;
import com.corundumstudio.socketio.scheduler.CancelableScheduler;
import com.corundumstudio.socketio.scheduler.SchedulerKey;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Socket.IO side: netty-socketio set up safely (random session ids, manual acks, bounded frames), the
 * app's HTTP handler inserted in the same pipeline, and every event alias routed to {@link ChatCommands}
 * on the socket's serial executor. Answers: ack {@code {ok:true,data}} after the work (and commit), or
 * {@code {ok:false,error:{code,message}}} plus an {@code error} event.
 */
public final class SocketGateway implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SocketGateway.class);
    /** Path prefix of Engine.IO requests (netty-socketio's default context, which we keep). */
    static final String ENGINE_IO_PATH = "/socket.io/";
    /** Events a socket may have waiting before further ones are refused with {@code server_busy}. */
    private static final int MAX_QUEUED_EVENTS = 512;

    private final SocketIOServer server;
    private final SessionRegistry sessions;
    private final ChatCommands commands;
    private final SocketAuth auth;
    private java.util.function.Predicate<String> gate = pass -> true;
    private final int connectionsPerIp;
    private final dev.chatserver.security.TrustedProxies proxies;
    private final Map<String, java.util.concurrent.atomic.AtomicInteger> perIp = new java.util.concurrent.ConcurrentHashMap<>();
    private final RoomRegistry rooms;
    private final BanService bans;
    private final Executor blocking;
    private final Clock clock;
    private final Consumer<Channel> firstDataSeen;
    private volatile GatewayObserver observer = GatewayObserver.NONE;
    /** Set by {@link #close(long)}: new handshakes are refused. */
    private volatile boolean closing;
    /** Sockets whose disconnect {@link #close(long)} awaits. */
    private final java.util.Set<java.util.UUID> waiting = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Completed when, during {@link #close(long)}, the last awaited socket's disconnect was handled. */
    private final java.util.concurrent.CompletableFuture<Void> drained = new java.util.concurrent.CompletableFuture<>();

    /**
     * @param config     settings (port, ping, frame size)
     * @param appHandler makes the app's HTTP handler for each new channel (pages, API, origin check); it gets
     *                   a callback to call on each request it answers itself (see {@link #firstDataCanceller})
     * @param blocking   bounded executor for blocking work
     */
    public SocketGateway(ServerConfig config, Function<Consumer<Channel>, ChannelHandler> appHandler, SessionRegistry sessions,
                         ChatCommands commands, SocketAuth auth, RoomRegistry rooms, BanService bans,
                         Executor blocking, Clock clock) {
        this.sessions = sessions;
        this.commands = commands;
        this.auth = auth;
        this.connectionsPerIp = config.connectionsPerIp();
        this.proxies = dev.chatserver.security.TrustedProxies.parse(config.trustedProxies());
        this.rooms = rooms;
        this.bans = bans;
        this.blocking = blocking;
        this.clock = clock;

        Configuration c = new Configuration();
        c.setHostname(config.host());
        c.setPort(config.port());
        c.setRandomSession(true);
        c.setAckMode(AckMode.MANUAL);
        c.setPingInterval((int) config.pingIntervalMs());
        c.setPingTimeout((int) config.pingTimeoutMs());
        c.setMaxFramePayloadLength(config.maxFrameBytes());
        c.setMaxHttpContentLength(config.maxFrameBytes());
        c.setTransports(Transport.WEBSOCKET, Transport.POLLING);
        c.setJsonSupport(new LimitedJsonSupport());
        // netty-socketio's HttpContentCompressor pairs each response with a request it saw; requests answered
        // by the app handler never reach it, so it would refuse those responses. Polling bodies stay small.
        c.setHttpCompression(false);
        // permessage-deflate: netty-socketio offers it by default, browsers and socket.io-client always ask for it;
        // off unless configured (Socket.IO v4's default too): it deflates every frame once per connection
        c.setWebsocketCompression(config.connections().websocketCompression());
        c.getSocketConfig().setReuseAddress(true);
        // native epoll on Linux: fewer system calls and less garbage per write than NIO (architecture.md measured
        // about -20 % CPU per delivery with the leak detector off); -Dio.netty.transport.noNative=true turns it off
        c.setUseLinuxNativeEpoll(io.netty.channel.epoll.Epoll.isAvailable());
        c.setAuthorizationListener(this::authorize);
        c.setExceptionListener(new ExceptionListenerAdapter() {
            @Override
            public void onEventException(Exception e, List<Object> args, SocketIOClient client) {
                log.warn("event failed for {}: {}", client.getSessionId(), e.toString());
            }

            @Override
            public void onAuthException(Throwable e, SocketIOClient client) {
                log.warn("auth listener failed for {}: {}", client.getSessionId(), e.toString());
            }

            @Override
            public boolean exceptionCaught(ChannelHandlerContext ctx, Throwable e) {
                if (e instanceof io.netty.handler.codec.TooLongFrameException
                        || e instanceof io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException) {
                    observer.rejected("frame_too_large"); // Netty already sent close 1009 (or 413 for HTTP)
                }
                log.debug("closing {} after {}", ctx.channel().remoteAddress(), e.toString());
                ctx.close();
                return true;
            }
        });
        this.server = new QuickStopSocketIOServer(c);
        PacketGuard guard = new PacketGuard(sessions, () -> observer);
        ConnectionGuard connectionGuard = new ConnectionGuard(config.connections(), () -> observer);
        TransportLimits.LastResort lastResort = new TransportLimits.LastResort(() -> observer);
        SocketIOChannelInitializer initializer = new SocketIOChannelInitializer() {
            @Override
            protected void addSocketioHandlers(ChannelPipeline pipeline) {
                super.addSocketioHandlers(pipeline);
                pipeline.addAfter(HTTP_REQUEST_DECODER, "app", appHandler.apply(firstDataSeen));
                connectionGuard.install(pipeline, HTTP_REQUEST_DECODER, HTTP_ENCODER);
                pipeline.addAfter("app", "pollingBodyLimit", new TransportLimits.PollingBodyLimit(config.maxFrameBytes(), () -> observer));
                pipeline.addBefore(PACKET_HANDLER, "packetGuard", guard);
                pipeline.addLast("lastResort", lastResort);
            }
        };
        this.firstDataSeen = firstDataCanceller(initializer);
        server.setPipelineFactory(initializer);
        bans.onBan(this::disconnectToken);
        bans.onBanned((kind, value) -> {
            if (kind.equals(BanService.IP)) {
                disconnectIp(value);
            }
        });
        server.addConnectListener(this::onOpen);
        server.addDisconnectListener(this::onClose);
        server.getNamespace("").addAuthTokenListener(this::onAuth);
        Command.byEventName().forEach((alias, command) ->
                server.addEventListener(alias, JsonNode.class, (client, data, ack) -> dispatch(client, alias, command, data, ack)));
    }

    /**
     * netty-socketio closes every connection {@code firstDataTimeout} (5 s) after it opened unless its own
     * AuthorizeHandler saw a request, which never happens for pages and API calls answered by the app
     * handler; so keep-alive connections of browsers were cut mid-use. The app handler cancels that timer
     * the same way AuthorizeHandler does. The scheduler is private in netty-socketio, hence reflection;
     * without it the timeout stays (connections are then only re-opened more often).
     */
    private static Consumer<Channel> firstDataCanceller(SocketIOChannelInitializer initializer) {
        try {
            java.lang.reflect.Field f = SocketIOChannelInitializer.class.getDeclaredField("scheduler");
            f.setAccessible(true);
            CancelableScheduler scheduler = (CancelableScheduler) f.get(initializer);
            return ch -> scheduler.cancel(new SchedulerKey(SchedulerKey.Type.PING_TIMEOUT, ch));
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("cannot reach netty-socketio's scheduler: {}", e.toString());
            return ch -> { };
        }
    }

    /** Where answers and refusals are reported (metrics); {@link GatewayObserver#NONE} by default. */
    public void observer(GatewayObserver o) {
        this.observer = o == null ? GatewayObserver.NONE : o;
    }

    /** Live sockets (engine.io connections) on this server. */
    public int connectedSockets() {
        return sessions.size();
    }

    /** Adds a namespace (e.g. the admin live view's {@code /admin}); call before {@link #start()}. */
    public com.corundumstudio.socketio.SocketIONamespace addNamespace(String name) {
        return server.addNamespace(name);
    }

    /** Binds and starts. @return the bound port (useful with port 0) */
    public int start() {
        ChannelFuture bound = (ChannelFuture) server.startAsync().syncUninterruptibly();
        return ((InetSocketAddress) bound.channel().localAddress()).getPort();
    }

    /** As {@link #close(long)} with 10 s. */
    @Override
    public void close() {
        close(10_000);
    }

    /**
     * Graceful stop: refuses new handshakes, sends every socket {@code server_shutdown {message, reconnect: true}}
     * and then disconnects it, waits until every websocket's disconnect was handled (or {@code timeoutMs}
     * passed), then stops the server. Polling sockets get both on their next poll if it comes before the stop.
     *
     * @param timeoutMs longest wait for the disconnects, ms (the server is stopped in any case)
     * @return true when every socket was disconnected within the time
     */
    public boolean close(long timeoutMs) {
        closing = true;
        Map<String, Object> notice = new LinkedHashMap<>();
        notice.put("message", "the server is shutting down; reconnect in a moment");
        notice.put("reconnect", true);
        // websocket sockets are awaited (their disconnect is handled at once); a polling socket only gets the
        // notice and the disconnect on its next poll, so it is not waited for
        for (SocketIOClient client : server.getAllClients()) {
            if (client.getTransport() == Transport.WEBSOCKET) {
                waiting.add(client.getSessionId());
            }
        }
        java.util.Set<SocketIOClient> targets = new java.util.LinkedHashSet<>(server.getAllClients());
        for (SessionContext ctx : List.copyOf(sessions.all())) {
            targets.add(ctx.client());
        }
        for (SocketIOClient client : targets) {
            try {
                client.sendEvent("server_shutdown", notice);
                client.disconnect();
            } catch (RuntimeException e) {
                log.debug("cannot notify {} of the shutdown: {}", client.getSessionId(), e.toString());
            }
        }
        waiting.removeIf(id -> sessions.get(id) == null);
        if (waiting.isEmpty()) {
            drained.complete(null);
        }
        boolean all = true;
        try {
            drained.get(Math.max(0, timeoutMs), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            all = false;
            log.warn("{} socket(s) still open after {} ms of shutdown; stopping anyway", waiting.size(), timeoutMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            all = false;
        } catch (java.util.concurrent.ExecutionException e) {
            all = false;
        }
        server.stop();
        return all;
    }

    /**
     * Handshake (HTTP, event loop): refuse a banned token presented in the query or cookie, and a client IP
     * that already has {@code connectionsPerIp} sockets (socket floods).
     */
    private AuthorizationResult authorize(HandshakeData data) {
        if (closing) {
            return AuthorizationResult.FAILED_AUTHORIZATION;
        }
        String eio = data.getSingleUrlParam("EIO");
        if (eio != null && !eio.equals("4")) {
            return AuthorizationResult.FAILED_AUTHORIZATION; // Engine.IO v3 clients: PacketGuard speaks v4 only
        }
        String ip = clientIp(data);
        ip = ip == null ? "" : ip;
        if (bans.isBanned(handshakeToken(data)) || bans.isIpBanned(ip)) {
            return AuthorizationResult.FAILED_AUTHORIZATION;
        }
        if (!gate.test(cookie(data, dev.chatserver.auth.TotpGate.COOKIE))) {
            return AuthorizationResult.FAILED_AUTHORIZATION; // seed 004: no socket before the shared TOTP gate
        }
        java.util.concurrent.atomic.AtomicInteger n = perIp.get(ip);
        return n != null && n.get() >= connectionsPerIp ? AuthorizationResult.FAILED_AUTHORIZATION
                : AuthorizationResult.SUCCESSFUL_AUTHORIZATION;
    }

    /** The client IP of a handshake: the peer, or from {@code X-Forwarded-For} when the peer is a trusted proxy. */
    private String clientIp(HandshakeData hd) {
        return proxies.clientIp(hd.getAddress(), hd.getHttpHeaders().getAll(dev.chatserver.security.TrustedProxies.HEADER));
    }

    /** Sets the check of seed 004's gate cookie at the handshake (non-blocking). */
    public void gate(java.util.function.Predicate<String> passed) {
        this.gate = passed;
    }

    private volatile dev.chatserver.cluster.ClusterBus bus = dev.chatserver.cluster.ClusterBus.LOCAL;

    /** Joins the cluster: kicks, moves, logouts and renames of sockets on other nodes are published there. */
    public void cluster(dev.chatserver.cluster.ClusterBus clusterBus) {
        this.bus = clusterBus;
    }

    /** This node's id ({@code local} without a cluster). */
    public String nodeId() {
        return bus.nodeId();
    }

    /** An account renamed on its profile: its live sockets speak under the new name, and their rooms see it (every node). */
    public void renameIdentity(String token, String newName) {
        renameIdentityHere(token, newName);
        if (bus.enabled()) {
            bus.publish("rename", Map.of("token", token, "name", newName));
        }
    }

    /** {@link #renameIdentity} for this node's sockets. */
    public void renameIdentityHere(String token, String newName) {
        for (SessionContext ctx : sessions.forToken(token)) {
            ctx.identity(ctx.identity().renamed(newName));
            rooms.presenceChanged(ctx);
        }
    }

    /** Drops every live socket of a banned token, telling it why. */
    void disconnectToken(String token) {
        for (SessionContext ctx : sessions.forToken(token)) {
            ctx.client().sendEvent("error", Map.of("code", "banned", "message", "this identity is banned", "event", "connect"));
            ctx.client().disconnect();
        }
    }

    /** Drops every live socket from a banned IP, telling it why. */
    void disconnectIp(String ip) {
        for (SessionContext ctx : sessions.all()) {
            if (ip.equals(ctx.ip())) {
                ctx.client().sendEvent("error", Map.of("code", "banned", "message", "this address is banned", "event", "connect"));
                ctx.client().disconnect();
            }
        }
    }

    /**
     * Admin kick: disconnects one socket, telling it {@code error {code: kicked}}; a socket of another node (found
     * in its live snapshot) is kicked there through the cluster.
     * @return false when no such socket is connected here nor on another node
     */
    public boolean kick(java.util.UUID sessionId, String reason) {
        if (kickHere(sessionId, reason)) {
            return true;
        }
        String node = remoteNodeOf(sessionId);
        if (node == null) {
            return false;
        }
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("sid", sessionId.toString());
        e.put("reason", reason);
        e.put("to", node);
        bus.publish("kick_sid", e);
        return true;
    }

    /** The node holding a session according to the other nodes' live snapshots, or null. */
    private String remoteNodeOf(java.util.UUID sessionId) {
        if (!bus.enabled()) {
            return null;
        }
        String sid = sessionId.toString();
        for (Map<String, Object> snap : bus.othersLive()) {
            if (snap.get("sessions") instanceof List<?> list) {
                for (Object o : list) {
                    if (o instanceof Map<?, ?> m && sid.equals(m.get("sid"))) {
                        return String.valueOf(snap.get("node"));
                    }
                }
            }
        }
        return null;
    }

    /** {@link #kick} of a socket of this node. @return false when it is not connected here */
    public boolean kickHere(java.util.UUID sessionId, String reason) {
        SessionContext ctx = sessions.get(sessionId);
        if (ctx == null) {
            return false;
        }
        ctx.client().sendEvent("error", Map.of("code", "kicked", "message",
                reason == null || reason.isBlank() ? "you were disconnected by an admin" : reason, "event", "connect"));
        ctx.client().disconnect();
        return true;
    }

    /**
     * Admin move: on the socket's serial executor, leaves its rooms, joins {@code room} (history follows as
     * for a join) and tells it {@code moved {from, to}}; the chat page then navigates to the new room.
     *
     * @return the move, done when the socket is in the new room
     * @throws ChatException {@code session_not_found} (404)
     */
    public java.util.concurrent.CompletableFuture<Map<String, Object>> move(java.util.UUID sessionId, String room) {
        SessionContext ctx = sessions.get(sessionId);
        if (ctx == null || ctx.identity() == null) {
            String node = remoteNodeOf(sessionId);
            if (node == null) {
                throw new ChatException("session_not_found", "no such live session", 404);
            }
            bus.publish("move_sid", Map.of("sid", sessionId.toString(), "room", room, "to", node));
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("from", null);
            p.put("to", room);
            p.put("node", node);
            return java.util.concurrent.CompletableFuture.completedFuture(p);
        }
        java.util.concurrent.CompletableFuture<Map<String, Object>> done = new java.util.concurrent.CompletableFuture<>();
        ctx.serial().execute(() -> {
            try {
                List<String> from = ctx.rooms();
                for (String r : from) {
                    rooms.leave(ctx, r);
                }
                rooms.join(ctx, room, null);
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("from", from.isEmpty() ? null : from.get(from.size() - 1));
                p.put("to", room);
                ctx.client().sendEvent("moved", p);
                done.complete(p);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    /** Drops every live socket of a revoked login session (logout) within the call, on every node. */
    public void disconnectLoginSession(String sessionHash) {
        disconnectLoginSessionHere(sessionHash);
        if (bus.enabled()) {
            bus.publish("logout", Map.of("session_hash", sessionHash));
        }
    }

    /** {@link #disconnectLoginSession} for this node's sockets. */
    public void disconnectLoginSessionHere(String sessionHash) {
        for (SessionContext ctx : sessions.all()) {
            if (sessionHash.equals(ctx.loginSessionHash())) {
                ctx.client().sendEvent("error", Map.of("code", "logged_out", "message", "you signed out", "event", "connect"));
                ctx.client().disconnect();
            }
        }
    }

    /** Engine.IO open (event loop; the v4 auth payload is not known yet). */
    private void onOpen(SocketIOClient client) {
        if (client instanceof com.corundumstudio.socketio.transport.NamespaceClient nc && !nc.getBaseClient().isConnected()) {
            // a polling client disconnected (e.g. refused by PacketGuard) before its first GET: netty-socketio keeps
            // its ClientHead by session id and would connect it again on that GET, with no ping left to ever end it
            // (found by MalformedFloodTest: orphan sessions). Finish it: answer the GET and drop it for good.
            nc.getBaseClient().disconnect();
            return;
        }
        HandshakeData hd = client.getHandshakeData();
        String ip = clientIp(hd);
        Dialect dialect = Dialect.fromId(hd.getSingleUrlParam("dialect"));
        SessionContext ctx = new SessionContext(client, ip, handshakeToken(hd), dialect,
                new SerialExecutor(blocking, MAX_QUEUED_EVENTS), clock.millis());
        // count first: onClose decrements only for a session it removed, so it must never see the session uncounted
        perIp.computeIfAbsent(ip == null ? "" : ip, k -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
        sessions.add(ctx);
        if (client instanceof com.corundumstudio.socketio.transport.NamespaceClient nc && !nc.getBaseClient().isConnected()
                && sessions.remove(client.getSessionId()) != null) {
            // disconnected on another event loop between the check above and the add (its onClose found nothing)
            perIp.computeIfPresent(ip == null ? "" : ip, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
            nc.getBaseClient().disconnect();
        }
    }

    /** The v4 CONNECT packet's auth payload (event loop): ban check, dialect, then resolve the identity. */
    private AuthTokenResult onAuth(Object auth, SocketIOClient client) {
        SessionContext ctx = sessions.get(client.getSessionId());
        if (ctx == null) {
            return new AuthTokenResult(false, Map.of("message", "not connected"));
        }
        String token = null;
        if (auth instanceof Map<?, ?> m) {
            Object t = m.get("token");
            token = t instanceof String s && !s.isBlank() ? s : null;
            Object d = m.get("dialect");
            Dialect dialect = d instanceof String s ? Dialect.fromId(s) : null;
            if (dialect != null) {
                ctx.fixDialect(dialect);
            }
        }
        if (bans.isBanned(token)) {
            return new AuthTokenResult(false, Map.of("message", "banned",
                    "data", Map.of("code", "banned", "message", "this identity is banned")));
        }
        ctx.authPayload(auth);
        // netty-socketio queues the CONNECT answer right after this listener returns, on this event loop; an
        // event queued before it would reach the client ahead of CONNECT (io.socket's Java client then
        // mangles it). So resolve the identity from a task queued behind the current one on this loop.
        EventExecutor loop = ThreadExecutorMap.currentExecutor();
        Runnable resolve = () -> {
            try {
                ctx.serial().execute(() -> ensureIdentity(ctx));
            } catch (RejectedExecutionException e) {
                ctx.client().disconnect();
            }
        };
        if (loop != null) {
            loop.execute(resolve);
        } else {
            resolve.run();
        }
        return AuthTokenResult.AuthTokenResultSuccess;
    }

    private void onClose(SocketIOClient client) {
        SessionContext ctx = sessions.remove(client.getSessionId());
        if (closing && waiting.remove(client.getSessionId()) && waiting.isEmpty()) {
            drained.complete(null);
        }
        if (ctx == null) {
            return;
        }
        perIp.computeIfPresent(ctx.ip() == null ? "" : ctx.ip(), (k, n) -> n.decrementAndGet() <= 0 ? null : n);
        try {
            ctx.serial().execute(() -> {
                commands.disconnected(ctx);
                for (String room : List.copyOf(ctx.rooms())) {
                    rooms.leave(ctx, room);
                }
            });
        } catch (RejectedExecutionException e) {
            blocking.execute(() -> List.copyOf(ctx.rooms()).forEach(r -> rooms.leave(ctx, r)));
        }
    }

    private void dispatch(SocketIOClient client, String alias, Command command, JsonNode data, AckRequest ack) {
        SessionContext ctx = sessions.get(client.getSessionId());
        if (ctx == null) {
            return;
        }
        try {
            long arrived = System.nanoTime();
            ctx.serial().execute(() -> handle(ctx, alias, command, data, ack, arrived));
        } catch (RejectedExecutionException e) {
            replyError(ctx, alias, ack, new ChatException("server_busy", "too many events in flight; slow down", 503));
        }
    }

    private void handle(SessionContext ctx, String alias, Command command, JsonNode data, AckRequest ack, long arrived) {
        String event = command.eventNames()[0];
        try {
            if (!ensureIdentity(ctx)) {
                return;
            }
            ctx.inferDialect(alias, data);
            commands.run(ctx, command, data).whenComplete((result, err) -> {
                if (err == null) {
                    replyOk(ack, result);
                    observer.answered(event, true, System.nanoTime() - arrived);
                } else {
                    replyError(ctx, alias, ack, err instanceof CompletionException && err.getCause() != null ? err.getCause() : err);
                    observer.answered(event, false, System.nanoTime() - arrived);
                }
            });
        } catch (RuntimeException e) {
            replyError(ctx, alias, ack, e);
            observer.answered(event, false, System.nanoTime() - arrived);
        }
    }

    /** Resolves the socket's identity once (serial executor). @return false when the socket was refused */
    private boolean ensureIdentity(SessionContext ctx) {
        if (ctx.identity() != null) {
            return true;
        }
        String token = ctx.handshakeToken();
        String loginSession = cookie(ctx.client().getHandshakeData(), SessionService.COOKIE);
        if (ctx.authPayload() instanceof Map<?, ?> m) {
            if (m.get("token") instanceof String s && !s.isBlank()) {
                token = s;
            }
            if (m.get("session") instanceof String s && !s.isBlank()) {
                loginSession = s;
            }
        }
        try {
            SocketAuth.Result r = auth.authenticate(loginSession, token, ctx.ip());
            ctx.identity(r.identity());
            ctx.account(r.userId(), r.sessionHash(), r.admin());
            Map<String, Object> id = new LinkedHashMap<>();
            id.put("token", r.userId() == null ? r.identity().token() : null); // accounts use their session
            id.put("public_token", r.identity().publicToken());
            id.put("username", r.identity().username());
            id.put("named", r.identity().named());
            id.put("suggested_username", r.suggestedUsername());
            id.put("account", r.userId() == null ? null : Map.of("username", r.identity().username(), "is_admin", r.admin()));
            ctx.client().sendEvent("identity", id);
            return true;
        } catch (ChatException e) {
            ctx.client().sendEvent("error", errorBody(e, "connect"));
            ctx.client().disconnect();
            return false;
        }
    }

    private static void replyOk(AckRequest ack, Map<String, Object> data) {
        if (ack.isAckRequested()) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("ok", true);
            body.put("data", data);
            ack.sendAckData(body);
        }
    }

    private void replyError(SessionContext ctx, String alias, AckRequest ack, Throwable err) {
        ChatException ce;
        if (err instanceof ChatException c) {
            ce = c;
        } else if (dev.chatserver.store.Database.isUnavailable(err)) { // e.g. PostgreSQL down: say so, no stack trace
            log.warn("event '{}' refused, database unavailable: {}", alias, err.toString());
            ce = new ChatException("unavailable", "the database is unreachable; retry shortly", 503);
        } else {
            log.error("event '{}' failed for {}", alias, ctx.sessionId(), err);
            ce = new ChatException("internal_error", "something went wrong; it has been logged", 500);
        }
        observer.rejected(ce.code());
        Map<String, Object> body = errorBody(ce, alias);
        if (ack.isAckRequested()) {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("code", ce.code());
            error.put("message", ce.getMessage());
            if (ce.retryAfterMs() > 0) {
                error.put("retry_after_ms", ce.retryAfterMs());
            }
            ack.sendAckData(Map.of("ok", false, "error", error));
        }
        ctx.client().sendEvent("error", body);
    }

    private static Map<String, Object> errorBody(ChatException e, String event) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("code", e.code());
        m.put("message", e.getMessage());
        m.put("event", event);
        if (e.retryAfterMs() > 0) {
            m.put("retry_after_ms", e.retryAfterMs());
        }
        return m;
    }

    /** Secret token from {@code ?token=} or the {@code chat_token} cookie, or null. */
    private static String handshakeToken(HandshakeData hd) {
        String q = hd.getSingleUrlParam("token");
        if (q != null && !q.isBlank()) {
            return q;
        }
        return cookie(hd, "chat_token");
    }

    private static String cookie(HandshakeData hd, String name) {
        String cookieHeader = hd.getHttpHeaders().get("Cookie");
        if (cookieHeader != null) {
            for (Cookie c : ServerCookieDecoder.LAX.decode(cookieHeader)) {
                if (c.name().equals(name) && !c.value().isBlank()) {
                    return c.value();
                }
            }
        }
        return null;
    }
}
