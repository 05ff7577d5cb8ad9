package dev.chatserver;

import dev.chatserver.config.ConfigLoader;
import dev.chatserver.config.ServerConfig;
import dev.chatserver.ops.Backup;
import dev.chatserver.ops.LogSetup;
import dev.chatserver.store.SqliteToPostgres;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar chat-server.jar}: reads the configuration (one clear line and exit code 2 when it is
 * wrong), starts the server and closes it cleanly on Ctrl-C / SIGTERM.
 * {@code java -jar chat-server.jar backup <file>} copies the database online (see {@link Backup});
 * {@code java -jar chat-server.jar migrate-to-postgres ...} copies it into PostgreSQL (see {@link SqliteToPostgres}).
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        // Netty's leak detector samples buffers on the hot path (~4 % CPU measured); tests keep it on.
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            System.setProperty("io.netty.leakDetection.level", "disabled");
        }
        ServerConfig config;
        try {
            config = ConfigLoader.fromProcess();
        } catch (ConfigLoader.ConfigException e) {
            System.err.println("chat-server: configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            LogSetup.apply(config.logging(), config.debug()); // logFormat, logFile, ...; DEBUG=true (seeds 001, 003)
        } catch (IllegalStateException e) {
            System.err.println("chat-server: configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (args.length > 0) {
            System.exit(command(args, config));
            return;
        }
        Logger log = LoggerFactory.getLogger("chat-server");
        ChatServer server;
        int port;
        try {
            server = new ChatServer(config);
            port = server.start();
        } catch (RuntimeException e) {
            System.err.println("chat-server: cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("shutting down");
            server.close();
        }, "shutdown"));
        String shown = config.host().equals("0.0.0.0") ? "localhost" : config.host();
        log.info("chat-server listening on http://{}:{}/ (database {})", shown, port, server.database().description());
    }

    /** Runs a command instead of the server. @return the exit code (0 ok, 1 failed, 2 usage) */
    private static int command(String[] args, ServerConfig config) {
        if (args[0].equals("backup") && args.length == 2) {
            if (config.database().postgres()) {
                System.err.println("chat-server: the database is PostgreSQL (CHAT_DATABASE_URL); back it up with pg_dump");
                return 1;
            }
            try {
                Backup.Result r = Backup.run(config.dbPath(), Path.of(args[1]));
                System.out.println("backup written to " + r.target().toAbsolutePath() + ": " + r.messages()
                        + " messages, " + r.bytes() + " bytes, integrity ok");
                return 0;
            } catch (RuntimeException e) {
                System.err.println("chat-server: " + e.getMessage());
                return 1;
            }
        }
        if (args[0].equals("migrate-to-postgres")) {
            return migrateToPostgres(args, config);
        }
        System.err.println("usage: java -jar chat-server.jar [backup <file> | " + MIGRATE_USAGE + "]");
        return 2;
    }

    private static final String MIGRATE_USAGE =
            "migrate-to-postgres [--from chat.db] --to jdbc:postgresql://host:port/db [--user u] [--password p]";

    /**
     * {@code migrate-to-postgres [--from file] --to url [--user u] [--password p]}: copies the SQLite database
     * ({@code --from}, default {@code CHAT_DB}) into an empty PostgreSQL database ({@code --to}, default
     * {@code CHAT_DATABASE_URL}; user and password default to {@code CHAT_DATABASE_USER} / {@code _PASSWORD}) and
     * prints the rows per table on both sides. @return 0 copied, 1 failed (nothing kept), 2 usage
     */
    private static int migrateToPostgres(String[] args, ServerConfig config) {
        Path from = config.dbPath();
        String to = config.database().url();
        String user = config.database().user();
        String password = config.database().password();
        for (int i = 1; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--from" -> from = value == null ? null : Path.of(value);
                case "--to" -> to = value;
                case "--user" -> user = value;
                case "--password" -> password = value;
                default -> {
                    System.err.println("chat-server: unknown option '" + args[i] + "'\nusage: java -jar chat-server.jar "
                            + MIGRATE_USAGE);
                    return 2;
                }
            }
            if (value == null) {
                System.err.println("chat-server: " + args[i] + " needs a value\nusage: java -jar chat-server.jar " + MIGRATE_USAGE);
                return 2;
            }
            i++;
        }
        if (to == null || !to.startsWith("jdbc:postgresql://")) {
            System.err.println("chat-server: --to must be jdbc:postgresql://host:port/db\nusage: java -jar chat-server.jar "
                    + MIGRATE_USAGE);
            return 2;
        }
        try {
            SqliteToPostgres.Result r = SqliteToPostgres.run(from, to, user, password, 1000);
            System.out.print(r.report());
            System.out.println("migrated " + from.toAbsolutePath() + " to " + to + "; start the server with CHAT_DATABASE_URL=" + to);
            return 0;
        } catch (RuntimeException e) {
            System.err.println("chat-server: " + e.getMessage());
            return 1;
        }
    }
}
