package dev.chatserver.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for tests, from Debian's binaries ({@code apt-get install postgresql}:
 * {@code /usr/lib/postgresql/<version>/bin/initdb}, {@code pg_ctl}; the package's own cluster is not used).
 * {@link #start()} makes a new cluster in a temp directory and starts it on a free loopback port with trust
 * authentication on 127.0.0.1 and {@code fsync=off} (speed; the tests do not cut power). initdb and postgres
 * refuse to run as root (CI runs as root), so as root the directory is given to the {@code postgres} user and
 * every command runs through {@code runuser -u postgres --}. Missing binaries fail with a clear message, never a
 * silent skip. {@link #close()} stops the server (immediate mode) and removes the directory ({@code rm -rf}, not
 * waited for: with many test databases it holds thousands of files, and surefire gives the JVM's exit 30 s).
 *
 * <p>{@link #shared()} is one server for the whole test JVM (the tests that re-run the SQLite suites on
 * PostgreSQL with {@code -Dtest.database=postgres}); each server or DAO test gets its own database from
 * {@link #createDatabase()}.
 */
public final class PostgresServer implements AutoCloseable {
    /** Superuser of the test cluster (trust authentication, no password). */
    public static final String USER = "postgres";
    /** The system property that makes {@link TestServer} and {@link TestDatabases} use PostgreSQL. */
    public static final String MODE_PROPERTY = "test.database";
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static PostgresServer shared;

    private final Path bin;
    private final Path dir;
    private final Path data;
    private final int port;
    private final boolean asRoot;
    private boolean running;

    private PostgresServer(Path bin, Path dir, int port, boolean asRoot) {
        this.bin = bin;
        this.dir = dir;
        this.data = dir.resolve("data");
        this.port = port;
        this.asRoot = asRoot;
    }

    /** Whether the tests run on PostgreSQL ({@code -Dtest.database=postgres}). */
    public static boolean selected() {
        return "postgres".equalsIgnoreCase(System.getProperty(MODE_PROPERTY, ""));
    }

    /** The JVM-wide server, started on first use and stopped at JVM exit. */
    public static synchronized PostgresServer shared() {
        if (shared == null) {
            PostgresServer s = start();
            Runtime.getRuntime().addShutdownHook(new Thread(s::close, "postgres-stop"));
            shared = s;
        }
        return shared;
    }

    /**
     * Creates a cluster and starts it.
     *
     * @throws IllegalStateException when the binaries are missing or the server does not start (with its log)
     */
    public static PostgresServer start() {
        Path bin = findBin();
        boolean asRoot = "root".equals(System.getProperty("user.name"));
        try {
            Path dir = Files.createTempDirectory("chat-pg-");
            PostgresServer s = new PostgresServer(bin, dir, freePort(), asRoot);
            if (asRoot) {
                run(List.of("chmod", "755", dir.toString()), dir.resolve("chmod.out"));
                run(List.of("chown", USER, dir.toString()), dir.resolve("chown.out"));
            }
            s.pg(List.of(bin.resolve("initdb").toString(), "-D", s.data.toString(), "-A", "trust", "-U", USER,
                    "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"), "initdb");
            s.startServer();
            return s;
        } catch (IOException e) {
            throw new IllegalStateException("cannot prepare a PostgreSQL directory: " + e.getMessage(), e);
        }
    }

    private static Path findBin() {
        Path root = Path.of("/usr/lib/postgresql");
        List<Path> versions = new ArrayList<>();
        if (Files.isDirectory(root)) {
            try (Stream<Path> s = Files.list(root)) {
                s.filter(p -> Files.isExecutable(p.resolve("bin/initdb")) && Files.isExecutable(p.resolve("bin/pg_ctl")))
                        .forEach(versions::add);
            } catch (IOException e) {
                throw new IllegalStateException("cannot list " + root + ": " + e.getMessage(), e);
            }
        }
        if (versions.isEmpty()) {
            throw new IllegalStateException("PostgreSQL binaries not found (/usr/lib/postgresql/<version>/bin/initdb): "
                    + "install them with 'apt-get install -y postgresql' (the README's test command does)");
        }
        versions.sort(Comparator.comparingInt(p -> version(p.getFileName().toString())));
        return versions.get(versions.size() - 1).resolve("bin");
    }

    private static int version(String name) {
        try {
            return Integer.parseInt(name.replaceAll("\\D.*", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Starts the server again after {@link #stop()} (same port, same data). */
    public synchronized void startServer() {
        if (running) {
            return;
        }
        pg(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", dir.resolve("postgres.log").toString(),
                "-w", "-t", "60", "-o", "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories="
                        + dir + " -c fsync=off -c full_page_writes=off -c max_connections=300", "start"), "pg_ctl start");
        running = true;
    }

    /** Stops the server now (immediate mode: like a crash of the database; clients see their connections drop). */
    public synchronized void stop() {
        if (!running) {
            return;
        }
        pg(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop"), "pg_ctl stop");
        running = false;
    }

    /** The port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** The JDBC URL of database {@code name}. */
    public String url(String name) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + name;
    }

    /** Creates a new, empty database. @return its JDBC URL (user {@link #USER}, no password) */
    public String createDatabase() {
        String name = "chat_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(url("postgres"), USER, "");
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("CREATE DATABASE failed: " + e.getMessage(), e);
        }
        return url(name);
    }

    @Override
    public synchronized void close() {
        try {
            stop();
        } catch (RuntimeException e) {
            System.err.println("PostgresServer: " + e.getMessage());
        }
        try { // the cluster holds every test database (thousands of files): rm runs on after the JVM, not waited for
            new ProcessBuilder("rm", "-rf", dir.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            System.err.println("PostgresServer: cannot remove " + dir + ": " + e.getMessage());
        }
    }

    /** Runs a PostgreSQL command (as the postgres user when we are root). */
    private void pg(List<String> command, String what) {
        List<String> cmd = new ArrayList<>();
        if (asRoot) {
            cmd.addAll(Arrays.asList("runuser", "-u", USER, "--"));
        }
        cmd.addAll(command);
        Path out = dir.resolve(what.replace(' ', '-') + ".out");
        int code = run(cmd, out);
        if (code != 0) {
            throw new IllegalStateException(what + " failed (exit " + code + "): " + tail(out) + tail(dir.resolve("postgres.log")));
        }
    }

    private static int run(List<String> cmd, Path out) {
        try {
            // output to a file: the postmaster started by pg_ctl keeps inherited pipes open
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " did not finish in 120 s");
            }
            return p.exitValue();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + cmd.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String tail(Path file) {
        try {
            String s = Files.readString(file);
            return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
        } catch (IOException e) {
            return "";
        }
    }
}
