package dev.chatserver.support;

import dev.chatserver.ChatServer;
import dev.chatserver.config.ServerConfig;
import java.nio.file.Path;
import java.time.Clock;

/**
 * A real server on a free loopback port with its SQLite file in a temp directory; with
 * {@code -Dtest.database=postgres} its own database on the test PostgreSQL instead ({@link TestDatabases}).
 */
public final class TestServer implements AutoCloseable {
    private final ServerConfig config;
    private final Clock clock;
    private ChatServer server;
    private int port;

    private TestServer(ServerConfig config, Clock clock) {
        this.config = TestDatabases.adapt(config); // -Dtest.database=postgres: a fresh PostgreSQL database
        this.clock = clock;
    }

    /** Starts a server whose files live in {@code dir}. */
    public static TestServer start(Path dir) {
        return start(ServerConfig.forTests(dir));
    }

    /** Starts a server with the given settings (port 0 picks a free one). */
    public static TestServer start(ServerConfig config) {
        return start(config, Clock.systemUTC());
    }

    /** Starts a server with the given settings and clock (tests that move time). */
    public static TestServer start(ServerConfig config, Clock clock) {
        TestServer t = new TestServer(config, clock);
        t.server = new ChatServer(t.config, clock);
        t.port = t.server.start();
        return t;
    }

    /** Stops and starts again on the same port and database (persistence tests). */
    public void restart() {
        server.close();
        server = new ChatServer(config.withPort(port), clock);
        port = server.start();
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:<port>} */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public ChatServer server() {
        return server;
    }

    /** The settings it runs with. */
    public ServerConfig config() {
        return config;
    }

    /** A connected Socket.IO client over websocket, dialect inferred. */
    public SocketClient client() {
        return SocketClient.connect(url(), SocketClient.options());
    }

    @Override
    public void close() {
        server.close();
    }
}
