package dev.chatserver.support;

import dev.chatserver.config.DatabaseSettings;
import dev.chatserver.config.ServerConfig;
import dev.chatserver.store.Database;
import java.nio.file.Path;

/**
 * The database a DAO or service test opens: a SQLite file in {@code dir}, or with {@code -Dtest.database=postgres}
 * a fresh database on the shared test PostgreSQL ({@link PostgresServer#shared()}). The same tests then check both.
 */
public final class TestDatabases {
    private TestDatabases() {
    }

    /** Opens a new, empty database (pool of 2). */
    public static Database open(Path dir) {
        if (PostgresServer.selected()) {
            return Database.postgres(PostgresServer.shared().createDatabase(), PostgresServer.USER, "", 2);
        }
        return new Database(dir.resolve("t.sqlite3"), "NORMAL", 2);
    }

    /** {@code config} unchanged, or with {@code -Dtest.database=postgres} pointed at a fresh PostgreSQL database. */
    public static ServerConfig adapt(ServerConfig config) {
        if (!PostgresServer.selected() || config.database().postgres()) {
            return config;
        }
        return config.withDatabase(new DatabaseSettings(PostgresServer.shared().createDatabase(), PostgresServer.USER, "", 0));
    }
}
