package dev.chatserver.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static dev.chatserver.web.BrowserSupport.TIMEOUT_MS;
import static dev.chatserver.web.BrowserSupport.awaitConnected;
import static dev.chatserver.web.BrowserSupport.exactly;
import static dev.chatserver.web.BrowserSupport.message;
import static dev.chatserver.web.BrowserSupport.open;
import static dev.chatserver.web.BrowserSupport.ownMessage;
import static dev.chatserver.web.BrowserSupport.send;
import static dev.chatserver.web.BrowserSupport.setName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The chat page (web-static/) in headless Chromium against a real server: two users chatting in a room
 * (message, own/other rendering, presence), creating a room from the lobby, history on join, user text
 * rendered as text and never executed, and the security headers / absence of CSP violations.
 */
class ChatPageBrowserTest extends BrowserTestBase {
    /** A new user (own context, so own localStorage token and name), closed after the test. */
    private BrowserContext user() {
        return user(false);
    }

    @Test
    void twoPagesExchangeAMessageInARoom() throws Exception {
        Page a = open(user(), server.url() + "/room/TESTROOM");
        Page b = open(user(), server.url() + "/room/TESTROOM");
        assertThat(a.locator("#room-code")).hasText("TESTROOM");
        setName(a, "alice");
        setName(b, "bob");

        String text = "Hello bob, this is alice!";
        send(a, text);

        Locator onB = message(b, text);
        assertThat(onB).hasCount(1);
        assertThat(onB.locator(".author")).hasText("alice");
        assertThat(onB).hasClass(Pattern.compile("\\bother\\b"));
        assertFalse(onB.getAttribute("class").contains("own"), "bob does not see alice's message as his own");
        assertEquals(text, onB.locator(".text").textContent());

        Locator onA = ownMessage(a, text);
        assertThat(onA).hasCount(1);
        assertThat(onA.locator(".author")).hasText("alice");
        assertEquals(onA.getAttribute("data-id"), onB.getAttribute("data-id"), "same stored message on both pages");

        Locator presence = b.locator("#presence li.user");
        assertThat(presence).hasCount(2);
        for (String name : List.of("alice", "bob")) {
            assertThat(presence.filter(new Locator.FilterOptions().setHasText(exactly(name)))).hasCount(1);
        }
        assertThat(b.locator("#presence-count")).hasText("2");
        assertThat(b.locator("#presence li.user.me")).hasText("bob");

        Path shot = BrowserSupport.screenshotPath("two-pages.png");
        Files.createDirectories(shot.getParent());
        b.screenshot(new Page.ScreenshotOptions().setPath(shot).setFullPage(true));
        assertTrue(Files.size(shot) > 0, "screenshot written to " + shot);
    }

    @Test
    void lobbyCreateRoomNavigatesToTheNewRoom() {
        Page page = open(user(), server.url() + "/");
        assertThat(page.locator("#room-code")).hasText("lobby");
        page.locator("#create-room").click();

        Pattern roomUrl = Pattern.compile("^" + Pattern.quote(server.url()) + "/room/([A-Z0-9]{6})$");
        page.waitForURL(roomUrl);
        Matcher m = roomUrl.matcher(page.url());
        assertTrue(m.matches(), page.url());
        String code = m.group(1);

        assertThat(page.locator("#room-code")).hasText(code);
        assertThat(page).hasTitle(code + " · Chat");
        assertThat(page.locator("#lobby-link")).isVisible();
        awaitConnected(page);
        // the new room works: our own message comes back
        send(page, "first message in " + code);
    }

    @Test
    void historyIsShownOnJoin() {
        Page a = open(user(), server.url() + "/room/HIST1");
        setName(a, "historian");
        List<String> sent = List.of("one: the first", "two: the second", "three: the third");
        for (String text : sent) {
            send(a, text);
        }

        Page b = open(user(), server.url() + "/room/HIST1");
        Locator msgs = b.locator("#messages li.msg");
        assertThat(msgs.locator(".text")).hasText(sent.toArray(String[]::new));
        assertThat(msgs.locator(".author")).hasText(new String[] {"historian", "historian", "historian"});
        assertEquals(sent, msgs.locator(".text").allTextContents());
        assertThat(b.locator("#messages li.msg.own")).hasCount(0);

        // the ids ascend: the order is the stored order
        List<Long> ids = new ArrayList<>();
        for (Locator li : msgs.all()) {
            ids.add(Long.parseLong(li.getAttribute("data-id")));
        }
        for (int i = 1; i < ids.size(); i++) {
            assertTrue(ids.get(i) > ids.get(i - 1), "ids ascend: " + ids);
        }
    }

    @Test
    void userTextIsNeverExecuted() {
        List<String> payloads = List.of(
                "<img src=x onerror=\"window.__xss=1\">",
                "<script>window.__xss=1</script>",
                "<svg onload=\"window.__xss=1\">",
                "\"><img src=x onerror=window.__xss=1>",
                "javascript:window.__xss=1",
                "<iframe srcdoc=\"<script>parent.__xss=1</script>\"></iframe>",
                "&lt;b&gt;entity&lt;/b&gt; <b>bold</b>");
        String nameA = "<svg/onload=__xss=1>"; // exactly 20 characters, the longest name allowed
        String nameB = "\"><b>x</b>";

        Page a = open(user(), server.url() + "/room/XSS");
        // B ignores the CSP: the page itself, not only the CSP, must keep user text inert
        Page b = open(user(true), server.url() + "/room/XSS");
        setName(a, nameA);
        setName(b, nameB);

        for (String p : payloads) {
            send(a, p);
        }
        send(b, "<img src=y onerror=\"window.__xss=2\"> from b");

        for (String p : payloads) {
            Locator onB = message(b, p);
            assertThat(onB).hasCount(1);
            assertEquals(p, onB.locator(".text").textContent(), "rendered literally");
            assertEquals(nameA, onB.locator(".author").textContent(), "name rendered literally");
            assertEquals(p, ownMessage(a, p).locator(".text").textContent());
        }
        Locator fromB = message(a, "<img src=y onerror=\"window.__xss=2\"> from b");
        assertThat(fromB).hasCount(1);
        assertEquals(nameB, fromB.locator(".author").textContent());

        assertThat(b.locator("#presence li.user")).hasCount(2);
        assertEquals(List.of(nameA), b.locator("#presence li.user:not(.me)").allTextContents());
        assertEquals(List.of(nameB), a.locator("#presence li.user:not(.me)").allTextContents());

        for (Page page : List.of(a, b)) {
            assertEquals(0, page.locator("#messages img, #messages svg, #messages script, #messages iframe, #messages b, "
                    + "#presence img, #presence svg, #presence b, #typing *").count(), "no element came from user text");
            // every image (none expected) has loaded or failed, so any onerror handler would have run
            page.waitForFunction("() => Array.from(document.images).every((i) => i.complete)");
            assertEquals("undefined", page.evaluate("() => typeof window.__xss"), "user text ran as script");
        }
    }

    @Test
    void pageHasSecurityHeadersAndNoCspViolations() {
        BrowserContext context = user();
        // collects violations from page start (init scripts are not subject to the page's CSP)
        context.addInitScript("window.__csp = [];"
                + "document.addEventListener('securitypolicyviolation', (e) => "
                + "window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));");
        Page page = context.newPage();
        List<String> console = new CopyOnWriteArrayList<>();
        List<String> pageErrors = new CopyOnWriteArrayList<>();
        page.onConsoleMessage(msg -> console.add(msg.type() + ": " + msg.text()));
        page.onPageError(pageErrors::add);

        Response response = page.navigate(server.url() + "/");
        assertNotNull(response);
        assertEquals(200, response.status());
        Map<String, String> headers = response.allHeaders();
        String csp = headers.get("content-security-policy");
        assertNotNull(csp, "CSP header present: " + headers);
        assertFalse(csp.contains("unsafe-inline"), csp);
        assertFalse(csp.contains("unsafe-eval"), csp);
        assertTrue(csp.contains("default-src 'self'"), csp);
        assertEquals("DENY", headers.get("x-frame-options"));
        assertEquals("nosniff", headers.get("x-content-type-options"));

        // the whole page in use: connect, name, send, then a room page
        awaitConnected(page);
        setName(page, "csp-user");
        send(page, "hello under CSP");
        Response room = page.navigate(server.url() + "/room/CSPROOM");
        assertNotNull(room);
        assertNotNull(room.allHeaders().get("content-security-policy"));
        awaitConnected(page);
        send(page, "hello from a room");
        assertThat(page.locator("#presence li.user.me")).hasText("csp-user");
        page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))");

        assertEquals(List.of(), page.evaluate("() => window.__csp"), "securitypolicyviolation events");
        List<String> cspConsole = console.stream()
                .filter(c -> c.contains("Content Security Policy") || c.contains("Refused to")).toList();
        assertEquals(List.of(), cspConsole, "CSP console messages; all console: " + console);
        assertEquals(List.of(), pageErrors, "page errors");

        // control: an inline script is blocked, and both collectors see the violation
        page.evaluate("() => { const s = document.createElement('script'); s.textContent = 'window.__inline = 1';"
                + " document.body.appendChild(s); }");
        page.waitForFunction("() => window.__csp.length > 0");
        page.waitForCondition(() -> console.stream().anyMatch(c -> c.contains("Content Security Policy")),
                new Page.WaitForConditionOptions().setTimeout(TIMEOUT_MS));
        assertEquals("undefined", page.evaluate("() => typeof window.__inline"), "inline script blocked by CSP");
    }
}
