package dev.chatserver;

import dev.chatserver.admin.AdminAuth;
import dev.chatserver.admin.AdminDao;
import dev.chatserver.admin.AdminLiveView;
import dev.chatserver.admin.AdminPassword;
import dev.chatserver.admin.AdminRoutes;
import dev.chatserver.admin.AuditLog;
import dev.chatserver.admin.LogQuery;
import dev.chatserver.admin.Stats;
import dev.chatserver.auth.AccountService;
import dev.chatserver.auth.AuthRoutes;
import dev.chatserver.auth.GateRoutes;
import dev.chatserver.auth.TotpGate;
import dev.chatserver.auth.PasswordHasher;
import dev.chatserver.auth.RequestAuth;
import dev.chatserver.auth.SessionService;
import dev.chatserver.auth.SocketAuth;
import dev.chatserver.auth.TotpService;
import dev.chatserver.chat.BlockService;
import dev.chatserver.cluster.ClusterBus;
import dev.chatserver.cluster.RedisCluster;
import dev.chatserver.cluster.RedisRateLimiter;
import dev.chatserver.realtime.ClusterRelay;
import dev.chatserver.chat.DirectoryRoutes;
import dev.chatserver.chat.HistoryRoutes;
import dev.chatserver.chat.SearchRoutes;
import dev.chatserver.chat.IdentityService;
import dev.chatserver.config.ServerConfig;
import dev.chatserver.http.AppHttpHandler;
import dev.chatserver.http.HttpResponses;
import dev.chatserver.http.OriginPolicy;
import dev.chatserver.http.Router;
import dev.chatserver.http.StaticFiles;
import dev.chatserver.moderation.BanService;
import dev.chatserver.moderation.MuteService;
import dev.chatserver.ops.Metrics;
import dev.chatserver.ops.RetentionJob;
import dev.chatserver.ops.RetentionRoutes;
import dev.chatserver.store.RetentionStore;
import dev.chatserver.store.MuteDao;
import dev.chatserver.realtime.ChatCommands;
import dev.chatserver.realtime.LocalBroadcaster;
import dev.chatserver.realtime.RichCommands;
import dev.chatserver.realtime.RoomRegistry;
import dev.chatserver.polls.PollService;
import dev.chatserver.store.PollDao;
import dev.chatserver.store.ReactionDao;
import dev.chatserver.realtime.SessionRegistry;
import dev.chatserver.realtime.SocketGateway;
import dev.chatserver.rooms.AccountRoomRoutes;
import dev.chatserver.rooms.RoomAccess;
import dev.chatserver.rooms.RoomService;
import dev.chatserver.store.BanDao;
import dev.chatserver.store.BlockDao;
import dev.chatserver.store.Database;
import dev.chatserver.store.MessageDao;
import dev.chatserver.store.MessageWriter;
import dev.chatserver.store.RoomDao;
import dev.chatserver.security.AlertSink;
import dev.chatserver.security.CompositeAlertSink;
import dev.chatserver.security.CsrfGuard;
import dev.chatserver.security.TelegramAlertSink;
import dev.chatserver.security.LogAlertSink;
import dev.chatserver.security.MemoryRateLimiter;
import dev.chatserver.security.RateLimiter;
import dev.chatserver.security.SecurityLog;
import dev.chatserver.security.WebhookAlertSink;
import dev.chatserver.store.TokenDao;
import dev.chatserver.store.UserDao;
import dev.chatserver.uploads.OrphanSweeper;
import dev.chatserver.uploads.UploadDao;
import dev.chatserver.uploads.UploadRoutes;
import dev.chatserver.uploads.UploadService;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The whole server, wired: database, writer, services, Socket.IO gateway and HTTP handler on one port.
 * Only wiring here. {@link #start()} returns the bound port (tests use port 0); {@link #close()} is
 * idempotent and closes sockets (each first gets {@code server_shutdown}), then the writer (committing what is
 * queued), then the pool, all within {@code shutdownTimeoutMs}.
 */
public final class ChatServer implements AutoCloseable {
    private final ServerConfig config;
    private final Database database;
    private final MessageWriter writer;
    private final ExecutorService blocking;
    private final ExecutorService dispatcher;
    private SocketGateway gateway;
    private final BanService bans;
    private AdminLiveView live;
    private final UploadService uploads;
    private final OrphanSweeper sweeper;
    private final Metrics metrics;
    private final RetentionJob retention;
    private final ClusterBus bus;
    private final RoomRegistry rooms;
    private boolean closed;

    /** Opens the database (creating it from schema.sql) and builds everything; nothing listens yet. */
    public ChatServer(ServerConfig config) {
        this(config, Clock.systemUTC());
    }

    /** As {@link #ChatServer(ServerConfig)} with a clock for tests. */
    public ChatServer(ServerConfig config, Clock clock) {
        this.config = config;
        this.database = Database.open(config.database().url(), config.database().user(), config.database().password(),
                config.dbPath(), config.sqliteSynchronous(), config.database().poolSizeFor(config.blockingThreads()));
        var jdbi = database.jdbi();
        this.writer = new MessageWriter(jdbi, config.commitBatchMax(), config.writeQueueMax());
        this.blocking = new ThreadPoolExecutor(config.blockingThreads(), config.blockingThreads(), 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(10_000), named("blocking"));
        this.dispatcher = Executors.newSingleThreadExecutor(named("dispatch"));
        MessageDao messages = jdbi.onDemand(MessageDao.class);
        this.bans = new BanService(jdbi.onDemand(BanDao.class), clock);
        IdentityService identities = new IdentityService(jdbi.onDemand(TokenDao.class), bans, clock);
        RoomService roomService = new RoomService(jdbi.onDemand(RoomDao.class), clock);
        SessionRegistry sessions = new SessionRegistry();
        BlockService blocks = new BlockService(jdbi.onDemand(BlockDao.class), clock);
        this.rooms = new RoomRegistry(messages, new LocalBroadcaster(), clock, config.historyOnJoin(), blocks,
                jdbi.onDemand(ReactionDao.class));
        writer.onCommit(dispatcher, rooms::broadcast); // fan-out in id order, then the ack
        RedisCluster redis = config.cluster().enabled()
                ? new RedisCluster(config.cluster().redisUrl(), config.cluster().nodeId()) : null;
        this.bus = redis != null ? redis : ClusterBus.LOCAL;
        RateLimiter limiter = redis != null ? new RedisRateLimiter(redis, new MemoryRateLimiter(clock)) : new MemoryRateLimiter(clock);
        RoomAccess access = new RoomAccess(jdbi);
        MuteService mutes = new MuteService(jdbi.onDemand(MuteDao.class), clock);
        UploadDao uploadDao = jdbi.onDemand(UploadDao.class);
        this.uploads = new UploadService(uploadDao, jdbi.onDemand(TokenDao.class), bans, access, limiter,
                config.uploads(), config.uploadsDir(), clock);
        this.sweeper = new OrphanSweeper(uploadDao, uploads, config.uploads().orphanMs(), clock);
        ChatCommands commands = new ChatCommands(identities, roomService, rooms, writer, bans, sessions,
                clock, config.messageMaxChars(), limiter, config.messagesPerMinute(), access, blocks, mutes, uploads);
        RichCommands rich = new RichCommands(rooms, sessions, writer, blocking, clock, config.messageMaxChars(),
                limiter, config.messagesPerMinute(), access, blocks, identities, jdbi,
                new PollService(jdbi.onDemand(PollDao.class), clock));
        commands.rich(rich);
        java.util.List<AlertSink> sinks = new java.util.ArrayList<>(java.util.List.of(new LogAlertSink()));
        if (!config.alertWebhookUrl().isEmpty()) {
            sinks.add(new WebhookAlertSink(URI.create(config.alertWebhookUrl())));
        }
        if (config.telegram().enabled()) {
            sinks.add(new TelegramAlertSink(config.telegram())); // seed 004
        }
        AlertSink alerts = new CompositeAlertSink(sinks);
        SecurityLog security = new SecurityLog(clock, alerts);
        AccountService accounts = new AccountService(jdbi, new PasswordHasher(config.bcryptCost()), new TotpService(clock),
                limiter, security, clock, config.loginAttemptsPerFiveMinutes());
        SessionService loginSessions = new SessionService(jdbi.onDemand(UserDao.class), clock, config.sessionTtlMs());
        SocketAuth socketAuth = new SocketAuth(loginSessions, accounts, identities, bans, config.allowAnonymous(),
                config.require2fa());
        StaticFiles files = new StaticFiles();
        OriginPolicy origins = new OriginPolicy(config.allowedOrigins());
        Router router = new Router();
        router.get("/healthz", req -> HttpResponses.json(HttpResponseStatus.OK, Map.of("status", "ok")));
        router.get("/readyz", req -> { // ready = the database answers and, in a cluster, Redis carries events
            try {
                database.jdbi().withHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one());
            } catch (RuntimeException e) {
                return HttpResponses.json(HttpResponseStatus.SERVICE_UNAVAILABLE, Map.of("status", "database unreachable"));
            }
            String notReady = bus.notReadyReason();
            if (notReady != null) {
                return HttpResponses.json(HttpResponseStatus.SERVICE_UNAVAILABLE,
                        Map.of("status", "not ready", "reason", notReady, "node", bus.nodeId()));
            }
            return HttpResponses.json(HttpResponseStatus.OK, bus.enabled()
                    ? Map.of("status", "ready", "node", bus.nodeId()) : Map.of("status", "ready"));
        });
        RequestAuth requestAuth = new RequestAuth(loginSessions, accounts);
        CsrfGuard csrf = new CsrfGuard(origins);
        new HistoryRoutes(messages, access, requestAuth).register(router);
        new SearchRoutes(new dev.chatserver.store.MessageSearch(jdbi), requestAuth).register(router);
        TotpGate gate = new TotpGate(config.gate().enabled(), config.gate().secret(), config.gate().user(),
                config.gate().issuer(), jdbi, new TotpService(clock), limiter, security, clock);
        GateRoutes gateRoutes = new GateRoutes(gate, csrf, files, config.sessionCookieSecure());
        gateRoutes.register(router);
        new DirectoryRoutes(jdbi, requestAuth, rich, rooms).register(router);
        new AuthRoutes(accounts, loginSessions, files, csrf, config.sessionCookieSecure(),
                config.require2fa(), hash -> this.gateway.disconnectLoginSession(hash),
                (token, name) -> this.gateway.renameIdentity(token, name)).register(router);
        new AccountRoomRoutes(roomService, rooms, requestAuth, csrf, files).register(router);
        AdminPassword adminPassword = new AdminPassword(config.adminPass(), config.adminPassHash());
        if (adminPassword.isDefault()) {
            org.slf4j.LoggerFactory.getLogger(ChatServer.class).warn("*** WARNING: the admin panel (/admin) uses the DEFAULT "
                    + "password 'root'. Set CHAT_ADMIN_PASS or CHAT_ADMIN_PASS_HASH before exposing this server. ***");
        }
        AdminAuth adminAuth = new AdminAuth(jdbi.onDemand(AdminDao.class), config.adminUser(), adminPassword, accounts, limiter,
                security, clock, config.adminSessionTtlMs());
        AuditLog audit = new AuditLog(jdbi.onDemand(AdminDao.class), clock);
        new AdminRoutes(adminAuth, csrf, files, config.sessionCookieSecure(), () -> this.gateway, () -> this.live, bans, mutes,
                identities, roomService, jdbi.onDemand(UserDao.class), audit,
                new LogQuery(jdbi), new Stats(jdbi, clock, () -> this.live.online())).register(router);
        RetentionStore retentionStore = new RetentionStore(jdbi, writer);
        this.retention = new RetentionJob(retentionStore, config.retention(), uploads::pathOf, audit, blocking, clock,
                rooms::forget);
        new RetentionRoutes(adminAuth, csrf, retentionStore, retention, roomService, audit, clock).register(router);
        new UploadRoutes(uploads, blocking).register(router);
        this.gateway = new SocketGateway(config,
                firstDataSeen -> new AppHttpHandler(files, origins, router, blocking, config.httpBodyMaxBytes(), firstDataSeen,
                        gateRoutes::allows, dev.chatserver.security.TrustedProxies.parse(config.trustedProxies())),
                sessions, commands, socketAuth, rooms, bans, blocking, clock);
        gateway.gate(gate::passed);
        this.live = new AdminLiveView(gateway.addNamespace("/admin"), sessions, adminAuth, bus);
        rich.cluster(bus);
        new ClusterRelay(bus, rooms, sessions, gateway, bans, mutes, blocks); // subscribes; nothing when alone
        this.metrics = new Metrics(gateway, rooms, writer);
        router.get("/metrics", req -> HttpResponses.of(HttpResponseStatus.OK,
                metrics.scrape().getBytes(java.nio.charset.StandardCharsets.UTF_8), Metrics.CONTENT_TYPE));
    }

    /** Binds the port. @return the bound port */
    public int start() {
        int port = gateway.start();
        sweeper.start();
        retention.start();
        return port;
    }

    /** Rooms held in memory (tests deliver rows through it as another node would). */
    public RoomRegistry rooms() {
        return rooms;
    }

    /** The cluster bus ({@link ClusterBus#LOCAL} when alone). */
    public ClusterBus cluster() {
        return bus;
    }

    /** The database (tests read it directly). */
    public Database database() {
        return database;
    }

    /** Bans (moderation; the admin issue adds the HTTP side). */
    public BanService bans() {
        return bans;
    }

    /** The group-commit writer (its counters). */
    public MessageWriter writer() {
        return writer;
    }

    /** File sharing rules (tests read and sweep through it). */
    public UploadService uploads() {
        return uploads;
    }

    /** The orphan sweeper ({@link OrphanSweeper#sweepOnce()} on demand). */
    public OrphanSweeper sweeper() {
        return sweeper;
    }

    /** The retention job ({@link RetentionJob#runOnce()} on demand). */
    public RetentionJob retention() {
        return retention;
    }

    /** The metrics registry behind {@code GET /metrics}. */
    public Metrics metrics() {
        return metrics;
    }

    public ServerConfig config() {
        return config;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.shutdownTimeoutMs());
        live.close();
        sweeper.close();
        retention.close();
        gateway.close(remainingMs(deadline));
        writer.close(remainingMs(deadline));
        dispatcher.shutdown();
        blocking.shutdown();
        try {
            dispatcher.awaitTermination(remainingMs(deadline), TimeUnit.MILLISECONDS);
            blocking.awaitTermination(remainingMs(deadline), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        bus.close();
        metrics.close();
        database.close();
    }

    /** Milliseconds left until a {@link System#nanoTime()} deadline, at least 0. */
    private static long remainingMs(long deadline) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }

    private static java.util.concurrent.ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
