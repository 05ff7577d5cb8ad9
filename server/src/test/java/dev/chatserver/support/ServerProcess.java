package dev.chatserver.support;

import dev.chatserver.Main;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code dev.chatserver.Main} in its own JVM (test classpath), configured by environment variables, on a free
 * loopback port; {@link #kill()} sends SIGKILL (no shutdown hook, no goodbye to the sockets, like a crashed node).
 * Its output goes to {@code <dir>/<name>.log}.
 */
public final class ServerProcess implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path log;

    private ServerProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts a server on a free port with a small heap and quick start-up ({@code -Xmx384m}, C1 only), as
     * {@link #start(Path, String, int, List, Map)}.
     */
    public static ServerProcess start(Path dir, String name, Map<String, String> env) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        return start(dir, name, port, List.of("-Xmx384m", "-XX:TieredStopAtLevel=1"), env);
    }

    /**
     * Starts a server and waits (up to 60 s) for its "listening on" log line; its output is appended to
     * {@code <dir>/<name>.log} (so a restart on the same port keeps one log).
     *
     * @param dir        working directory and log place
     * @param name       log file name (without {@code .log})
     * @param port       loopback port to listen on ({@code PORT}; a restart passes the same one)
     * @param jvmOptions options before {@code -cp}, e.g. {@code -Xmx512m}
     * @param env        settings, e.g. {@code CHAT_DB}, {@code CHAT_REDIS_URL}; {@code PORT} and {@code HOST} are set here
     * @throws AssertionError with the log when the server exits or does not listen in time
     */
    public static ServerProcess start(Path dir, String name, int port, List<String> jvmOptions, Map<String, String> env)
            throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String classes = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>();
        command.add(javaBin);
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classes + File.pathSeparator + cp, Main.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.directory(dir.toFile());
        pb.environment().putAll(env);
        pb.environment().put("PORT", String.valueOf(port));
        pb.environment().put("HOST", "127.0.0.1");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        Path log = dir.resolve(name + ".log");
        CompletableFuture<Void> listening = new CompletableFuture<>();
        Thread pump = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                 PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8,
                         StandardOpenOption.CREATE, StandardOpenOption.APPEND), true)) {
                for (String line; (line = in.readLine()) != null; ) {
                    out.println(line);
                    if (line.contains("listening on")) {
                        listening.complete(null);
                    }
                }
            } catch (IOException e) {
                listening.completeExceptionally(e);
            }
            listening.completeExceptionally(new AssertionError("server exited before listening"));
        }, name + "-log");
        pump.setDaemon(true);
        pump.start();
        try {
            listening.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
            throw new AssertionError(name + " did not start; log: " + (Files.exists(log) ? Files.readString(log) : ""), e);
        }
        return new ServerProcess(p, port, log);
    }

    /** The server's process (pid for /proc readings, SIGTERM/SIGKILL of the test's choosing). */
    public Process process() {
        return process;
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:<port>} */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** The process's output so far. */
    public String log() throws IOException {
        return Files.readString(log);
    }

    /** SIGKILL, then waits for the exit. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
