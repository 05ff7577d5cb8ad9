package dev.chatserver.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static dev.chatserver.web.BrowserSupport.TIMEOUT_MS;
import static dev.chatserver.web.BrowserSupport.message;
import static dev.chatserver.web.BrowserSupport.open;
import static dev.chatserver.web.BrowserSupport.ownMessage;
import static dev.chatserver.web.BrowserSupport.send;
import static dev.chatserver.web.BrowserSupport.setName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.BoundingBox;
import com.microsoft.playwright.options.RequestOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;

/**
 * The chat page's rich features (issue #7) in headless Chromium against a real server: the Persian (RTL)
 * translation with a screenshot artifact, @mentions and safe links, theme switching saved per user, and
 * reactions, edits, polls, private messages and "seen by" between two pages.
 */
class RichChatBrowserTest extends BrowserTestBase {
    private BrowserContext user(String locale) {
        BrowserContext c = browser.newContext(new Browser.NewContextOptions().setViewportSize(1100, 750).setLocale(locale));
        c.setDefaultTimeout(TIMEOUT_MS);
        c.setDefaultNavigationTimeout(TIMEOUT_MS);
        return closeAfterTest(c);
    }

    /** Opens a page and waits for the join (data-state, since the status text is translated). */
    private static Page openConnected(BrowserContext context, String url) {
        Page page = context.newPage();
        page.navigate(url);
        assertThat(page.locator("#status")).hasAttribute("data-state", "connected");
        assertThat(page.locator("#presence li.user.me")).hasCount(1);
        return page;
    }

    @Test
    void persianBrowserGetsARightToLeftTranslatedPageWithMentionsAndSafeLinks() throws Exception {
        Page fa = openConnected(user("fa-IR"), server.url() + "/room/FARSI");
        assertThat(fa.locator("html")).hasAttribute("lang", "fa");
        assertThat(fa.locator("html")).hasAttribute("dir", "rtl");
        assertThat(fa.locator("#send-button")).hasText("ارسال");
        assertThat(fa.locator("#status")).hasText("متصل");
        assertThat(fa.locator("#message-input")).hasAttribute("dir", "auto");
        setName(fa, "sara");

        Page en = open(user("en-US"), server.url() + "/room/FARSI");
        assertThat(en.locator("html")).hasAttribute("dir", "ltr");
        assertThat(en.locator("#send-button")).hasText("Send");
        setName(en, "tom");

        String mixed = "سلام @sara see https://example.com/docs?x=1. and javascript:alert(1) خوش آمدید";
        send(en, mixed);
        Locator got = message(fa, mixed);
        assertThat(got).hasCount(1);
        assertEquals(mixed, got.locator(".text").textContent(), "rich rendering keeps the text exactly");
        assertThat(got.locator(".text")).hasAttribute("dir", "auto");
        assertThat(got).hasAttribute("dir", "auto");
        assertThat(got.locator(".mention.mention-me")).hasText("@sara");
        Locator link = got.locator("a.link");
        assertThat(link).hasCount(1);
        assertThat(link).hasAttribute("href", "https://example.com/docs?x=1");
        assertThat(link).hasAttribute("rel", "noopener noreferrer nofollow");
        assertThat(link).hasAttribute("target", "_blank");

        // every control of the composer speaks Persian too, and so does the "(you)" mark in the online list
        assertThat(fa.locator("#attach-button")).hasText("پیوست");
        assertThat(fa.locator("#record-button")).hasText("ضبط صدا");
        assertThat(fa.locator("#record-button")).hasAttribute("title", "ضبط پیام صوتی");
        assertEquals("\" (شما)\"", fa.locator("#presence li.user.me").evaluate("e => getComputedStyle(e, '::after').content"));

        // RTL layout: the sidebar sits on the left of the messages, and own messages on the left edge
        send(fa, "پیام من به فارسی");
        BoundingBox sidebar = fa.locator("#sidebar").boundingBox();
        BoundingBox chat = fa.locator("#messages").boundingBox();
        assertTrue(sidebar.x + sidebar.width <= chat.x + 1, "sidebar left of the chat in RTL: " + sidebar.x + " vs " + chat.x);
        BoundingBox own = ownMessage(fa, "پیام من به فارسی").boundingBox();
        BoundingBox other = got.boundingBox();
        assertTrue(own.x < other.x, "own messages align to the inline end (left in RTL)");
        BoundingBox enSidebar = en.locator("#sidebar").boundingBox();
        assertTrue(enSidebar.x > en.locator("#messages").boundingBox().x, "LTR keeps the sidebar on the right");

        Path shot = BrowserSupport.screenshotPath("chat-fa-rtl.png");
        Files.createDirectories(shot.getParent());
        fa.screenshot(new Page.ScreenshotOptions().setPath(shot).setFullPage(true));
        assertTrue(Files.size(shot) > 0);

        fa.locator("#lang-select").selectOption("en");
        assertThat(fa.locator("html")).hasAttribute("dir", "ltr");
        assertThat(fa.locator("#send-button")).hasText("Send");
        assertThat(fa.locator("#attach-button")).hasText("Attach");
        assertEquals("\" (you)\"", fa.locator("#presence li.user.me").evaluate("e => getComputedStyle(e, '::after').content"));
    }

    @Test
    void themeSwitchingAppliesAndIsSavedLocallyOrToTheProfile() {
        BrowserContext anon = user("en-US");
        Page page = openConnected(anon, server.url() + "/room/THEMES");
        String bg = "() => getComputedStyle(document.documentElement).getPropertyValue('--bg')";
        String lightBg = page.evaluate(bg).toString();
        for (String theme : List.of("dark", "blue", "green")) {
            page.locator("#theme-select").selectOption(theme);
            assertThat(page.locator("html")).hasAttribute("data-theme", theme);
            assertNotEquals(lightBg, page.evaluate(bg).toString(), theme);
        }
        page.locator("#theme-select").selectOption("dark");
        page.reload();
        assertThat(page.locator("#status")).hasAttribute("data-state", "connected");
        assertThat(page.locator("html")).hasAttribute("data-theme", "dark");
        page.locator("#theme-select").selectOption("light");
        assertThat(page.locator("html")).not().hasAttribute("data-theme", "dark");

        BrowserContext account = user("en-US");
        var api = account.request();
        var reg = api.post(server.url() + "/register", RequestOptions.create()
                .setHeader("Origin", server.url())
                .setData(Map.of("username", "themer", "password", "correct horse battery")));
        assertEquals(200, reg.status(), reg.text());
        Page mine = openConnected(account, server.url() + "/room/THEMES");
        mine.locator("#theme-select").selectOption("green");
        assertThat(mine.locator("html")).hasAttribute("data-theme", "green");
        mine.waitForCondition(() -> new JSONObject(api.get(server.url() + "/api/me").text()).getJSONObject("data")
                .getJSONObject("prefs").optString("theme").equals("green"));
        Page again = openConnected(account, server.url() + "/room/OTHER");
        assertThat(again.locator("html")).hasAttribute("data-theme", "green");
        assertThat(again.locator("#theme-select")).hasValue("green");

        send(again, "counted");
        Page profile = account.newPage();
        profile.navigate(server.url() + "/profile");
        assertThat(profile.locator("#profile-stats")).isVisible();
        assertThat(profile.locator("#stat-messages")).hasText("1");
        assertThat(profile.locator("#stat-rooms")).hasText("1");
        assertThat(profile.locator("html")).hasAttribute("data-theme", "green");
    }

    @Test
    void reactionsEditsPollsPrivateMessagesAndSeenByBetweenTwoPages() {
        Page a = open(user("en-US"), server.url() + "/room/RICH");
        Page b = open(user("en-US"), server.url() + "/room/RICH");
        setName(a, "anna");
        setName(b, "bert");

        send(a, "react to this");
        Locator onB = message(b, "react to this");
        onB.hover();
        onB.locator(".react-button").click();
        onB.locator(".emoji-picker .emoji").first().click();
        assertThat(ownMessage(a, "react to this").locator(".reaction")).hasText("👍 1");
        assertThat(onB.locator(".reaction.mine")).hasText("👍 1");
        assertThat(ownMessage(a, "react to this").locator(".seen-by")).hasText("Seen by: bert");

        Locator mineOnA = ownMessage(a, "react to this");
        mineOnA.hover();
        mineOnA.locator(".edit-button").click();
        a.locator(".edit-input").fill("reacted and edited");
        a.locator(".edit-input").press("Enter");
        Locator edited = message(b, "reacted and edited");
        assertThat(edited.locator(".edited-mark")).hasText("edited");
        assertThat(edited.locator(".reaction")).hasText("👍 1");
        assertThat(message(b, "react to this")).hasCount(0);
        assertThat(onB.locator(".edit-button")).hasCount(0);

        a.locator("#poll-question").fill("Tea or coffee?");
        a.locator("#poll-options").fill("tea\ncoffee");
        a.locator("#poll-create").click();
        Locator pollOnB = b.locator(".poll").filter(new Locator.FilterOptions().setHasText("Tea or coffee?"));
        assertThat(pollOnB).hasCount(1);
        pollOnB.locator(".poll-vote").nth(1).click();
        assertThat(pollOnB.locator(".poll-vote").nth(0)).isDisabled();
        assertThat(a.locator(".poll .poll-count").nth(1)).hasText("1");
        a.locator(".poll .poll-close").click();
        assertThat(b.locator(".poll.closed")).hasCount(1);

        b.locator("#presence li.user:not(.me)").click();
        assertThat(b.locator("#dm-panel")).isVisible();
        assertThat(b.locator("#dm-with")).hasText("anna");
        b.locator("#dm-input").fill("psst, anna");
        b.locator("#dm-send").click();
        assertThat(b.locator("#dm-messages li.msg.own .text")).hasText("psst, anna");
        Locator conv = a.locator("#conversations li.conversation");
        assertThat(conv.locator(".conversation-name")).hasText("bert");
        assertThat(conv.locator(".unread")).hasText("1");
        conv.click();
        assertThat(a.locator("#dm-messages li.msg.other .text")).hasText("psst, anna");
        assertThat(a.locator("#conversations li.conversation .unread")).hasCount(0);
    }
}
