package dev.chatserver.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's nginx ({@code /usr/sbin/nginx}, installed by the README's test command) run in the foreground with a
 * documented site block, root-safe: the {@code user} directive names the current user (used only when started as
 * root, as in CI), and pid, logs and temp paths live in the test's directory. Used by the tests of docs/deploy.md
 * and docs/scale.md, which take the site block from the document itself so the document is what is tested.
 */
public final class NginxServer implements AutoCloseable {
    /** Where Debian's package puts the binary. */
    public static final Path BINARY = Path.of("/usr/sbin/nginx");

    private final Process process;
    private final Path dir;

    private NginxServer(Process process, Path dir) {
        this.process = process;
        this.dir = dir;
    }

    /** @return true when the nginx binary is installed */
    public static boolean available() {
        return Files.isExecutable(BINARY);
    }

    /**
     * The first {@code ```nginx} block after {@code marker} in a document of the repository.
     *
     * @param doc    path relative to the repository root, e.g. {@code docs/scale.md}
     * @param marker text before the block ("" = the first block of the document)
     * @throws AssertionError when the marker or the block is gone
     */
    public static String documentedBlock(String doc, String marker) throws IOException {
        return RepoDocs.fencedBlock(doc, "nginx", marker);
    }

    /** Replaces {@code target} in a documented block. @throws AssertionError when the document no longer has it */
    public static String replaceOnce(String text, String target, String replacement) {
        assertTrue(text.contains(target), "the documented nginx config no longer has: " + target);
        return text.replace(target, replacement);
    }

    /** @return a loopback port free at the time of the call */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * Checks the configuration ({@code nginx -t}), starts nginx and waits (at most 15 s) until it accepts on
     * {@code port}.
     *
     * @param dir  temp directory for the config, pid, logs and temp files
     * @param site the {@code upstream}/{@code server} blocks that go inside {@code http { }}
     * @param port the port the site listens on (127.0.0.1)
     * @throws AssertionError with nginx's error log when the config is refused or nginx does not listen
     */
    public static NginxServer start(Path dir, String site, int port) throws Exception {
        for (String temp : List.of("client_body", "proxy", "fastcgi", "uwsgi", "scgi", "logs")) {
            Files.createDirectories(dir.resolve(temp));
        }
        String conf = "user " + System.getProperty("user.name") + ";\n"
                + "worker_processes 1;\n"
                + "daemon off;\n"
                + "pid " + dir.resolve("nginx.pid") + ";\n"
                + "error_log " + dir.resolve("logs/error.log") + " info;\n"
                + "events { worker_connections 256; }\n"
                + "http {\n"
                + "    access_log " + dir.resolve("logs/access.log") + ";\n"
                + "    client_body_temp_path " + dir.resolve("client_body") + ";\n"
                + "    proxy_temp_path " + dir.resolve("proxy") + ";\n"
                + "    fastcgi_temp_path " + dir.resolve("fastcgi") + ";\n"
                + "    uwsgi_temp_path " + dir.resolve("uwsgi") + ";\n"
                + "    scgi_temp_path " + dir.resolve("scgi") + ";\n"
                + site
                + "}\n";
        Path confFile = dir.resolve("nginx.conf");
        Files.writeString(confFile, conf);
        List<String> base = List.of(BINARY.toString(), "-p", dir + "/", "-e", dir.resolve("logs/error.log").toString(),
                "-c", confFile.toString());
        List<String> check = new java.util.ArrayList<>(base);
        check.add("-t");
        run(dir, check);
        Process p = new ProcessBuilder(base).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("logs/stdout.log").toFile()).start();
        NginxServer nginx = new NginxServer(p, dir);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) { // nginx says nothing when it listens: await the port, with a deadline
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return nginx;
            } catch (IOException notYet) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    nginx.close();
                    throw new AssertionError("nginx did not listen on " + port + ":\n" + nginx.errorLog());
                }
                Thread.onSpinWait();
            }
        }
    }

    /** Runs a command in {@code dir}, asserting exit 0 within 60 s. @return its output */
    public static String run(Path dir, List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        assertEquals(0, p.exitValue(), String.join(" ", command) + " failed:\n" + out);
        return out;
    }

    /** nginx's error log so far ("" when none). */
    public String errorLog() throws IOException {
        Path log = dir.resolve("logs/error.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** SIGTERM (nginx's fast shutdown), SIGKILL after 10 s. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
