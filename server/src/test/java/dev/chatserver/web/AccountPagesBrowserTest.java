package dev.chatserver.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static dev.chatserver.web.BrowserSupport.awaitConnected;
import static dev.chatserver.web.BrowserSupport.message;
import static dev.chatserver.web.BrowserSupport.open;
import static dev.chatserver.web.BrowserSupport.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import dev.chatserver.support.SocketClient;
import dev.samstevens.totp.code.DefaultCodeGenerator;
import io.socket.client.Ack;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.json.JSONObject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The account pages (web-static/register.html, login.html, login-2fa.html, twofa-setup.html, profile.html,
 * dashboard.html with auth.js) and the chat page's account area in headless Chromium against a real server:
 * register and chat as an account, sign in with a TOTP second factor, a wrong password, and ~200 XSS
 * payloads in messages, usernames, account names and URL parameters rendered as text.
 */
class AccountPagesBrowserTest extends BrowserTestBase {
    private static final String PASSWORD = "correct horse battery 7";

    /** Registers through the form and waits until the chat page (/) shows the account signed in. */
    private Page register(BrowserContext context, String username) {
        Page page = context.newPage();
        page.navigate(url("/register"));
        page.locator("#username").fill(username);
        page.locator("#password").fill(PASSWORD);
        page.locator("#password-confirm").fill(PASSWORD);
        assertThat(page.locator("#rule-length")).hasClass(Pattern.compile("\\bmet\\b"));
        assertThat(page.locator("#rule-match")).hasClass(Pattern.compile("\\bmet\\b"));
        page.locator("#register-button").click();
        page.waitForURL(url("/"));
        assertSignedIn(page, username);
        return page;
    }

    /** Fills and submits the login form of a page showing /login. */
    private static void submitLogin(Page page, String username, String password) {
        page.locator("#username").fill(username);
        page.locator("#password").fill(password);
        page.locator("#login-button").click();
    }

    /** The header's account area says "Signed in as {@code username}" with Profile and Sign out. */
    private static void assertSignedIn(Page page, String username) {
        assertThat(page.locator("#account-status")).isVisible();
        assertThat(page.locator("#account-status")).hasText("Signed in as " + username);
        assertThat(page.locator("#account-profile")).isVisible();
        assertThat(page.locator("#account-logout")).isVisible();
        assertThat(page.locator("#account-login")).isHidden();
        assertThat(page.locator("#account-register")).isHidden();
    }

    /** GET /api/me from the page (with its cookies): the data object. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> me(Page page) {
        return (Map<String, Object>) page.evaluate(
                "() => fetch('/api/me', {cache: 'no-store'}).then((r) => r.json()).then((j) => j.data)");
    }

    /** The TOTP code of {@code secret} for the current 30 s step plus {@code stepOffset}. */
    private static String totp(String secret, int stepOffset) throws Exception {
        long step = Math.floorDiv(System.currentTimeMillis() / 1000, 30) + stepOffset;
        return new DefaultCodeGenerator().generate(secret, step);
    }

    @Test
    void registerLoginAndChat() {
        String name = "alice_acct";
        Page a = register(user(false), name);
        awaitConnected(a);
        assertThat(a.locator("#presence li.user.me")).hasText(name);
        assertThat(a.locator("#name-panel")).isHidden(); // accounts rename on /profile
        assertNull(a.evaluate("() => localStorage.getItem('chat.token')"), "no chat token stored for an account");
        Map<String, Object> me = me(a);
        assertEquals(true, me.get("logged_in"));
        assertEquals(name, me.get("username"));

        Page b = open(user(false), url("/"));
        assertThat(b.locator("#account-login")).isVisible();
        assertThat(b.locator("#account-register")).isVisible();
        assertThat(b.locator("#account-status")).isHidden();
        assertThat(b.locator("#name-panel")).isVisible();

        String text = "hello from a registered account";
        send(a, text);
        Locator onB = message(b, text);
        assertThat(onB).hasCount(1);
        assertThat(onB.locator(".author")).hasText(name);

        // sign out, then a page that needs an account sends to /login?next= and back after the login
        a.locator("#account-logout").click();
        a.waitForURL(url("/login"));
        assertEquals(false, me(a).get("logged_in"));
        a.navigate(url("/profile"));
        a.waitForURL(url("/login?next=%2Fprofile"));
        assertThat(a.locator("#next")).hasValue("/profile");
        submitLogin(a, name, PASSWORD);
        a.waitForURL(url("/profile"));
        assertThat(a.locator("#username")).hasValue(name);
        assertThat(a.locator("#twofa-status")).hasText("Off");
        assertThat(a.locator("#profile-button")).isEnabled();
        assertSignedIn(a, name);
    }

    @Test
    void loginWithTwoFactor() throws Exception {
        String name = "totp_user";
        BrowserContext context = user(false);
        Page page = register(context, name);

        page.navigate(url("/2fa/setup"));
        Locator secretEl = page.locator("#totp-secret");
        assertThat(secretEl).hasText(Pattern.compile("^[A-Z2-7]{32}$"));
        String secret = secretEl.textContent();
        Locator qr = page.locator("#totp-qr");
        assertThat(qr).isVisible();
        assertTrue(qr.getAttribute("src").startsWith("data:image/png;base64,"), "QR code is a PNG data URI");
        page.waitForFunction("() => { const i = document.getElementById('totp-qr'); return i.complete && i.naturalWidth > 0; }");
        assertThat(page.locator("#totp-uri")).hasText(Pattern.compile("^otpauth://totp/.*secret=" + secret));

        String setupCode = totp(secret, 0); // its step is used up by the setup
        page.locator("#totp-code").fill(setupCode);
        page.locator("#totp-confirm-button").click();
        Locator codes = page.locator("#recovery-codes li");
        assertThat(codes).hasCount(10);
        for (String c : codes.allTextContents()) {
            assertTrue(c.matches("[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}"), c);
        }
        assertThat(page.locator("#setup")).isHidden();
        assertThat(page.locator("#form-error")).isHidden();
        assertEquals(true, me(page).get("two_factor"));

        page.locator("#account-logout").click();
        page.waitForURL(url("/login"));
        page.navigate(url("/profile")); // needs an account: the way back there survives both sign-in steps
        page.waitForURL(url("/login?next=%2Fprofile"));
        submitLogin(page, name, PASSWORD);
        page.waitForURL(url("/login/2fa?next=%2Fprofile"));
        assertThat(page.locator("#next")).hasValue("/profile");
        assertEquals(false, me(page).get("logged_in"), "a password alone is no full session");
        assertThat(page.locator("#code")).hasAttribute("autocomplete", "one-time-code");

        // the setup's code is refused: its step was used (or, 60 s later, it is outside the window)
        page.locator("#code").fill(setupCode);
        page.locator("#code-button").click();
        page.waitForURL(url("/login/2fa?error=invalid_code&next=%2Fprofile"));
        assertThat(page.locator("#form-error")).hasText(Pattern.compile("not valid, or it was already used"));
        assertEquals(false, me(page).get("logged_in"));

        // the next step's code: the server accepts +/- one step, and that one was never used
        page.locator("#code").fill(totp(secret, 1));
        page.locator("#code-button").click();
        page.waitForURL(url("/profile"));
        assertThat(page.locator("#twofa-status")).hasText("On");
        assertSignedIn(page, name);
        page.navigate(url("/"));
        awaitConnected(page);
        send(page, "signed in with two factors");
        assertEquals(true, me(page).get("logged_in"));
    }

    @Test
    void wrongPasswordShowsAnErrorAndNoSession() {
        String name = "carol_acct";
        register(user(false), name);

        BrowserContext other = user(false);
        Page page = other.newPage();
        page.navigate(url("/login?next=%2Fdashboard"));
        submitLogin(page, name, "not the right password");
        page.waitForURL(url("/login?error=invalid_credentials&next=%2Fdashboard"));
        assertThat(page.locator("#next")).hasValue("/dashboard"); // a typo does not lose where it was going
        Locator error = page.locator("#form-error");
        assertThat(error).isVisible();
        assertThat(error).hasText("Wrong username or password.");
        assertThat(page.locator("#username")).hasValue(name); // kept for the next try
        assertThat(page.locator("#password")).hasValue("");
        assertEquals(false, me(page).get("logged_in"));
        assertTrue(other.cookies().stream().noneMatch(c -> c.name.equals("chat_session")), "no session cookie");
        page.navigate(url("/dashboard"));
        page.waitForURL(url("/login?next=%2Fdashboard"));
    }

    @Test
    void xssPayloadsAreNeverExecuted() throws Exception {
        List<String> payloads = xssPayloads();
        assertEquals(200, payloads.size());
        // usernames are 1-20 characters: a few short payloads as sender names
        List<String> senders = List.of("<svg/onload=__xss=1>", "\"><img src=x>", "<b onclick=__xss=1>", "{{__xss=1}}",
                "${__xss=1}");
        String room = "XSS1"; // room codes are [A-Za-z0-9_-]{1,64}: no payload fits, so rooms are not a vector
        List<SocketClient> clients = new ArrayList<>();
        for (String n : senders) {
            SocketClient c = server.client();
            clients.add(closeAfterTest(c));
            c.join(room, n);
        }
        int perSender = payloads.size() / senders.size();
        Map<Long, String[]> expected = new TreeMap<>();
        // the first three senders before the page opens (history on join), the last two while it is open
        for (int s = 0; s < 3; s++) {
            expected.putAll(sendAll(clients.get(s), room, payloads.subList(s * perSender, (s + 1) * perSender)));
        }

        // CSP bypassed: the page's own escaping, not only the CSP, must keep the text inert
        Page page = open(user(true), url("/room/" + room));
        Map<String, Long> tagsBefore = tagsOutsideUserText(page);
        for (int s = 3; s < senders.size(); s++) {
            expected.putAll(sendAll(clients.get(s), room, payloads.subList(s * perSender, (s + 1) * perSender)));
        }
        assertEquals(200, expected.size());

        assertThat(page.locator("#messages li.msg")).hasCount(200);
        @SuppressWarnings("unchecked")
        List<List<String>> rendered = (List<List<String>>) page.evaluate("() => Array.from("
                + "document.querySelectorAll('#messages li.msg'), (li) => [li.dataset.id,"
                + " li.querySelector('.author').textContent, li.querySelector('.text').textContent])");
        Map<Long, String[]> shown = new TreeMap<>();
        for (List<String> r : rendered) {
            shown.put(Long.parseLong(r.get(0)), new String[] {r.get(1), r.get(2)});
        }
        assertEquals(expected.keySet(), shown.keySet(), "every payload rendered once");
        for (Map.Entry<Long, String[]> e : expected.entrySet()) {
            assertEquals(e.getValue()[0], shown.get(e.getKey())[0], "author rendered literally");
            assertEquals(e.getValue()[1], shown.get(e.getKey())[1], "message rendered literally");
        }
        assertEquals(new LinkedHashSet<>(senders),
                new LinkedHashSet<>(page.locator("#presence li.user:not(.me)").allTextContents()));

        // the page's own message controls (reaction and edit/delete buttons, issue #7) are the only other tag allowed
        assertEquals(List.of(), page.evaluate("() => Array.from(document.querySelectorAll('#messages *, #presence *, #typing *'))"
                + ".filter((e) => !(e.tagName === 'BUTTON' && e.closest('.msg-actions, .reactions'))).map((e) => e.tagName)"
                + ".filter((t) => !['LI', 'DIV', 'SPAN', 'TIME'].includes(t))"), "elements from user text");
        assertEquals(tagsBefore, tagsOutsideUserText(page), "no element injected elsewhere");
        assertNoScriptRan(page);

        // an account named with a payload: chat header, dashboard and profile show it as text
        String account = "<svg onload=__xss=1>";
        BrowserContext context = user(true);
        Page acct = register(context, account);
        awaitConnected(acct);
        assertThat(acct.locator("#account-name")).hasText(account);
        acct.navigate(url("/dashboard"));
        assertThat(acct.locator("#greeting-name")).hasText(account);
        acct.navigate(url("/profile"));
        assertThat(acct.locator("#username")).hasValue(account);
        assertThat(acct.locator("#account-name")).hasText(account);
        assertEquals(0, acct.locator("svg").count());
        assertNoScriptRan(acct);

        // URL parameters: an unknown ?error= shows the generic text; an unsafe ?next= is dropped
        String p = payloads.get(0);
        acct.navigate(url("/login?error=" + enc(p) + "&next=" + enc("\"><svg onload=__xss=1>")));
        assertThat(acct.locator("#form-error")).hasText("Something went wrong. Please try again.");
        assertThat(acct.locator("#next")).hasValue("");
        // a room path with a payload: shown as text, the join refused
        acct.navigate(url("/room/" + enc(p).replace("+", "%20")));
        assertThat(acct.locator("#room-code")).hasText(p);
        assertThat(acct.locator("#error")).hasText(Pattern.compile("room", Pattern.CASE_INSENSITIVE));
        assertEquals(0, acct.locator("img, svg, iframe").count());
        assertNoScriptRan(acct);
    }

    /** Sends texts from one client without waiting in between; returns id -> [author, text] from the acks. */
    private static Map<Long, String[]> sendAll(SocketClient client, String room, List<String> texts) throws Exception {
        List<CompletableFuture<Object>> acks = new ArrayList<>();
        for (String t : texts) {
            CompletableFuture<Object> ack = new CompletableFuture<>();
            client.socket().emit("message", new Object[] {new JSONObject().put("room", room).put("message", t)},
                    (Ack) args -> ack.complete(args.length == 0 ? null : args[0]));
            acks.add(ack);
        }
        Map<Long, String[]> out = new HashMap<>();
        for (int i = 0; i < texts.size(); i++) {
            JSONObject res = (JSONObject) acks.get(i).get(SocketClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertTrue(res.getBoolean("ok"), "message refused: " + res);
            JSONObject m = res.getJSONObject("data");
            assertEquals(texts.get(i), m.getString("message"), "stored as sent");
            out.put(m.getLong("id"), new String[] {m.getString("username"), texts.get(i)});
        }
        return out;
    }

    /** Tag counts of the document outside the elements that hold user text. */
    @SuppressWarnings("unchecked")
    private static Map<String, Long> tagsOutsideUserText(Page page) {
        Map<String, Object> raw = (Map<String, Object>) page.evaluate("() => { const n = {};"
                + " for (const e of document.querySelectorAll('*')) {"
                + "   if (e.closest('#messages, #presence, #typing')) continue;"
                + "   n[e.tagName] = (n[e.tagName] || 0) + 1; }"
                + " return n; }");
        Map<String, Long> out = new TreeMap<>();
        raw.forEach((k, v) -> out.put(k, ((Number) v).longValue()));
        return out;
    }

    /** Every image has loaded or failed and queued tasks have run: no payload set window.__xss. */
    private static void assertNoScriptRan(Page page) {
        page.waitForFunction("() => Array.from(document.images).every((i) => i.complete)");
        page.evaluate("() => new Promise((r) => setTimeout(() => requestAnimationFrame(() => requestAnimationFrame(r)), 0))");
        assertEquals("undefined", page.evaluate("() => typeof window.__xss"), "user text ran as script");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /**
     * 200 distinct payloads: 25 classic vectors x 8 ways to set {@code window.__xss}; of every three in a row,
     * one as written, one with its markup in mixed case ({@code <ImG SrC=x}), one with a newline for its first
     * space. None has outer whitespace (the server trims messages) and all fit the 500-character limit.
     */
    static List<String> xssPayloads() {
        List<String> vectors = List.of(
                "<img src=x onerror={JS}>",
                "<img src=\"x\" onerror=\"{JS}\">",
                "<svg onload={JS}>",
                "<svg/onload={JS}>",
                "<script>{JS}</script>",
                "<script src=\"data:text/javascript,{JS}\"></script>",
                "<a href=\"javascript:{JS}\">click me</a>",
                "javascript:{JS}",
                "\"><img src=x onerror={JS}>",
                "'><svg onload={JS}>",
                "<body onload={JS}>",
                "<iframe srcdoc=\"<script>parent.{JS}</script>\"></iframe>",
                "<iframe src=\"javascript:{JS}\"></iframe>",
                "<details open ontoggle={JS}>",
                "<input autofocus onfocus={JS}>",
                "<video><source onerror={JS}></video>",
                "<math><mtext><table><mglyph><style><img src=x onerror={JS}>",
                "${{JS}}",
                "{{constructor.constructor('{JS}')()}}",
                "&lt;img src=x onerror={JS}&gt;",
                "&#60;svg onload&#61;{JS}&#62;",
                "<object data=\"javascript:{JS}\"></object>",
                "</textarea></li></ol><script>{JS}</script>",
                "<marquee onstart={JS}>x</marquee>",
                "<form><button formaction=\"javascript:{JS}\">go</button></form>");
        List<String> scripts = List.of("window.__xss=1", "__xss=1", "self.__xss=1", "top.__xss=1", "window['__xss']=1",
                "eval('__xss=1')", "Function('__xss=1')()", "setTimeout('__xss=1')");
        Set<String> out = new LinkedHashSet<>();
        int n = 0;
        for (String v : vectors) {
            for (String js : scripts) {
                String template = switch (n++ % 3) {
                    case 1 -> mixedCase(v);
                    case 2 -> v.replaceFirst(" ", "\n");
                    default -> v;
                };
                String p = template.replace("{JS}", js);
                assertTrue(p.length() <= 500 && p.equals(p.strip()), p);
                out.add(p);
            }
        }
        return new ArrayList<>(out);
    }

    /** Alternating letter case outside the {JS} placeholder: {@code <ImG SrC=...}. */
    private static String mixedCase(String template) {
        String[] parts = template.split("\\{JS\\}", -1);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                sb.append("{JS}");
            }
            StringBuilder part = new StringBuilder();
            boolean upper = true;
            for (char ch : parts[i].toCharArray()) {
                if (Character.isLetter(ch)) {
                    part.append(upper ? Character.toUpperCase(ch) : Character.toLowerCase(ch));
                    upper = !upper;
                } else {
                    part.append(ch);
                }
            }
            sb.append(part.toString());
        }
        return sb.toString();
    }
}
