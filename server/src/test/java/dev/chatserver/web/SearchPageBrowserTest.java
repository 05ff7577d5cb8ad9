package dev.chatserver.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import dev.chatserver.support.SocketClient;
import dev.chatserver.support.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chat page's search box: a partial word finds the message, the match is marked, the text stays text. */
@Tag("browser")
class SearchPageBrowserTest {
    @Test
    void searchBoxFindsAPartialWordAndMarksIt(@TempDir Path dir) {
        try (TestServer server = TestServer.start(dir); Playwright pw = Playwright.create()) {
            try (SocketClient c = server.client()) {
                c.join("SRCH1", "writer");
                c.send("SRCH1", "an extraordinary <b>idea</b>");
                c.send("SRCH1", "something else");
            }
            Browser browser = BrowserSupport.launch(pw);
            BrowserContext ctx = browser.newContext();
            Page page = ctx.newPage();
            page.navigate(server.url() + "/room/SRCH1");
            page.locator("#search-input").fill("ordina");
            page.locator("#search-button").click();
            assertThat(page.locator("#search-results li.search-hit")).hasCount(1);
            assertThat(page.locator("#search-results li.search-hit mark")).hasText("ordina");
            assertEquals("an extraordinary <b>idea</b>",
                    page.locator("#search-results li.search-hit .search-text").textContent(), "markup in a message stays text");
            assertEquals(0, page.locator("#search-results b").count());
            ctx.close();
            browser.close();
        }
    }
}
