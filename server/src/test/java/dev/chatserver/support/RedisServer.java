package dev.chatserver.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code redis-server} on a free loopback port, no persistence ({@code --save '' --appendonly no}), in the
 * foreground as a child process. {@link #stop()} kills it (SIGKILL, like a crash) and {@link #start()} starts it again
 * on the same port, so tests can take Redis away and bring it back. {@link #close()} stops it for good.
 * CI installs the binary ({@code apt-get install redis-server}).
 */
public final class RedisServer implements AutoCloseable {
    /** The binary the tests need. */
    public static final Path BINARY = Path.of("/usr/bin/redis-server");
    private final int port;
    private final Path log;
    private Process process;

    private RedisServer(int port, Path log) {
        this.port = port;
        this.log = log;
    }

    /** Starts one on a free port; its log goes to {@code dir/redis.log}. @throws AssertionError when it does not answer in 10 s */
    public static RedisServer start(Path dir) {
        if (!Files.isExecutable(BINARY)) {
            throw new AssertionError(BINARY + " is missing: apt-get install -y redis-server (see README's test command)");
        }
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        } catch (IOException e) {
            throw new AssertionError("no free port", e);
        }
        RedisServer r = new RedisServer(port, dir.resolve("redis.log"));
        r.start();
        return r;
    }

    /** Starts the process on this server's port (again) and waits until it answers PING. */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        try {
            process = new ProcessBuilder(List.of(BINARY.toString(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--daemonize", "no"))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new AssertionError("cannot start " + BINARY, e);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (ping()) {
                return;
            }
            if (!process.isAlive()) {
                throw new AssertionError("redis-server exited with " + process.exitValue() + "; see " + log);
            }
            try {
                process.waitFor(50, TimeUnit.MILLISECONDS); // a poll interval while it starts, not a synchronisation
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("redis-server did not answer PING on port " + port + " within 10 s; see " + log);
    }

    /** Kills the process (SIGKILL) and waits for it to end; the port is free afterwards. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** Whether it answers {@code PING} with {@code +PONG} now. */
    public boolean ping() {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(1000);
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] b = new byte[7];
            int n = in.readNBytes(b, 0, 7);
            return n == 7 && new String(b, StandardCharsets.US_ASCII).equals("+PONG\r\n");
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Sends one command (RESP array of bulk strings) and returns the first line of the answer, e.g. {@code :3}.
     * @throws AssertionError when Redis does not answer
     */
    public String command(String... args) {
        StringBuilder b = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            b.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
        }
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(b.toString().getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            return in.readLine();
        } catch (IOException e) {
            throw new AssertionError("redis command " + args[0] + " failed", e);
        }
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:<port>} */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        stop();
    }
}
