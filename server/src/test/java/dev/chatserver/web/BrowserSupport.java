package dev.chatserver.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Headless Debian Chromium for the page tests, and the few page actions they share. Playwright cannot
 * download its own browser here ({@code PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1}, set by surefire), so it drives
 * {@code /usr/bin/chromium}.
 */
final class BrowserSupport {
    static final String CHROMIUM = "/usr/bin/chromium";
    /** Upper bound of every wait in the page tests, ms. */
    static final double TIMEOUT_MS = 10_000;

    private BrowserSupport() {
    }

    /** Launches headless Chromium; close the Playwright (which closes the browser) when done. */
    static Browser launch(Playwright playwright) {
        return launch(playwright, List.of());
    }

    /** As {@link #launch(Playwright)} with more Chromium switches (e.g. a fake microphone). */
    static Browser launch(Playwright playwright, List<String> extraArgs) {
        List<String> args = new java.util.ArrayList<>(List.of("--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"));
        args.addAll(extraArgs);
        return playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(Paths.get(CHROMIUM))
                .setHeadless(true)
                .setArgs(args));
    }

    /**
     * A new user: a fresh context (own localStorage, so own token and name) with bounded waits.
     *
     * @param bypassCsp true to ignore the page's CSP (to test the page's own escaping without it)
     */
    static BrowserContext newUser(Browser browser, boolean bypassCsp) {
        BrowserContext context = browser.newContext(new Browser.NewContextOptions()
                .setViewportSize(1100, 750)
                .setBypassCSP(bypassCsp));
        context.setDefaultTimeout(TIMEOUT_MS);
        context.setDefaultNavigationTimeout(TIMEOUT_MS);
        return context;
    }

    /** Opens {@code url} in a new page of {@code context} and waits until the socket is connected. */
    static Page open(BrowserContext context, String url) {
        Page page = context.newPage();
        page.navigate(url);
        awaitConnected(page);
        return page;
    }

    /**
     * #status reads "connected" (app.js setStatus: text and data-state) and the room is joined: our own
     * entry (li.user.me) is in the presence list. Only then has the page filled #name-input from
     * `identity` and the join_room ack; acting earlier races those writes (see {@link #setName}).
     */
    static void awaitConnected(Page page) {
        Locator status = page.locator("#status");
        assertThat(status).hasText("connected");
        assertThat(status).hasAttribute("data-state", "connected");
        assertThat(page.locator("#presence li.user.me")).hasCount(1);
    }

    /**
     * Sets the name through the form and waits until the server confirmed it: our own entry in the
     * presence list (li.user.me) carries the new name. Call after {@link #awaitConnected}: until the join
     * is answered the page may overwrite the input (it sets it unless an `input` event came first).
     */
    static void setName(Page page, String name) {
        page.locator("#name-input").fill(name);
        page.locator("#set-name-button").click();
        assertThat(page.locator("#presence li.user.me")).hasText(name);
    }

    /**
     * Sends a message through the composer and waits until the sender shows it as its own (the ack
     * renders it) and the composer is ready again.
     */
    static void send(Page page, String text) {
        page.locator("#message-input").fill(text);
        page.locator("#send-button").click();
        assertThat(ownMessage(page, text)).hasCount(1);
        assertThat(page.locator("#message-input")).hasValue("");
        assertThat(page.locator("#send-button")).isEnabled();
    }

    /** Chat messages of the page whose .text is exactly {@code text}. */
    static Locator message(Page page, String text) {
        return page.locator("#messages li.msg").filter(new Locator.FilterOptions()
                .setHas(page.locator(".text").filter(new Locator.FilterOptions().setHasText(exactly(text)))));
    }

    /** Own chat messages (class own) whose .text is exactly {@code text}. */
    static Locator ownMessage(Page page, String text) {
        return page.locator("#messages li.msg.own").filter(new Locator.FilterOptions()
                .setHas(page.locator(".text").filter(new Locator.FilterOptions().setHasText(exactly(text)))));
    }

    /**
     * A regex matching the whole trimmed text content, literally. Escapes by hand: the pattern runs as a
     * JavaScript RegExp in the page, which has no {@code \Q...\E} ({@link Pattern#quote}).
     */
    static Pattern exactly(String text) {
        return Pattern.compile("^\\s*" + text.replaceAll("[\\\\^$.|?*+()\\[\\]{}/-]", "\\\\$0") + "\\s*$");
    }

    /** {@code target/screenshots/<name>} below the Maven base directory. */
    static Path screenshotPath(String name) {
        return Paths.get(System.getProperty("basedir", "."), "target", "screenshots", name);
    }
}
