package dev.chatserver.support;

import dev.chatserver.config.ClusterSettings;
import dev.chatserver.config.ServerConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * Several chat-server nodes in this JVM sharing one database and one Redis (issue #11). The database is whatever
 * {@code base} names: today one SQLite file (WAL and busy_timeout make several writers on one host work); a
 * PostgreSQL URL once the store supports it. Node {@code i} has node id {@code node-<i>}.
 */
public final class Cluster implements AutoCloseable {
    private final ServerConfig base;
    private final String redisUrl;
    private final List<TestServer> nodes = new ArrayList<>();

    private Cluster(ServerConfig base, String redisUrl) {
        this.base = base;
        this.redisUrl = redisUrl;
    }

    /**
     * Starts {@code n} nodes and waits until each reports ready (Redis carries its events; at most 15 s).
     *
     * @param base     settings shared by the nodes (database, limits); port and cluster are set per node
     * @param redisUrl {@code redis://127.0.0.1:<port>}
     */
    public static Cluster start(ServerConfig base, String redisUrl, int n) {
        Cluster c = new Cluster(base, redisUrl);
        for (int i = 0; i < n; i++) {
            c.add();
        }
        c.awaitReady();
        return c;
    }

    /** Starts one more node (not awaited: see {@link #awaitReady()}). @return its index */
    public int add() {
        int i = nodes.size();
        nodes.add(TestServer.start(base.toBuilder().port(0).cluster(new ClusterSettings(redisUrl, "node-" + i)).build()));
        return i;
    }

    public TestServer node(int i) {
        return nodes.get(i);
    }

    public int size() {
        return nodes.size();
    }

    /** Waits until every open node's bus is ready (at most 15 s). @throws AssertionError naming the reason */
    public void awaitReady() {
        for (TestServer t : nodes) {
            Await.until(() -> t.server().cluster().notReadyReason() == null, 15_000,
                    () -> "node " + t.server().cluster().nodeId() + " not ready: " + t.server().cluster().notReadyReason());
        }
    }

    @Override
    public void close() {
        for (TestServer t : nodes) {
            try {
                t.close();
            } catch (RuntimeException e) {
                // closed already (a test stopped it)
            }
        }
    }
}
