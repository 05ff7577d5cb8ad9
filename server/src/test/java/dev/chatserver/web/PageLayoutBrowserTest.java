package dev.chatserver.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.BoundingBox;
import org.junit.jupiter.api.Test;

/**
 * Layout that a person sees and the other browser tests do not look at: the account pages' fields span their
 * card, the chat page's sidebar keeps every control inside it, and no page (chat, account, admin) scrolls sideways
 * on a desktop or a phone.
 * (All broke once unnoticed: a chat-page rule reused the class {@code .field} and centred every account form; the
 * search box was an unstyled {@code type=search} whose button stuck out of the sidebar; on a phone the composer
 * squeezed the text box to a sliver beside Attach, Record and Send.)
 */
class PageLayoutBrowserTest extends BrowserTestBase {
    private Page open(int width, int height, String path) {
        Page page = closeAfterTest(browser.newContext(new Browser.NewContextOptions().setViewportSize(width, height))).newPage();
        page.navigate(url(path));
        return page;
    }

    private static BoundingBox box(Locator l) {
        BoundingBox b = l.boundingBox();
        assertTrue(b != null, l + " is rendered");
        return b;
    }

    private static void assertNoSidewaysScroll(Page page, String what) {
        Object overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        assertEquals(0, ((Number) overflow).intValue(), what + " scrolls sideways");
    }

    @Test
    void accountFormsSpanTheirCard() {
        for (String path : new String[] {"/login", "/register"}) {
            Page page = open(1280, 800, path);
            Locator form = page.locator(".stack-form").first();
            assertThat(form).isVisible();
            BoundingBox f = box(form);
            Locator inputs = form.locator(".field input:not([type=hidden]):not([type=checkbox])");
            assertTrue(inputs.count() >= 2, path + " has its fields");
            for (int i = 0; i < inputs.count(); i++) {
                BoundingBox in = box(inputs.nth(i));
                assertEquals(f.x, in.x, 1.5, path + ": field " + i + " starts at the form's edge");
                assertEquals(f.width, in.width, 1.5, path + ": field " + i + " spans the form");
            }
            BoundingBox label = box(form.locator(".field label").first());
            assertEquals(f.x, label.x, 1.5, path + ": labels are aligned with their fields, not centred");
            assertNoSidewaysScroll(page, path);
        }
    }

    @Test
    void adminPagesFitAPhone() {
        try (dev.chatserver.support.SocketClient c = server.client()) {
            c.join("ADMINLAYOUT", "a_longer_user_name"); // a row in the live sessions table
            c.send("ADMINLAYOUT", "a bar in the chart");
            Page page = open(390, 844, "/admin");
            page.locator("#admin-user").fill("root");
            page.locator("#admin-pass").fill("root");
            page.locator("#admin-login-button").click();
            page.waitForURL(url("/admin"));
            assertThat(page.locator("#sessions-table tbody tr")).hasCount(1);
            assertThat(page.locator("#stats-chart rect.bar").first()).isAttached();
            assertNoSidewaysScroll(page, "the admin page at 390 px");
            BoundingBox chart = box(page.locator("#stats-chart"));
            assertTrue(chart.x + chart.width <= 390.5, "the chart scales down: " + chart.width + " px");
            page.navigate(url("/admin/logs"));
            assertThat(page.locator("#log-table")).isVisible();
            assertNoSidewaysScroll(page, "the admin logs at 390 px");
        }
    }

    @Test
    void chatSidebarKeepsItsControlsInsideOnDesktopAndPhone() {
        Page page = open(1280, 800, "/room/LAYOUT");
        assertThat(page.locator("#status")).hasText("connected");
        BoundingBox side = box(page.locator("#sidebar"));
        Locator controls = page.locator("#sidebar input:visible, #sidebar button:visible, #sidebar select:visible");
        assertTrue(controls.count() >= 8, "the sidebar's forms are there");
        for (int i = 0; i < controls.count(); i++) {
            BoundingBox c = box(controls.nth(i));
            String id = String.valueOf(controls.nth(i).getAttribute("id"));
            assertTrue(c.x >= side.x - 0.5 && c.x + c.width <= side.x + side.width + 0.5,
                    id + " lies inside the sidebar: " + c.x + "+" + c.width + " vs " + side.x + "+" + side.width);
        }
        // the search box looks like the other text boxes (same height and corners as the name box)
        BoundingBox search = box(page.locator("#search-input"));
        BoundingBox name = box(page.locator("#name-input"));
        assertEquals(name.height, search.height, 1.0, "search box height");
        assertEquals(page.locator("#name-input").evaluate("e => getComputedStyle(e).borderRadius"),
                page.locator("#search-input").evaluate("e => getComputedStyle(e).borderRadius"));
        assertNoSidewaysScroll(page, "the chat page at 1280 px");

        Page phone = open(390, 844, "/room/LAYOUT");
        assertThat(phone.locator("#status")).hasText("connected");
        assertNoSidewaysScroll(phone, "the chat page at 390 px");
        BoundingBox text = box(phone.locator("#message-input"));
        BoundingBox send = box(phone.locator("#send-button"));
        assertTrue(text.width >= 0.6 * 390, "the text box is the composer's main part on a phone: " + text.width + " px");
        double sendMiddle = send.y + send.height / 2;
        assertTrue(sendMiddle >= text.y && sendMiddle <= text.y + text.height, "Send sits beside the text box");

        // a phone opens the folded sidebar to pick someone; the conversation then gets the screen
        try (dev.chatserver.support.SocketClient alice = server.client()) {
            alice.join("LAYOUT", "alice");
            phone.locator("#sidebar-toggle").click();
            phone.locator("#presence li.user", new Page.LocatorOptions().setHasText("alice")).click();
            assertThat(phone.locator("#sidebar")).isHidden();
            assertThat(phone.locator("#dm-input")).isInViewport();
            assertThat(phone.locator("#dm-input")).hasAttribute("placeholder", "Write a private message…");
        }
    }
}
