package dev.chatserver.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Page;
import dev.chatserver.support.SocketClient;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The admin page's retention section in headless Chromium: set a room's limit, run the job, see what it deleted. */
class RetentionPageBrowserTest extends BrowserTestBase {
    @Test
    void anAdminLimitsARoomAndRunsTheJobFromThePage() {
        List<String> errors = new CopyOnWriteArrayList<>();
        try (SocketClient c = server.client()) {
            c.join("RETPAGE", "writer");
            for (int i = 0; i < 5; i++) {
                c.send("RETPAGE", "message " + i);
            }
        }
        Page page = user(false).newPage();
        page.onConsoleMessage(m -> {
            if (m.type().equals("error")) {
                errors.add(m.text());
            }
        });
        page.navigate(url("/admin"));
        page.locator("#admin-user").fill("root");
        page.locator("#admin-pass").fill("root");
        page.locator("#admin-login-button").click();
        assertThat(page.locator("#retention-global")).containsText("(no age limit)");
        page.locator("#retention-room").fill("RETPAGE");
        page.locator("#retention-count").fill("2");
        page.locator("#retention-button").click();
        assertThat(page.locator("#retention-rooms tr td")).hasText(new String[] {"RETPAGE", "global (none)", "2"});
        page.locator("#retention-run").click();
        assertThat(page.locator("#retention-result")).containsText("Deleted 0 by age and 3 by count");
        long left = server.server().database().jdbi().withHandle(h -> h.createQuery(
                "SELECT count(*) FROM messages WHERE room = 'RETPAGE'").mapTo(Long.class).one());
        assertEquals(2, left, "the newest 2 stay");
        assertTrue(errors.isEmpty(), "console errors: " + errors);
    }
}
