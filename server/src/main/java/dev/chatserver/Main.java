package dev.chatserver;

import dev.chatserver.config.ConfigLoader;
import dev.chatserver.config.ServerConfig;
import dev.chatserver.ops.Backup;
import dev.chatserver.ops.LogSetup;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar chat-server.jar}: reads the configuration (one clear line and exit code 2 when it is
 * wrong), starts the server and closes it cleanly on Ctrl-C / SIGTERM.
 * {@code java -jar chat-server.jar backup <file>} copies the database online (see {@link Backup}).
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
        log.info("chat-server listening on http://{}:{}/ (database {})", shown, port, config.dbPath().toAbsolutePath());
    }

    /** Runs a command instead of the server. @return the exit code (0 ok, 1 failed, 2 usage) */
    private static int command(String[] args, ServerConfig config) {
        if (args[0].equals("backup") && args.length == 2) {
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
        System.err.println("usage: java -jar chat-server.jar [backup <file>]");
        return 2;
    }
}
