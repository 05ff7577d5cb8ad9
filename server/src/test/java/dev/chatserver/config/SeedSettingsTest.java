package dev.chatserver.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The seeds' settings: a .env file, precedence -D > env > .env > config.properties > jar, seed aliases. */
class SeedSettingsTest {
    @TempDir
    Path workDir;
    final Map<String, String> env = new HashMap<>();
    final Properties system = new Properties();

    private ServerConfig load() {
        return new ConfigLoader(env, system, workDir).load();
    }

    private void dotenv(String content) throws IOException {
        Files.writeString(workDir.resolve(".env"), content);
    }

    @Test
    void precedenceIsSystemPropertyThenEnvThenDotEnvThenConfigFileThenJar() throws IOException {
        assertEquals(5000, load().port(), "jar default");
        Files.writeString(workDir.resolve("config.properties"), "port=5001\n");
        assertEquals(5001, load().port(), "config.properties over the jar");
        dotenv("PORT=5002\n");
        assertEquals(5002, load().port(), ".env over config.properties");
        env.put("PORT", "5003");
        assertEquals(5003, load().port(), "environment over .env");
        system.setProperty("chat.port", "5004");
        assertEquals(5004, load().port(), "-Dchat.port over everything");
    }

    @Test
    void dotEnvOfTheSeedsIsReadWithQuotesCommentsAndExport() throws IOException {
        dotenv("""
                # [APP]
                SERVER_URL=http://127.0.0.1:5000
                STORAGE_LIMITER="redis://redis:6379/0"
                export CHAT_DB='data/chat.sqlite3'
                TOTP_USER="chat_user"
                CHAT_MESSAGES_PER_MINUTE=45   # inline comment
                DEBUG=False
                """);
        ServerConfig c = load();
        assertEquals(Path.of("data/chat.sqlite3"), c.dbPath());
        assertEquals(45, c.messagesPerMinute());
        assertFalse(c.debug());
        assertTrue(c.allowedOrigins().contains("http://127.0.0.1:5000"), "SERVER_URL is an allowed origin");
    }

    @Test
    void seed001CorsOriginsAndFlaskDebugAreHonoured() {
        env.put("CORS_ORIGINS", "https://yourdomain.com");
        env.put("FLASK_DEBUG", "True");
        ServerConfig c = load();
        assertEquals(java.util.List.of("https://yourdomain.com"), c.allowedOrigins());
        assertTrue(c.debug());
        env.put("CORS_ALLOWED_ORIGINS", "https://main.example");
        assertEquals(java.util.List.of("https://main.example"), load().allowedOrigins(), "the main name wins over the alias");
    }

    @Test
    void telegramNeedsBothTokenAndChat() {
        assertFalse(load().telegram().enabled());
        env.put("TELEGRAM_BOT_TOKEN", "123:abc");
        assertFalse(load().telegram().enabled());
        env.put("TELEGRAM_CHAT_ID", "42");
        assertTrue(load().telegram().enabled());
    }

    @Test
    void aMalformedDotEnvLineOrValueFailsWithOneClearLine() throws IOException {
        dotenv("PORT=5000\nthis is not a setting\n");
        ConfigLoader.ConfigException e = assertThrows(ConfigLoader.ConfigException.class, this::load);
        assertTrue(e.getMessage().contains(".env line 2"), e.getMessage());
        dotenv("PORT=fifty\n");
        assertTrue(assertThrows(ConfigLoader.ConfigException.class, this::load).getMessage().contains("PORT"));
        dotenv("SERVER_URL=not a url\n");
        assertTrue(assertThrows(ConfigLoader.ConfigException.class, this::load).getMessage().contains("SERVER_URL"));
    }
}
