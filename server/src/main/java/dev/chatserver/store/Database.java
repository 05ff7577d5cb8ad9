package dev.chatserver.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;

/**
 * The database: a HikariCP pool, a {@link Jdbi} with the SqlObject plugin, and the schema applied at open.
 * Two engines behind the same DAOs ({@link Dialect}):
 * <ul>
 *   <li>SQLite (the default, embedded): sqlite-jdbc with WAL, {@code foreign_keys=ON}, {@code busy_timeout};
 *       schema {@code schema.sql}, version in {@code PRAGMA user_version}.</li>
 *   <li>PostgreSQL ({@code CHAT_DATABASE_URL=jdbc:postgresql://...}, issue #11): pgjdbc; schema
 *       {@code schema-postgres.sql} (same tables, columns and indexes; {@code pg_trgm} and {@code citext}
 *       extensions), version in the {@code schema_version} table. Booleans are bound as 0/1, as the columns are
 *       integers in both schemas.</li>
 * </ul>
 * Only this package knows which engine it is; SQL that differs between them lives here ({@link MessageSearch},
 * {@link MessageWriter}'s id allocation).
 */
public final class Database implements AutoCloseable {
    /** Jdbi attribute holding the {@link Dialect} name, so code given only a {@link Jdbi} can tell. */
    static final String DIALECT_ATTRIBUTE = "chatDialect";
    /** Longest wait for a pooled PostgreSQL connection before a request fails as {@code unavailable}, ms. */
    public static final long POSTGRES_CONNECTION_TIMEOUT_MS = 3_000;

    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final Dialect dialect;
    private final String description;

    /**
     * Opens (creating if needed) the database file and applies the schema.
     *
     * @param file        SQLite file; parent directories are created
     * @param synchronous {@code FULL} or {@code NORMAL}
     * @param poolSize    connections in the pool (readers; the message writer holds one)
     * @throws IllegalStateException if the file cannot be opened or the schema fails
     */
    public Database(Path file, String synchronous, int poolSize) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the directory of " + file + ": " + e.getMessage(), e);
        }
        Properties sqlite = new Properties();
        sqlite.setProperty("journal_mode", "WAL");
        sqlite.setProperty("synchronous", synchronous);
        sqlite.setProperty("foreign_keys", "true");
        sqlite.setProperty("busy_timeout", "10000");
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl("jdbc:sqlite:" + file.toAbsolutePath());
        hc.setDataSourceProperties(sqlite);
        hc.setMaximumPoolSize(poolSize);
        hc.setMinimumIdle(1);
        hc.setPoolName("sqlite");
        hc.setConnectionTimeout(30_000);
        this.dataSource = new HikariDataSource(hc);
        this.dialect = Dialect.SQLITE;
        this.description = file.toAbsolutePath().toString();
        this.jdbi = Jdbi.create(dataSource).installPlugin(new SqlObjectPlugin());
        jdbi.define(DIALECT_ATTRIBUTE, dialect.name());
        applySchema();
    }

    private Database(HikariDataSource dataSource, String description) {
        this.dataSource = dataSource;
        this.dialect = Dialect.POSTGRES;
        this.description = description;
        this.jdbi = Jdbi.create(dataSource).installPlugin(new SqlObjectPlugin());
        jdbi.define(DIALECT_ATTRIBUTE, dialect.name());
        jdbi.registerArgument(new IntegerBooleans());
        try {
            applyPostgresSchema();
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
    }

    /**
     * Opens the database the settings name: PostgreSQL when {@code databaseUrl} is set, else the SQLite file.
     *
     * @param databaseUrl empty for SQLite, else {@code jdbc:postgresql://host:port/db}
     * @param user        PostgreSQL user (empty: the driver's default, or the URL's {@code user=})
     * @param password    PostgreSQL password (empty: none)
     * @param file        SQLite file (ignored for PostgreSQL)
     * @param synchronous SQLite {@code FULL} or {@code NORMAL} (ignored for PostgreSQL)
     * @param poolSize    connections in the pool
     * @throws IllegalStateException if the database cannot be reached or the schema fails
     */
    public static Database open(String databaseUrl, String user, String password, Path file, String synchronous,
                                int poolSize) {
        return databaseUrl == null || databaseUrl.isEmpty()
                ? new Database(file, synchronous, poolSize)
                : postgres(databaseUrl, user, password, poolSize);
    }

    /**
     * Opens a PostgreSQL database and applies {@code schema-postgres.sql} (idempotent; under an advisory lock, so
     * several nodes may start at once). Pool: {@code poolSize} connections, a connection is waited for at most
     * {@value #POSTGRES_CONNECTION_TIMEOUT_MS} ms (then the caller gets {@code unavailable}); Hikari reconnects by
     * itself once the server answers again.
     *
     * @param url      {@code jdbc:postgresql://host:port/db[?...]}
     * @param user     user, or empty
     * @param password password, or empty
     * @param poolSize connections, at least 2 (the message writer holds one while it commits)
     * @throws IllegalStateException when the server cannot be reached (one line naming the URL) or the schema fails
     */
    public static Database postgres(String url, String user, String password, int poolSize) {
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("databaseUrl must start with jdbc:postgresql:, got '" + url + "'");
        }
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(url);
        if (user != null && !user.isEmpty()) {
            hc.setUsername(user);
        }
        if (password != null && !password.isEmpty()) {
            hc.setPassword(password);
        }
        Properties pg = new Properties();
        pg.setProperty("connectTimeout", "5");        // seconds, TCP connect
        pg.setProperty("socketTimeout", "60");        // seconds, a query that long means the server is gone
        pg.setProperty("tcpKeepAlive", "true");
        pg.setProperty("ApplicationName", "chat-server");
        // strings are sent untyped, so PostgreSQL types them from the column: users.username = :name compares as
        // citext (case-insensitive, like SQLite's COLLATE NOCASE) instead of as text
        pg.setProperty("stringtype", "unspecified");
        hc.setDataSourceProperties(pg);
        hc.setMaximumPoolSize(Math.max(2, poolSize));
        hc.setMinimumIdle(1);
        hc.setPoolName("postgres");
        hc.setConnectionTimeout(POSTGRES_CONNECTION_TIMEOUT_MS);
        hc.setValidationTimeout(1_000);
        String shown = url.replaceFirst("\\?.*", ""); // the query may hold a password
        HikariDataSource ds;
        try {
            ds = new HikariDataSource(hc);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot connect to PostgreSQL at " + shown + ": " + rootMessage(e), e);
        }
        return new Database(ds, shown);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    /** The schema version both schema files record (SQLite {@code user_version}, PostgreSQL {@code schema_version}). */
    public static final int SCHEMA_VERSION = 3;

    private void applyPostgresSchema() {
        String sql = resource("/schema-postgres.sql");
        jdbi.useTransaction(h -> {
            h.execute("SELECT pg_advisory_xact_lock(" + SCHEMA_LOCK + ")"); // nodes starting together take turns
            for (String statement : statements(sql)) {
                h.execute(statement);
            }
            int version = h.createQuery("SELECT version FROM schema_version WHERE id = 1").mapTo(Integer.class).one();
            if (version > SCHEMA_VERSION) {
                throw new IllegalStateException("the PostgreSQL schema is version " + version + ", newer than this build ("
                        + SCHEMA_VERSION + "); run a newer chat-server");
            }
        });
    }

    /** Advisory lock key of the schema migration (any constant other code does not use). */
    private static final long SCHEMA_LOCK = 0x63686174L; // "chat"

    private static String resource(String name) {
        try (InputStream in = Database.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name.substring(1) + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + name.substring(1), e);
        }
    }

    private void applySchema() {
        String sql = resource("/schema.sql");
        jdbi.useHandle(h -> {
            upgrade(h);
            boolean ftsExisted = h.createQuery("SELECT count(*) FROM sqlite_master WHERE name = 'messages_fts'")
                    .mapTo(Integer.class).one() > 0;
            for (String statement : statements(sql)) {
                h.execute(statement);
            }
            if (!ftsExisted) { // an existing database gets its messages indexed once
                h.execute("INSERT INTO messages_fts (messages_fts) VALUES ('rebuild')");
                h.execute("DELETE FROM messages_fts_pending"); // rebuilt from every message: nothing is left to queue
            }
        });
    }

    /**
     * Splits a SQL script into statements at the semicolons outside quotes, comments and
     * {@code BEGIN ... END} blocks (trigger bodies; Jdbi's script parser refuses those). {@code --} comments are dropped.
     *
     * @return the statements without their final semicolon, blank ones left out
     */
    static java.util.List<String> statements(String script) {
        java.util.List<String> out = new java.util.ArrayList<>();
        StringBuilder cur = new StringBuilder();
        StringBuilder word = new StringBuilder();
        int depth = 0;
        boolean quoted = false;
        for (int i = 0; i < script.length(); i++) {
            char c = script.charAt(i);
            if (!quoted && c == '-' && i + 1 < script.length() && script.charAt(i + 1) == '-') {
                while (i < script.length() && script.charAt(i) != '\n') {
                    i++;
                }
                c = '\n';
            }
            if (c == '\'') {
                quoted = !quoted;
            }
            if (!quoted && Character.isLetter(c)) {
                word.append(c);
            } else if (word.length() > 0) {
                String w = word.toString().toUpperCase(java.util.Locale.ROOT);
                if (w.equals("BEGIN")) {
                    depth++;
                } else if (w.equals("END") && depth > 0) {
                    depth--;
                }
                word.setLength(0);
            }
            if (c == ';' && !quoted && depth == 0) {
                if (!cur.toString().isBlank()) {
                    out.add(cur.toString().strip());
                }
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (!cur.toString().isBlank()) {
            out.add(cur.toString().strip());
        }
        return out;
    }

    /**
     * Brings a database made by an older schema.sql up to the columns the current one expects, before the
     * script runs (CREATE TABLE IF NOT EXISTS leaves existing tables as they are). Each step checks first,
     * so it is idempotent. Version 2: {@code messages.file_id} (issue #5), {@code messages.edited_at} and
     * {@code deleted_at} (issue #7). Version 3: the table {@code room_retention} (issue #10), new, so the script's
     * {@code CREATE TABLE IF NOT EXISTS} adds it.
     */
    private static void upgrade(org.jdbi.v3.core.Handle h) {
        addColumnIfMissing(h, "messages", "edited_at", "INTEGER");
        addColumnIfMissing(h, "messages", "deleted_at", "INTEGER");
        boolean hasMessages = h.createQuery("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'messages'")
                .mapTo(Integer.class).one() > 0;
        if (hasMessages && h.createQuery("SELECT count(*) FROM pragma_table_info('messages') WHERE name = 'file_id'")
                .mapTo(Integer.class).one() == 0) {
            h.execute("ALTER TABLE messages ADD COLUMN file_id TEXT REFERENCES uploads (id)");
        }
    }

    private static void addColumnIfMissing(org.jdbi.v3.core.Handle h, String table, String column, String type) {
        java.util.List<String> cols = h.createQuery("SELECT name FROM pragma_table_info('" + table + "')")
                .mapTo(String.class).list();
        if (!cols.isEmpty() && !cols.contains(column)) { // empty: the table is new, the script creates it whole
            h.execute("ALTER TABLE " + table + " ADD COLUMN " + column + " " + type);
        }
    }

    /** The Jdbi instance; DAOs come from {@code jdbi.onDemand(Dao.class)}. */
    public Jdbi jdbi() {
        return jdbi;
    }

    /** Which engine this is. */
    public Dialect dialect() {
        return dialect;
    }

    /** The dialect of a {@link Jdbi} made by this class (SQLite for any other). */
    static Dialect dialectOf(Jdbi jdbi) {
        Object d = jdbi.getConfig(SqlStatements.class).getAttribute(DIALECT_ATTRIBUTE);
        return Dialect.POSTGRES.name().equals(d) ? Dialect.POSTGRES : Dialect.SQLITE;
    }

    /** The SQLite file's absolute path, or the PostgreSQL URL (for log lines; never a password). */
    public String description() {
        return description;
    }

    /**
     * SQLite: runs {@code PRAGMA integrity_check}. PostgreSQL checks its own pages (checksums, WAL); there this
     * reads every message row once and answers "ok" when that succeeds.
     *
     * @return "ok" when the database is sound, else SQLite's report
     */
    public String integrityCheck() {
        if (dialect == Dialect.POSTGRES) {
            jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM messages").mapTo(Long.class).one());
            return "ok";
        }
        return jdbi.withHandle(h -> h.createQuery("PRAGMA integrity_check").mapTo(String.class).one());
    }

    /**
     * Whether a failure means the database cannot be reached now (connection refused or lost, pool timeout,
     * server shutting down), as opposed to a refused statement. Such failures are reported as {@code unavailable}.
     */
    public static boolean isUnavailable(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLTransientConnectionException
                    || t instanceof java.sql.SQLNonTransientConnectionException
                    || t instanceof java.sql.SQLRecoverableException
                    || t instanceof java.net.ConnectException) {
                return true;
            }
            if (t instanceof java.sql.SQLException se && se.getSQLState() != null
                    && (se.getSQLState().startsWith("08") || se.getSQLState().startsWith("57P"))) {
                return true; // connection exception class; admin/crash shutdown, cannot connect now
            }
        }
        return false;
    }

    @Override
    public void close() {
        dataSource.close();
    }

    /**
     * Runs {@code work} in a SQLite transaction that takes the write lock first ({@code BEGIN IMMEDIATE}, waiting up
     * to busy_timeout): a deferred transaction that reads before it writes fails at once with SQLITE_BUSY when
     * another connection (or node) committed in between, because a lock upgrade does not wait. Commits after
     * {@code work}; rolls back and rethrows if it throws.
     *
     * @param h    a handle in auto-commit mode (not inside a transaction of the caller's)
     * @param work the statements, run on {@code h}
     * @return what {@code work} returned
     */
    static <T> T immediate(org.jdbi.v3.core.Handle h, java.util.function.Supplier<T> work) {
        h.execute("BEGIN IMMEDIATE");
        try {
            T result = work.get();
            h.execute("COMMIT");
            return result;
        } catch (RuntimeException e) {
            try {
                h.execute("ROLLBACK");
            } catch (RuntimeException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
    }
}
