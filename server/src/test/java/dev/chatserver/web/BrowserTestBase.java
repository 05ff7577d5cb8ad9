package dev.chatserver.web;

import static dev.chatserver.web.BrowserSupport.TIMEOUT_MS;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import dev.chatserver.support.TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lifecycle shared by the browser tests that want a fresh server per test: one Playwright and one headless Chromium
 * per class ({@link BrowserSupport#launch}), a new {@link TestServer} in a temp dir before each test
 * ({@link #startServer(Path)} may be overridden for another configuration), and after each test every resource
 * registered with {@link #closeAfterTest} closed (newest first), then the server.
 */
@Tag("browser")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BrowserTestBase {
    protected Playwright playwright;
    protected Browser browser;
    protected TestServer server;
    private final List<AutoCloseable> perTest = new ArrayList<>();

    @BeforeAll
    void launchBrowser() {
        playwright = Playwright.create();
        browser = BrowserSupport.launch(playwright);
        PlaywrightAssertions.setDefaultAssertionTimeout(TIMEOUT_MS);
    }

    @AfterAll
    void closeBrowser() {
        if (playwright != null) {
            playwright.close(); // closes its browsers too
        }
    }

    @BeforeEach
    void startServerForTest(@TempDir Path dir) {
        server = startServer(dir);
    }

    /** The server of one test; the default configuration of {@link TestServer#start(Path)}. */
    protected TestServer startServer(Path dir) {
        return TestServer.start(dir);
    }

    @AfterEach
    void closeAfterEachTest() throws Exception {
        for (int i = perTest.size() - 1; i >= 0; i--) {
            perTest.get(i).close();
        }
        perTest.clear();
        if (server != null) {
            server.close();
        }
    }

    /** Registers a context, socket client or the like to be closed after the current test. @return it */
    protected <T extends AutoCloseable> T closeAfterTest(T resource) {
        perTest.add(resource);
        return resource;
    }

    /** A new user (own context, so own cookies, localStorage token and name), closed after the test. */
    protected BrowserContext user(boolean bypassCsp) {
        return closeAfterTest(BrowserSupport.newUser(browser, bypassCsp));
    }

    /** A server URL from a path such as {@code /room/X}. */
    protected String url(String path) {
        return server.url() + path;
    }
}
