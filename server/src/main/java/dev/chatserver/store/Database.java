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
            upgrade(h); // before the script: its indexes may name the added columns
            h.createScript(sql).execute();
        });
    }

    /**
     * Columns added to existing tables after their first release; {@code CREATE TABLE IF NOT EXISTS} does not
     * add them to a database created earlier, so they are added here when missing (idempotent).
     */
    private static void upgrade(org.jdbi.v3.core.Handle h) {
        addColumnIfMissing(h, "messages", "edited_at", "INTEGER");
        addColumnIfMissing(h, "messages", "deleted_at", "INTEGER");
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
