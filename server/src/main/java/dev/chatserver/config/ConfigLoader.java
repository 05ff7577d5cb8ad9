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
    static final Map<String, String> ENV_NAMES = Map.ofEntries(
            Map.entry("port", "PORT"),
            Map.entry("host", "HOST"),
            Map.entry("dbPath", "CHAT_DB"),
            Map.entry("uploadsDir", "CHAT_UPLOADS"),
            Map.entry("allowedOrigins", "CORS_ALLOWED_ORIGINS"),
            Map.entry("sessionCookieSecure", "SESSION_COOKIE_SECURE"),
            Map.entry("require2fa", "CHAT_REQUIRE_2FA"),
            Map.entry("adminUser", "CHAT_ADMIN_USER"),
            Map.entry("adminPass", "CHAT_ADMIN_PASS"),
            Map.entry("adminPassHash", "CHAT_ADMIN_PASS_HASH"),
            Map.entry("debug", "DEBUG"),
            Map.entry("telegramBotToken", "TELEGRAM_BOT_TOKEN"),
            Map.entry("telegramChatId", "TELEGRAM_CHAT_ID"),
            Map.entry("serverUrl", "SERVER_URL"),
            Map.entry("totpGate", "CHAT_TOTP_GATE"),
            Map.entry("totpSecret", "TOTP_SECRET"),
            Map.entry("totpUser", "TOTP_USER"),
            Map.entry("totpIssuer", "TOTP_ISSUER_NAME"));

    /**
     * Further environment variables the seeds used for the same setting, read when the main name is unset:
     * seed 001's {@code CORS_ORIGINS}, seed 003's {@code FLASK_DEBUG}.
     */
    static final Map<String, List<String>> ENV_ALIASES = Map.of(
            "allowedOrigins", List.of("CORS_ORIGINS"),
            "debug", List.of("FLASK_DEBUG"));

    private static final Set<String> KEYS = Set.of("port", "host", "dbPath", "uploadsDir", "allowedOrigins",
            "pingIntervalMs", "pingTimeoutMs", "messageMaxChars", "historyOnJoin", "maxFrameBytes",
            "commitBatchMax", "writeQueueMax", "sqliteSynchronous", "blockingThreads", "httpBodyMaxBytes",
            "sessionTtlMs", "sessionCookieSecure", "allowAnonymous", "require2fa", "bcryptCost", "messagesPerMinute",
            "loginAttemptsPerFiveMinutes", "connectionsPerIp", "alertWebhookUrl", "adminUser", "adminPass", "adminPassHash",
            "adminSessionTtlMs", "shutdownTimeoutMs", "debug", "telegramBotToken", "telegramChatId", "telegramApiBase", "serverUrl", "totpGate", "totpSecret", "totpUser", "totpIssuer",
            "redisUrl", "nodeId",
            "uploadMaxBytes", "uploadAllowedTypes", "uploadMaxPixels", "uploadsPerFiveMinutes", "uploadQuotaBytes",
            "uploadOrphanMs", "retentionMaxAgeDays", "retentionMaxPerRoom", "retentionIntervalMs", "retentionBatchSize",
            "trustedProxies", "logFormat", "logFile", "logMaxBytes", "logMaxFiles", "logLevel",
            "databaseUrl", "databaseUser", "databasePassword", "databasePoolSize",
            "httpIdleTimeoutMs", "httpRequestTimeoutMs", "maxConnectionsPerIp", "websocketCompression");

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
        Map<String, String> dotenv = readDotEnv(workDir.resolve(".env"));
        for (String p : system.stringPropertyNames()) {
            if (p.startsWith("chat.") && !KEYS.contains(p.substring(5))) {
                throw new ConfigException("unknown system property -D" + p);
            }
        }
        Function<String, String> get = key -> {
            String v = system.getProperty("chat." + key);
            if (v == null) {
                v = fromEnv(env, key);
            }
            if (v == null) {
                v = fromEnv(dotenv, key);
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
        List<String> origins = new java.util.ArrayList<>(Arrays.stream(get.apply("allowedOrigins").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList());
        String serverUrl = get.apply("serverUrl");
        if (!serverUrl.isEmpty()) { // seed 004: the public URL of the chat is an allowed origin
            if (!serverUrl.matches("https?://[^/\\s?#]+/?")) {
                throw new ConfigException("serverUrl (SERVER_URL) must be like https://chat.example.org, got '" + serverUrl + "'");
            }
            origins.add(serverUrl.replaceAll("/$", ""));
        }
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
                (long) intIn(get, "sessionTtlMs", 60_000, Integer.MAX_VALUE),
                bool(get, "sessionCookieSecure"),
                bool(get, "allowAnonymous"),
                bool(get, "require2fa"),
                intIn(get, "bcryptCost", 10, 20),
                intIn(get, "messagesPerMinute", 1, 1_000_000),
                intIn(get, "loginAttemptsPerFiveMinutes", 1, 1000),
                intIn(get, "connectionsPerIp", 1, 1_000_000),
                webhook(get.apply("alertWebhookUrl")),
                nonEmpty(get, "adminUser"),
                get.apply("adminPass"),
                adminHash(get.apply("adminPassHash")),
                (long) intIn(get, "adminSessionTtlMs", 60_000, Integer.MAX_VALUE),
                (long) intIn(get, "shutdownTimeoutMs", 0, 600_000),
                uploads,
                bool(get, "debug"),
                new TelegramSettings(get.apply("telegramBotToken"), get.apply("telegramChatId"), url(get, "telegramApiBase")),
                gate(get),
                new RetentionSettings(
                        intIn(get, "retentionMaxAgeDays", 0, 36_500),
                        intIn(get, "retentionMaxPerRoom", 0, 100_000_000),
                        longIn(get, "retentionIntervalMs", 1000, 7L * 24 * 3600 * 1000),
                        intIn(get, "retentionBatchSize", 1, 100_000)),
                trustedProxies(get.apply("trustedProxies")),
                new LogSettings(
                        oneOf(get, "logFormat", List.of("text", "json")),
                        get.apply("logFile"),
                        longIn(get, "logMaxBytes", 1024, 1L << 40),
                        intIn(get, "logMaxFiles", 1, 20),
                        oneOf(get, "logLevel", List.of("trace", "debug", "info", "warn", "error", "off"))),
                database(get),
                cluster(get),
                new ConnectionSettings(
                        (long) intIn(get, "httpIdleTimeoutMs", 1_000, 3_600_000),
                        (long) intIn(get, "httpRequestTimeoutMs", 1_000, 3_600_000),
                        intIn(get, "maxConnectionsPerIp", 1, 1_000_000),
                        bool(get, "websocketCompression")));
    }

    private static DatabaseSettings database(Function<String, String> get) {
        String url = get.apply("databaseUrl");
        if (!url.isEmpty() && !url.startsWith("jdbc:postgresql://")) {
            throw new ConfigException("databaseUrl (CHAT_DATABASE_URL) must be empty (SQLite) or jdbc:postgresql://host:port/db, got '"
                    + url + "'");
        }
        return new DatabaseSettings(url, get.apply("databaseUser"), get.apply("databasePassword"),
                intIn(get, "databasePoolSize", 0, 1000));
    }

    private static ClusterSettings cluster(Function<String, String> get) {
        String url = get.apply("redisUrl");
        if (!url.isEmpty() && !url.matches("rediss?://([^@/\\s]+@)?[^/:@\\s]+:\\d{1,5}(/\\d+)?")) {
            throw new ConfigException("redisUrl (CHAT_REDIS_URL) must look like redis://host:port, got '" + url + "'");
        }
        String node = get.apply("nodeId");
        if (!node.isEmpty() && !node.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new ConfigException("nodeId (CHAT_NODE_ID) must be 1-64 of A-Z a-z 0-9 . _ -, got '" + node + "'");
        }
        return new ClusterSettings(url, node.isEmpty() ? ClusterSettings.generatedNodeId() : node);
    }

    private static String oneOf(Function<String, String> get, String key, List<String> allowed) {
        String v = get.apply(key).toLowerCase(java.util.Locale.ROOT);
        if (!allowed.contains(v)) {
            throw new ConfigException(key + " (" + envName(key) + ") must be one of " + String.join(", ", allowed) + ", got '" + v + "'");
        }
        return v;
    }

    private static List<String> trustedProxies(String raw) {
        List<String> entries = Arrays.stream(raw.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        try {
            dev.chatserver.security.TrustedProxies.parse(entries);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("trustedProxies (" + envName("trustedProxies") + "): " + e.getMessage());
        }
        return entries;
    }

    private static GateSettings gate(Function<String, String> get) {
        String secret = get.apply("totpSecret").replace(" ", "");
        if (!secret.isEmpty() && !secret.matches("[A-Za-z2-7]{16,}=*")) {
            throw new ConfigException("totpSecret (TOTP_SECRET) must be base32 (A-Z, 2-7), at least 16 characters");
        }
        return new GateSettings(bool(get, "totpGate") || !secret.isEmpty(), secret, nonEmpty(get, "totpUser"),
                nonEmpty(get, "totpIssuer"));
    }

    private static String url(Function<String, String> get, String key) {
        String raw = get.apply(key);
        if (!raw.matches("https?://\\S+")) {
            throw new ConfigException(key + " (" + envName(key) + ") must be an http(s) URL, got '" + raw + "'");
        }
        return raw.replaceAll("/$", "");
    }

    private static String nonEmpty(Function<String, String> get, String key) {
        String v = get.apply(key);
        if (v.isEmpty()) {
            throw new ConfigException(key + " (" + envName(key) + ") must not be empty");
        }
        return v;
    }

    private static String adminHash(String raw) {
        if (!raw.isEmpty() && !raw.startsWith("$2") && !raw.matches("pbkdf2:sha(1|256|512):\\d+\\$[^$]+\\$[0-9a-fA-F]+")) {
            throw new ConfigException("adminPassHash (CHAT_ADMIN_PASS_HASH) must be a bcrypt hash or pbkdf2:sha256:<iterations>$<salt>$<hex>");
        }
        return raw;
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

    private static String fromEnv(Map<String, String> vars, String key) {
        String v = vars.get(envName(key));
        for (String alias : ENV_ALIASES.getOrDefault(key, List.of())) {
            if (v == null) {
                v = vars.get(alias);
            }
        }
        return v;
    }

    /**
     * Reads a {@code .env} file (seeds 001, 003, 004): {@code KEY=value} lines, optional {@code export },
     * optional single or double quotes, {@code #} comments and blank lines. Its values rank below real
     * environment variables.
     *
     * @return the variables, empty when there is no file
     * @throws ConfigException naming the line of a malformed entry
     */
    static Map<String, String> readDotEnv(Path file) {
        Map<String, String> out = new java.util.HashMap<>();
        if (!Files.isRegularFile(file)) {
            return out;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("cannot read " + file.toAbsolutePath() + ": " + e.getMessage());
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring(7).strip();
            }
            int eq = line.indexOf('=');
            String name = eq < 0 ? "" : line.substring(0, eq).strip();
            if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new ConfigException(".env line " + (i + 1) + " is not NAME=value: '" + lines.get(i).strip() + "'");
            }
            String value = line.substring(eq + 1).strip();
            if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"") || value.startsWith("'") && value.endsWith("'"))) {
                value = value.substring(1, value.length() - 1);
            } else {
                int hash = value.indexOf(" #");
                if (hash >= 0) {
                    value = value.substring(0, hash).strip(); // an inline comment (seed 004's .env has them)
                }
            }
            out.put(name, value);
        }
        return out;
    }

    private static boolean bool(Function<String, String> get, String key) {
        String raw = get.apply(key).toLowerCase(java.util.Locale.ROOT);
        return switch (raw) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new ConfigException(key + " (" + envName(key) + ") must be true or false, got '" + raw + "'");
        };
    }

    private static String webhook(String raw) {
        if (!raw.isEmpty() && !raw.matches("https?://\\S+")) {
            throw new ConfigException("alertWebhookUrl (CHAT_ALERT_WEBHOOK_URL) must be an http(s) URL, got '" + raw + "'");
        }
        return raw;
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
