package dev.chatserver.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads {@link ServerConfig}. Precedence, highest first: system property {@code -Dchat.<key>}, the
 * environment variable named in {@link #ENV_NAMES} (the seeds' names, e.g. {@code CHAT_DB}, {@code PORT}),
 * {@code config.properties} in the working directory, the {@code config.properties} inside the jar.
 * Every key must have a default in the jar's file.
 *
 * @throws ConfigException (from {@link #load()}) with one clear line for an unknown key or a bad value
 */
public final class ConfigLoader {

    /** Key -> environment variable. Keys not listed here are read from {@code CHAT_<KEY_IN_SNAKE_CASE>}. */
    static final Map<String, String> ENV_NAMES = Map.of(
            "port", "PORT",
            "host", "HOST",
            "dbPath", "CHAT_DB",
            "uploadsDir", "CHAT_UPLOADS",
            "allowedOrigins", "CORS_ALLOWED_ORIGINS");

    private static final Set<String> KEYS = Set.of("port", "host", "dbPath", "uploadsDir", "allowedOrigins",
            "pingIntervalMs", "pingTimeoutMs", "messageMaxChars", "historyOnJoin", "maxFrameBytes",
            "commitBatchMax", "writeQueueMax", "sqliteSynchronous", "blockingThreads", "httpBodyMaxBytes",
            "uploadMaxBytes", "uploadAllowedTypes", "uploadMaxPixels", "uploadsPerFiveMinutes", "uploadQuotaBytes",
            "uploadOrphanMs");

    private final Map<String, String> env;
    private final Properties system;
    private final Path workDir;

    /** @param env environment variables; system properties; working directory holding an optional config.properties */
    public ConfigLoader(Map<String, String> env, Properties system, Path workDir) {
        this.env = env;
        this.system = system;
        this.workDir = workDir;
    }

    /** Loads from the real process environment. */
    public static ServerConfig fromProcess() {
        return new ConfigLoader(System.getenv(), System.getProperties(), Path.of("")).load();
    }

    /** @return the settings; @throws ConfigException naming the key and the bad value */
    public ServerConfig load() {
        Properties defaults = new Properties();
        try (InputStream in = ConfigLoader.class.getResourceAsStream("/config.properties")) {
            if (in == null) {
                throw new ConfigException("config.properties is missing from the jar");
            }
            defaults.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ConfigException("cannot read the jar's config.properties: " + e.getMessage());
        }
        Properties file = new Properties();
        Path local = workDir.resolve("config.properties");
        if (Files.isRegularFile(local)) {
            try (Reader r = Files.newBufferedReader(local, StandardCharsets.UTF_8)) {
                file.load(r);
            } catch (IOException e) {
                throw new ConfigException("cannot read " + local.toAbsolutePath() + ": " + e.getMessage());
            }
            for (String k : file.stringPropertyNames()) {
                if (!KEYS.contains(k)) {
                    throw new ConfigException("unknown key '" + k + "' in " + local.toAbsolutePath());
                }
            }
        }
        for (String p : system.stringPropertyNames()) {
            if (p.startsWith("chat.") && !KEYS.contains(p.substring(5))) {
                throw new ConfigException("unknown system property -D" + p);
            }
        }
        Function<String, String> get = key -> {
            String v = system.getProperty("chat." + key);
            if (v == null) {
                v = env.get(envName(key));
            }
            if (v == null) {
                v = file.getProperty(key);
            }
            if (v == null) {
                v = defaults.getProperty(key);
            }
            if (v == null) {
                throw new ConfigException("no value for '" + key + "'");
            }
            return v.trim();
        };
        String sync = get.apply("sqliteSynchronous").toUpperCase(java.util.Locale.ROOT);
        if (!sync.equals("FULL") && !sync.equals("NORMAL")) {
            throw new ConfigException("sqliteSynchronous must be FULL or NORMAL, got '" + sync + "'");
        }
        List<String> origins = Arrays.stream(get.apply("allowedOrigins").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
        for (String o : origins) {
            if (o.equals("*")) {
                throw new ConfigException("allowedOrigins: '*' is refused (credentials are used); list the origins");
            }
            if (!validOrigin(o)) {
                throw new ConfigException("allowedOrigins: '" + o + "' is not an origin like https://chat.example.org");
            }
        }
        List<String> types = new java.util.ArrayList<>();
        for (String t : get.apply("uploadAllowedTypes").split(",")) {
            String name = t.trim().toLowerCase(java.util.Locale.ROOT);
            if (name.equals("jpeg")) {
                name = "jpg";
            }
            if (name.isEmpty()) {
                continue;
            }
            if (!UploadSettings.ALL_TYPES.contains(name)) {
                throw new ConfigException("uploadAllowedTypes: unknown type '" + name + "'; known: "
                        + String.join(",", UploadSettings.ALL_TYPES));
            }
            if (!types.contains(name)) {
                types.add(name);
            }
        }
        UploadSettings uploads = new UploadSettings(
                longIn(get, "uploadMaxBytes", 1, 1L << 40),
                types,
                longIn(get, "uploadMaxPixels", 1, 1_000_000_000_000L),
                intIn(get, "uploadsPerFiveMinutes", 1, 1_000_000),
                longIn(get, "uploadQuotaBytes", 1, 1L << 50),
                longIn(get, "uploadOrphanMs", 1000, 365L * 24 * 3600 * 1000));
        return new ServerConfig(
                get.apply("host"),
                intIn(get, "port", 0, 65535),
                Path.of(get.apply("dbPath")),
                Path.of(get.apply("uploadsDir")),
                origins,
                intIn(get, "pingIntervalMs", 1000, 600_000),
                intIn(get, "pingTimeoutMs", 1000, 600_000),
                intIn(get, "messageMaxChars", 1, 100_000),
                intIn(get, "historyOnJoin", 0, 1000),
                intIn(get, "maxFrameBytes", 1024, 64 * 1024 * 1024),
                intIn(get, "commitBatchMax", 1, 10_000),
                intIn(get, "writeQueueMax", 1, 10_000_000),
                sync,
                intIn(get, "blockingThreads", 1, 256),
                intIn(get, "httpBodyMaxBytes", 1024, 64 * 1024 * 1024),
                uploads);
    }

    private static boolean validOrigin(String o) {
        if (!o.matches("https?://[^/\\s?#]+")) {
            return false;
        }
        try {
            java.net.URI u = new java.net.URI(o);
            return u.getHost() != null && u.getRawPath().isEmpty() && u.getUserInfo() == null;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    /** Environment variable for a key: the seed's name, else {@code CHAT_} + upper snake case. */
    static String envName(String key) {
        String mapped = ENV_NAMES.get(key);
        return mapped != null ? mapped : "CHAT_" + key.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(java.util.Locale.ROOT);
    }

    private static int intIn(Function<String, String> get, String key, int min, int max) {
        String raw = get.apply(key);
        try {
            int v = Integer.parseInt(raw);
            if (v < min || v > max) {
                throw new ConfigException(key + " (" + envName(key) + ") must be between " + min + " and " + max + ", got " + v);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new ConfigException(key + " (" + envName(key) + ") must be a whole number, got '" + raw + "'");
        }
    }

    private static long longIn(Function<String, String> get, String key, long min, long max) {
        String raw = get.apply(key);
        try {
            long v = Long.parseLong(raw);
            if (v < min || v > max) {
                throw new ConfigException(key + " (" + envName(key) + ") must be between " + min + " and " + max + ", got " + v);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new ConfigException(key + " (" + envName(key) + ") must be a whole number, got '" + raw + "'");
        }
    }

    /** A configuration problem, reported at start as one line. */
    public static final class ConfigException extends RuntimeException {
        public ConfigException(String message) {
            super(message);
        }
    }
}
