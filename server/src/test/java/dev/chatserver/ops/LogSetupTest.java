package dev.chatserver.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chatserver.config.ConfigLoader;
import dev.chatserver.config.LogSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Logging set up from the configuration (seed 004: JSON logs with rotation; issue #10): JSON lines parse with Jackson
 * and carry time, level, logger, message, fields and the error; the file rotates at logMaxBytes and keeps
 * logMaxFiles old files; bad values fail at start. Each test puts the test run's logback-test.xml back afterwards.
 */
class LogSetupTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @AfterEach
    void restoreTestLogging() throws Exception {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.reset();
        new ContextInitializer(ctx).autoConfig();
    }

    @Test
    void jsonLinesParseAndCarryTheFields() throws Exception {
        Path file = dir.resolve("logs/chat.log");
        LogSetup.apply(new LogSettings("json", file.toString(), 1_000_000, 3, "info"), false);
        Logger log = LoggerFactory.getLogger("dev.chatserver.test.Json");
        MDC.put("request", "r-42");
        try {
            log.atInfo().addKeyValue("room", "LOBBY").addKeyValue("count", 3).log("hello {} \"quoted\"\nsecond line", "world");
        } finally {
            MDC.remove("request");
        }
        log.debug("below the level: not written");
        log.warn("it failed", new IllegalStateException("boom"));

        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertEquals(2, lines.size(), lines.toString());
        JsonNode first = JSON.readTree(lines.get(0));
        assertTrue(Instant.parse(first.get("time").asText()).isAfter(Instant.now().minusSeconds(60)), first.toString());
        assertEquals("INFO", first.get("level").asText());
        assertEquals("dev.chatserver.test.Json", first.get("logger").asText());
        assertEquals("hello world \"quoted\"\nsecond line", first.get("message").asText(), "one line even with a newline inside");
        assertEquals("LOBBY", first.get("fields").get("room").asText());
        assertEquals(3, first.get("fields").get("count").asInt());
        assertEquals("r-42", first.get("fields").get("request").asText(), "MDC entries are fields too");
        assertFalse(first.has("error"));
        JsonNode second = JSON.readTree(lines.get(1));
        assertEquals("WARN", second.get("level").asText());
        assertTrue(second.get("error").asText().startsWith("java.lang.IllegalStateException: boom"), second.toString());
        assertFalse(second.has("fields"));
    }

    @Test
    void theFileRotatesAtTheSizeAndKeepsTheConfiguredNumberOfFiles() throws Exception {
        Path file = dir.resolve("chat.log");
        int maxBytes = 10_000;
        LogSetup.apply(new LogSettings("text", file.toString(), maxBytes, 3, "info"), false);
        Logger log = LoggerFactory.getLogger("rotation");
        String pad = "x".repeat(150);
        int total = 1000; // ~200 bytes each: ~200 KB, about 20 rotations
        for (int i = 0; i < total; i++) {
            log.info("line {} {}", String.format("%05d", i), pad);
        }
        List<String> names = new ArrayList<>();
        try (var s = Files.list(dir)) {
            s.forEach(p -> names.add(p.getFileName().toString()));
        }
        names.sort(null);
        assertEquals(List.of("chat.log", "chat.log.1", "chat.log.2", "chat.log.3"), names, "the current file and 3 old ones");
        int lineBytes = Files.readAllLines(file).get(0).length() + 1;
        List<String> kept = new ArrayList<>();
        for (String name : List.of("chat.log.3", "chat.log.2", "chat.log.1")) {
            long size = Files.size(dir.resolve(name));
            assertTrue(size >= maxBytes && size < maxBytes + lineBytes, name + " rotated at the size: " + size + " bytes");
            kept.addAll(Files.readAllLines(dir.resolve(name)));
        }
        kept.addAll(Files.readAllLines(file));
        assertTrue(kept.get(kept.size() - 1).contains("line " + String.format("%05d", total - 1)), "the newest line is in chat.log");
        for (int i = 1; i < kept.size(); i++) { // oldest to newest across the kept files, nothing missing between them
            int prev = Integer.parseInt(kept.get(i - 1).replaceAll(".* line (\\d{5}) .*", "$1"));
            int cur = Integer.parseInt(kept.get(i).replaceAll(".* line (\\d{5}) .*", "$1"));
            assertEquals(prev + 1, cur, "lines in order across files");
        }
        assertTrue(kept.get(0).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z \\[.*] INFO  rotation - line .*"), kept.get(0));
    }

    @Test
    void debugMeansDebugLevel() throws Exception {
        Path file = dir.resolve("debug.log");
        LogSetup.apply(new LogSettings("text", file.toString(), 1_000_000, 1, "warn"), true);
        LoggerFactory.getLogger("dev.chatserver.x").debug("visible with DEBUG=true");
        assertTrue(Files.readString(file).contains("visible with DEBUG=true"));
    }

    @Test
    void anUnwritableFileOrABadValueFailsAtStartWithOneLine() throws Exception {
        Files.writeString(dir.resolve("plainfile"), "x");
        IllegalStateException e = assertThrows(IllegalStateException.class, () ->
                LogSetup.apply(new LogSettings("json", dir.resolve("plainfile/sub/chat.log").toString(), 10_000, 2, "info"), false));
        assertTrue(e.getMessage().contains("cannot write the log file"), e.getMessage());

        for (Map.Entry<String, String> bad : Map.of("logFormat", "xml", "logLevel", "loud", "logMaxFiles", "50",
                "logMaxBytes", "10").entrySet()) {
            Properties p = new Properties();
            p.setProperty("chat." + bad.getKey(), bad.getValue());
            ConfigLoader.ConfigException x = assertThrows(ConfigLoader.ConfigException.class, () -> new ConfigLoader(Map.of(), p, dir).load());
            assertTrue(x.getMessage().startsWith(bad.getKey() + " (CHAT_"), x.getMessage());
        }
        LogSettings fromEnv = new ConfigLoader(Map.of("CHAT_LOG_FORMAT", "JSON", "CHAT_LOG_FILE", "/var/log/chat-server/chat.log",
                "CHAT_LOG_MAX_FILES", "7"), new Properties(), dir).load().logging();
        assertEquals(new LogSettings("json", "/var/log/chat-server/chat.log", 10_485_760L, 7, "info"), fromEnv);
    }
}
