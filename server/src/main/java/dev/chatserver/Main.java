package dev.chatserver;

import dev.chatserver.config.ConfigLoader;
import dev.chatserver.config.ServerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar chat-server.jar}: reads the configuration (one clear line and exit code 2 when it is
 * wrong), starts the server and closes it cleanly on Ctrl-C / SIGTERM.
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
}
