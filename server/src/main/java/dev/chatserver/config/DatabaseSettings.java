package dev.chatserver.config;

/**
 * Where the data lives (issue #11): the SQLite file {@code dbPath} (default, {@link #SQLITE}), or a PostgreSQL
 * server shared by several nodes.
 *
 * @param url      empty: SQLite; else {@code jdbc:postgresql://host:port/db} (env {@code CHAT_DATABASE_URL})
 * @param user     PostgreSQL user, or empty (env {@code CHAT_DATABASE_USER})
 * @param password PostgreSQL password, or empty (env {@code CHAT_DATABASE_PASSWORD}); never printed
 * @param poolSize connections in the pool; 0 = {@code blockingThreads} (at least 2) (env {@code CHAT_DATABASE_POOL_SIZE})
 */
public record DatabaseSettings(String url, String user, String password, int poolSize) {
    /** The embedded SQLite file. */
    public static final DatabaseSettings SQLITE = new DatabaseSettings("", "", "", 0);

    /** Whether PostgreSQL is used. */
    public boolean postgres() {
        return !url.isEmpty();
    }

    /** The pool size to use, given the number of blocking threads. */
    public int poolSizeFor(int blockingThreads) {
        return poolSize > 0 ? poolSize : Math.max(2, blockingThreads);
    }

    @Override
    public String toString() {
        return "DatabaseSettings[url=" + url + ", user=" + user + ", password=" + (password.isEmpty() ? "" : "***")
                + ", poolSize=" + poolSize + "]";
    }
}
