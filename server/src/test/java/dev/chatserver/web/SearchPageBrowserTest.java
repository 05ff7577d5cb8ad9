package dev.chatserver.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.microsoft.playwright.Page;
import dev.chatserver.support.SocketClient;
import org.junit.jupiter.api.Test;

/** The chat page's search box: a partial word finds the message, the match is marked, the text stays text. */
class SearchPageBrowserTest extends BrowserTestBase {
    @Test
    void searchBoxFindsAPartialWordAndMarksIt() {
        try (SocketClient c = server.client()) {
            c.join("SRCH1", "writer");
            c.send("SRCH1", "an extraordinary <b>idea</b>");
            c.send("SRCH1", "something else");
        }
        Page page = closeAfterTest(browser.newContext()).newPage();
        page.navigate(url("/room/SRCH1"));
        page.locator("#search-input").fill("ordina");
        page.locator("#search-button").click();
        assertThat(page.locator("#search-results li.search-hit")).hasCount(1);
        assertThat(page.locator("#search-results li.search-hit mark")).hasText("ordina");
        assertEquals("an extraordinary <b>idea</b>",
                page.locator("#search-results li.search-hit .search-text").textContent(), "markup in a message stays text");
        assertEquals(0, page.locator("#search-results b").count());
    }
}
