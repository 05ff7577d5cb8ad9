package dev.chatserver.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** ConfigLoader: jar defaults, precedence (system property > env > ./config.properties > jar), and one-line errors naming the key. */
class ConfigLoaderTest {
    @TempDir
    Path workDir;
    final Map<String, String> env = new HashMap<>();
    final Properties system = new Properties();

    private ServerConfig load() {
        return new ConfigLoader(env, system, workDir).load();
    }

    private void workDirConfig(String content) throws IOException {
        Files.writeString(workDir.resolve("config.properties"), content);
    }

    private ConfigLoader.ConfigException refused() {
        return assertThrows(ConfigLoader.ConfigException.class, this::load);
    }

    @Test
    void defaultsComeFromTheJarsConfigProperties() {
        ServerConfig c = load();
        assertEquals(5000, c.port());
        assertEquals(Path.of("chat_app.sqlite3"), c.dbPath());
        assertEquals("0.0.0.0", c.host());
        assertEquals(Path.of("uploads/"), c.uploadsDir());
        assertEquals(List.of("http://localhost", "http://127.0.0.1"), c.allowedOrigins());
        assertEquals(500, c.messageMaxChars());
        assertEquals(200, c.historyOnJoin());
        assertEquals(256, c.commitBatchMax());
        assertEquals(20_000, c.writeQueueMax());
        assertEquals("FULL", c.sqliteSynchronous());
    }

    @Test
    void clusterIsOffByDefaultAndTakesARedisUrlAndNodeId() {
        ClusterSettings off = load().cluster();
        assertFalse(off.enabled(), "one node, no Redis, by default");
        assertTrue(off.nodeId().matches("[A-Za-z0-9._-]+-[0-9a-f]{6}"), off.nodeId());
        env.put("CHAT_REDIS_URL", "redis://10.0.0.5:6379");
        env.put("CHAT_NODE_ID", "node-a");
        ClusterSettings on = load().cluster();
        assertTrue(on.enabled());
        assertEquals("redis://10.0.0.5:6379", on.redisUrl());
        assertEquals("node-a", on.nodeId());
        env.put("CHAT_REDIS_URL", "10.0.0.5:6379");
        assertTrue(refused().getMessage().contains("CHAT_REDIS_URL"));
        env.put("CHAT_REDIS_URL", "redis://10.0.0.5:6379");
        env.put("CHAT_NODE_ID", "node a");
        assertTrue(refused().getMessage().contains("CHAT_NODE_ID"));
    }

    @Test
    void uploadDefaultsFollowTheSeeds() {
        UploadSettings u = load().uploads();
        assertEquals(52_428_800L, u.maxBytes(), "seed 000: 50 MB");
        assertEquals(5, u.perFiveMinutes(), "seed 001: 5 uploads per 5 minutes");
        assertEquals(32_000_000L, u.maxPixels());
        assertEquals(UploadSettings.ALL_TYPES, u.allowedTypes(), "union of seeds 000 and 001");
        assertEquals(UploadSettings.DEFAULTS, u, "the jar's file and the code's defaults agree");
    }

    @Test
    void uploadSettingsComeFromTheEnvironmentAndJpegMeansJpg() {
        env.put("CHAT_UPLOAD_MAX_BYTES", "16777216");
        env.put("CHAT_UPLOAD_ALLOWED_TYPES", " PNG, jpeg ,pdf,png");
        env.put("CHAT_UPLOADS_PER_FIVE_MINUTES", "7");
        UploadSettings u = load().uploads();
        assertEquals(16_777_216L, u.maxBytes());
        assertEquals(List.of("png", "jpg", "pdf"), u.allowedTypes());
        assertEquals(7, u.perFiveMinutes());
    }

    @Test
    void workingDirConfigOverridesTheJarDefault() throws IOException {
        workDirConfig("port=6001\ndbPath=local.sqlite3\n");
        ServerConfig c = load();
        assertEquals(6001, c.port());
        assertEquals(Path.of("local.sqlite3"), c.dbPath());
        assertEquals("0.0.0.0", c.host(), "keys not in the file keep the jar default");
    }

    @Test
    void environmentOverridesTheWorkingDirConfig() throws IOException {
        workDirConfig("port=6001\n");
        env.put("PORT", "6002");
        env.put("CHAT_DB", "/data/env.sqlite3");
        ServerConfig c = load();
        assertEquals(6002, c.port());
        assertEquals(Path.of("/data/env.sqlite3"), c.dbPath());
    }

    @Test
    void systemPropertyOverridesTheEnvironment() throws IOException {
        workDirConfig("port=6001\n");
        env.put("PORT", "6002");
        system.setProperty("chat.port", "6003");
        assertEquals(6003, load().port());
    }

    @Test
    void keysWithoutASeedNameUseChatUpperSnakeCaseEnvironmentVariables() {
        env.put("CHAT_MESSAGE_MAX_CHARS", "42");
        env.put("CHAT_SQLITE_SYNCHRONOUS", "normal");
        ServerConfig c = load();
        assertEquals(42, c.messageMaxChars());
        assertEquals("NORMAL", c.sqliteSynchronous(), "case-insensitive, normalised");
    }

    @Test
    void valuesAreTrimmedAndOriginListsSplitOnCommas() {
        env.put("PORT", " 7000 ");
        env.put("CORS_ALLOWED_ORIGINS", " https://chat.example.org , http://localhost:3000 ,");
        ServerConfig c = load();
        assertEquals(7000, c.port());
        assertEquals(List.of("https://chat.example.org", "http://localhost:3000"), c.allowedOrigins());
    }

    @Test
    void portZeroIsAccepted() {
        env.put("PORT", "0");
        assertEquals(0, load().port());
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
            "PORT, abc, port",
            "PORT, 70000, port",
            "PORT, -1, port",
            "CORS_ALLOWED_ORIGINS, '*', allowedOrigins",
            "CORS_ALLOWED_ORIGINS, 'http://localhost,*', allowedOrigins",
            "CORS_ALLOWED_ORIGINS, chat.example.org, allowedOrigins",
            "CORS_ALLOWED_ORIGINS, https://chat.example.org/path, allowedOrigins",
            "CHAT_SQLITE_SYNCHRONOUS, OFF, sqliteSynchronous",
            "CHAT_COMMIT_BATCH_MAX, 0, commitBatchMax",
            "CORS_ALLOWED_ORIGINS, http://my_host, allowedOrigins",
            "CORS_ALLOWED_ORIGINS, http://localhost:abc, allowedOrigins",
            "CORS_ALLOWED_ORIGINS, http://user@localhost, allowedOrigins",
            "CHAT_UPLOAD_ALLOWED_TYPES, 'png,exe', uploadAllowedTypes",
            "CHAT_UPLOAD_MAX_BYTES, 0, uploadMaxBytes",
            "CHAT_UPLOAD_ORPHAN_MS, soon, uploadOrphanMs",
    })
    void badEnvironmentValueIsRefusedNamingTheKey(String variable, String value, String key) {
        env.put(variable, value);
        ConfigLoader.ConfigException e = refused();
        assertTrue(e.getMessage().contains(key), e.getMessage());
    }

    @Test
    void badSystemPropertyIsRefusedNamingTheKey() {
        system.setProperty("chat.port", "70000");
        ConfigLoader.ConfigException e = refused();
        assertTrue(e.getMessage().contains("port") && e.getMessage().contains("70000"), e.getMessage());
    }

    @Test
    void unknownChatSystemPropertyIsRefusedNamingIt() {
        system.setProperty("chat.prot", "5001");
        ConfigLoader.ConfigException e = refused();
        assertTrue(e.getMessage().contains("chat.prot"), e.getMessage());
    }

    @Test
    void unknownKeyInTheWorkingDirConfigIsRefusedNamingTheKey() throws IOException {
        workDirConfig("port=5000\nprot=5001\n");
        ConfigLoader.ConfigException e = refused();
        assertTrue(e.getMessage().contains("prot"), e.getMessage());
    }

    @Test
    void badValueInTheWorkingDirConfigIsRefusedNamingTheKey() throws IOException {
        workDirConfig("historyOnJoin=lots\n");
        ConfigLoader.ConfigException e = refused();
        assertTrue(e.getMessage().contains("historyOnJoin") && e.getMessage().contains("lots"), e.getMessage());
    }

    @Test
    void envNameMapsSeedKeysAndDerivesTheOthers() {
        assertEquals("PORT", ConfigLoader.envName("port"));
        assertEquals("CHAT_DB", ConfigLoader.envName("dbPath"));
        assertEquals("CORS_ALLOWED_ORIGINS", ConfigLoader.envName("allowedOrigins"));
        assertEquals("CHAT_PING_INTERVAL_MS", ConfigLoader.envName("pingIntervalMs"));
    }
}
