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
import org.jdbi.v3.sqlobject.SqlObjectPlugin;

/**
 * The SQLite database: a HikariCP pool over sqlite-jdbc (WAL, {@code foreign_keys=ON}, {@code busy_timeout}),
 * a {@link Jdbi} with the SqlObject plugin, and the schema from {@code schema.sql} applied at open.
 * Only this package knows it is SQLite.
 */
public final class Database implements AutoCloseable {
    private final HikariDataSource dataSource;
    private final Jdbi jdbi;

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
        this.jdbi = Jdbi.create(dataSource).installPlugin(new SqlObjectPlugin());
        applySchema();
    }

    private void applySchema() {
        String sql;
        try (InputStream in = Database.class.getResourceAsStream("/schema.sql")) {
            if (in == null) {
                throw new IllegalStateException("schema.sql is missing from the classpath");
            }
            sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read schema.sql", e);
        }
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
     * {@code deleted_at} (issue #7).
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

    /** Runs {@code PRAGMA integrity_check}; @return "ok" when the file is sound */
    public String integrityCheck() {
        return jdbi.withHandle(h -> h.createQuery("PRAGMA integrity_check").mapTo(String.class).one());
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
