package dev.chatserver.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import dev.chatserver.support.SocketClient;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;

/**
 * The admin pages in headless Chromium against a real server and a real chat client: sign in, see the user in
 * the live view, ban it from there (its socket drops), filter the log, and a stored {@code <img onerror>}
 * message shown as text, never run.
 */
class AdminPageBrowserTest extends BrowserTestBase {

    private Page signedIn(BrowserContext context, List<String> consoleErrors) {
        Page page = context.newPage();
        page.onConsoleMessage(m -> {
            if (m.type().equals("error")) {
                consoleErrors.add(m.text());
            }
        });
        page.navigate(url("/admin"));
        page.locator("#admin-user").fill("root");
        page.locator("#admin-pass").fill("root");
        page.locator("#admin-login-button").click();
        assertThat(page.locator("#live-state")).hasText("live");
        return page;
    }

    @Test
    void anAdminFiltersTheLogAndBansAUserFromTheLiveView() {
        List<String> errors = new CopyOnWriteArrayList<>();
        try (BrowserContext context = BrowserSupport.newUser(browser, false);
             SocketClient troll = server.client(); SocketClient other = server.client()) {
            troll.join("ADMROOM", "troll");
            other.join("ADMROOM", "nice");
            troll.send("ADMROOM", "findme: buy cheap stuff");
            troll.send("ADMROOM", "<img src=x onerror=\"window.__xss=1\">");
            other.send("ADMROOM", "please stop");

            Page page = signedIn(context, errors);
            Locator row = page.locator("#sessions tr[data-user=troll]");
            assertThat(row).hasCount(1);
            assertThat(page.locator("#stats-chart rect.bar")).not().hasCount(0);

            page.onDialog(d -> d.accept("spamming"));
            row.locator("button.ban").click();
            assertEquals("banned", troll.awaitJson("error", e -> e.getString("code").equals("banned")).getString("code"));
            assertThat(row).hasCount(0);
            assertThat(page.locator("#bans tr")).hasCount(1);
            assertThat(page.locator("#bans tr td").nth(2)).hasText("spamming");

            page.navigate(url("/admin/logs"));
            assertThat(page.locator("#log-rows tr")).hasCount(3);
            page.locator("#f-q").fill("findme");
            page.locator("#f-room").fill("ADMROOM");
            page.locator("#filter-button").click();
            assertThat(page.locator("#log-rows tr")).hasCount(1);
            assertThat(page.locator("#log-rows tr td.text")).hasText("findme: buy cheap stuff");
            assertTrue(page.locator("#export-csv").getAttribute("href").contains("q=findme"));

            page.locator("#f-q").fill("onerror");
            page.locator("#filter-button").click();
            assertThat(page.locator("#log-rows tr td.text")).hasText("<img src=x onerror=\"window.__xss=1\">");
            assertEquals(0, page.locator("#log-rows img").count());
            assertEquals(null, page.evaluate("() => window.__xss === undefined ? null : window.__xss"));

            page.navigate(url("/admin/audit"));
            assertThat(page.locator("#audit-rows tr")).hasCount(1);
            assertThat(page.locator("#audit-rows tr td").nth(2)).hasText("ban");
        }
        assertTrue(errors.isEmpty(), "console errors: " + errors);
    }

    @Test
    void theLogViewerDoesNotRunMarkupEvenWithoutTheCsp() {
        try (BrowserContext context = BrowserSupport.newUser(browser, true); SocketClient c = server.client()) {
            c.join("XSSROOM", "xss");
            c.send("XSSROOM", "<img src=x onerror=\"window.__pwned=1\"><script>window.__pwned=2</script>");
            Page page = signedIn(context, new CopyOnWriteArrayList<>());
            page.navigate(url("/admin/logs"));
            page.locator("#f-room").fill("XSSROOM");
            page.locator("#filter-button").click();
            assertThat(page.locator("#log-rows tr")).hasCount(1);
            assertThat(page.locator("#log-rows tr td").nth(3)).hasText("xss");
            assertEquals(0, page.locator("#log-rows img, #log-rows script").count());
            assertEquals(null, page.evaluate("() => window.__pwned === undefined ? null : window.__pwned"));
        }
    }
}
