package dev.chatserver.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static dev.chatserver.web.BrowserSupport.open;
import static dev.chatserver.web.BrowserSupport.setName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.FilePayload;
import dev.chatserver.config.ServerConfig;
import dev.chatserver.config.UploadSettings;
import dev.chatserver.support.TestServer;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * File sharing on the chat page in headless Chromium: an image one user attaches appears as a preview for the
 * other; audio, video and documents render as players and a download chip; a private room's image loads for a
 * member through the page's cookie and not for an outsider; the voice recorder says clearly when there is no
 * microphone, and with Chromium's fake microphone records, uploads and shares a voice note that plays as audio.
 */
class FileSharingBrowserTest extends BrowserTestBase {
    private static final Pattern DOWNLOAD_URL = Pattern.compile("^/api/download_file/[0-9a-f]{32}$");
    private Browser withFakeMicrophone;

    @Override
    protected TestServer startServer(Path dir) {
        return TestServer.start(ServerConfig.forTests(dir).withUploads(UploadSettings.DEFAULTS.withPerFiveMinutes(100)));
    }

    private BrowserContext user(Browser b) {
        BrowserContext c = closeAfterTest(BrowserSupport.newUser(b, false));
        // collects CSP violations from page start (init scripts are not subject to the page's CSP)
        c.addInitScript("window.__csp = []; document.addEventListener('securitypolicyviolation', (e) => "
                + "window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));");
        return c;
    }

    private BrowserContext user() {
        return user(browser);
    }

    private static Locator fileMessage(Page page, String name) {
        return page.locator("#messages li.msg.file").filter(new Locator.FilterOptions()
                .setHas(page.locator(".text").filter(new Locator.FilterOptions().setHasText(BrowserSupport.exactly(name)))));
    }

    private static void attach(Page page, String name, String type, byte[] bytes) {
        page.locator("#file-input").setInputFiles(new FilePayload(name, type, bytes));
        assertThat(page.locator("#messages li.msg.file.own")
                .filter(new Locator.FilterOptions().setHas(page.locator(".text").filter(
                        new Locator.FilterOptions().setHasText(BrowserSupport.exactly(name)))))).hasCount(1);
        assertThat(page.locator("#attach-button")).isEnabled();
    }

    private static void assertNoCspViolations(Page page) {
        assertEquals(List.of(), page.evaluate("() => window.__csp"), "securitypolicyviolation events");
    }

    @Test
    void anImageAttachedByOneUserAppearsAsAPreviewForTheOther() throws IOException {
        Page alice = open(user(), server.url() + "/room/PICS");
        Page bob = open(user(), server.url() + "/room/PICS");
        setName(alice, "alice");
        setName(bob, "bob");

        byte[] sunset = png(40, 30);
        attach(alice, "sunset.png", "image/png", sunset);

        Locator onBob = fileMessage(bob, "sunset.png");
        assertThat(onBob).hasCount(1);
        assertThat(onBob.locator(".author")).hasText("alice");
        Locator img = onBob.locator("img.file-image");
        assertThat(img).hasCount(1);
        assertThat(img).hasAttribute("alt", "sunset.png");
        String src = img.getAttribute("src");
        assertTrue(DOWNLOAD_URL.matcher(src).matches(), src);
        assertEquals(src, onBob.locator("a.file-open").getAttribute("href"), "a click opens the full image");
        assertEquals("_blank", onBob.locator("a.file-open").getAttribute("target"));
        bob.waitForFunction("(src) => { const i = document.querySelector('#messages img.file-image[src=\"' + src + '\"]');"
                + " return i && i.complete && i.naturalWidth === 40 && i.naturalHeight === 30; }", src);
        assertThat(onBob.locator(".file-caption .file-name")).hasText("sunset.png");
        assertThat(onBob.locator(".file-caption .file-size")).hasText(humanSize(sunset.length));

        Locator own = fileMessage(alice, "sunset.png");
        assertThat(own.locator("img.file-image")).hasAttribute("src", src);
        assertEquals(own.getAttribute("data-id"), onBob.getAttribute("data-id"), "one stored message");

        // a late joiner sees it in the history
        Page carol = open(user(), server.url() + "/room/PICS");
        assertThat(fileMessage(carol, "sunset.png").locator("img.file-image")).hasAttribute("src", src);

        Path shot = BrowserSupport.screenshotPath("file-sharing-image.png");
        Files.createDirectories(shot.getParent());
        bob.screenshot(new Page.ScreenshotOptions().setPath(shot).setFullPage(true));
        for (Page p : List.of(alice, bob, carol)) {
            assertNoCspViolations(p);
        }
    }

    @Test
    void audioVideoAndDocumentsRenderAsPlayersAndADownloadChip() {
        Page alice = open(user(), server.url() + "/room/MEDIA");
        Page bob = open(user(), server.url() + "/room/MEDIA");

        attach(alice, "beep.wav", "audio/wav", wav(8000));
        attach(alice, "clip.mp4", "video/mp4", mp4());
        byte[] pdf = "%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n".repeat(40).getBytes(StandardCharsets.ISO_8859_1);
        attach(alice, "minutes.pdf", "application/pdf", pdf);

        Locator audio = fileMessage(bob, "beep.wav").locator("audio.file-audio");
        assertThat(audio).hasCount(1);
        assertThat(audio).hasAttribute("controls", "");
        assertTrue(DOWNLOAD_URL.matcher(audio.getAttribute("src")).matches());
        assertThat(fileMessage(bob, "clip.mp4").locator("video.file-video")).hasCount(1);

        Locator chip = fileMessage(bob, "minutes.pdf").locator("a.file-chip");
        assertThat(chip).hasCount(1);
        assertThat(chip.locator(".file-chip-name")).hasText("minutes.pdf");
        assertThat(chip.locator(".file-size")).hasText(humanSize(pdf.length));
        assertThat(chip).hasAttribute("download", "minutes.pdf");
        assertEquals(0, fileMessage(bob, "minutes.pdf").locator("img, audio, video").count());

        // the audio player really loads the file (ranges on the same origin)
        bob.waitForFunction("() => { const a = document.querySelector('#messages audio.file-audio');"
                + " return a && a.readyState >= 1 && Math.abs(a.duration - 0.5) < 0.01; }");
        assertNoCspViolations(bob);
        bob.screenshot(new Page.ScreenshotOptions().setPath(BrowserSupport.screenshotPath("file-sharing-media.png")));
    }

    @Test
    void aPrivateRoomsImageLoadsForAMemberThroughTheCookieAndNotForAnOutsider() throws IOException {
        Page alice = open(user(), server.url() + "/room/PRIV");
        Page bob = open(user(), server.url() + "/room/PRIV");
        Page eve = open(user(), server.url() + "/room/PRIV");
        String aliceToken = (String) alice.evaluate("() => localStorage.getItem('chat.token')");
        String bobToken = (String) bob.evaluate("() => localStorage.getItem('chat.token')");
        server.server().database().jdbi().useHandle(h -> {
            h.execute("UPDATE rooms SET private = 1 WHERE code = 'PRIV'");
            h.execute("INSERT INTO room_members (room, token, role, joined_at) VALUES ('PRIV', ?, 'owner', 0), ('PRIV', ?, 'member', 0)",
                    aliceToken, bobToken);
        });
        assertTrue(((String) bob.evaluate("() => document.cookie")).contains("chat_token=" + bobToken), "the page set its cookie");

        attach(alice, "secret.png", "image/png", png(12, 9));

        bob.waitForFunction("() => { const i = document.querySelector('#messages img.file-image');"
                + " return i && i.complete && i.naturalWidth === 12; }");
        // eve got the message (joining is not restricted yet) but the file itself is refused to her (404)
        eve.waitForFunction("() => { const i = document.querySelector('#messages img.file-image');"
                + " return i && i.complete && i.naturalWidth === 0; }");
    }

    @Test
    void theRecorderSaysClearlyWhenThereIsNoMicrophone() {
        Page page = open(user(), server.url() + "/room/VOICE");
        page.locator("#record-button").click();
        assertThat(page.locator("#error")).hasText(Pattern.compile("microphone", Pattern.CASE_INSENSITIVE));
        assertThat(page.locator("#error-bar")).isVisible();
        assertThat(page.locator("#record-button")).hasAttribute("data-state", "idle");
        assertEquals(0, page.locator("#messages li.msg.file").count());
    }

    @Test
    void aVoiceNoteIsRecordedSharedAndPlayedAsAudio() {
        if (withFakeMicrophone == null) {
            withFakeMicrophone = BrowserSupport.launch(playwright,
                    List.of("--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"));
        }
        BrowserContext speaker = user(withFakeMicrophone);
        speaker.grantPermissions(List.of("microphone"));
        Page alice = open(speaker, server.url() + "/room/VOICE2");
        Page bob = open(user(), server.url() + "/room/VOICE2");

        Locator record = alice.locator("#record-button");
        record.click();
        assertThat(record).hasAttribute("data-state", "recording");
        assertThat(record).hasAttribute("data-elapsed", Pattern.compile("^[1-9]\\d*$")); // a second of fake audio
        record.click();
        assertThat(record).hasAttribute("data-state", "idle");

        Locator note = bob.locator("#messages li.msg.file").filter(new Locator.FilterOptions()
                .setHas(bob.locator(".text").filter(new Locator.FilterOptions().setHasText(Pattern.compile("^voice-\\d{8}-\\d{6}\\.webm$")))));
        assertThat(note).hasCount(1);
        assertThat(note.locator("audio.file-audio")).hasCount(1);
        String type = server.server().database().jdbi().withHandle(h -> h.createQuery(
                "SELECT type FROM uploads WHERE name LIKE 'voice-%'").mapTo(String.class).one());
        assertEquals("audio/webm", type, "recognised as WebM by content, kept as audio as the browser declared");
        bob.waitForFunction("() => { const a = document.querySelector('#messages audio.file-audio');"
                + " return a && a.readyState >= 1; }");
        assertNoCspViolations(alice);
        assertNoCspViolations(bob);
    }

    /** The page's size format: 512 B, 1.4 KB, 23.5 MB. */
    private static String humanSize(long n) {
        if (n < 1024) {
            return n + " B";
        }
        return n < 1024 * 1024 ? String.format(java.util.Locale.ROOT, "%.1f KB", n / 1024.0)
                : String.format(java.util.Locale.ROOT, "%.1f MB", n / (1024.0 * 1024));
    }

    private static byte[] png(int w, int h) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, new Color(255 - x * 5, 100 + y * 4, 60).getRGB());
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    /** 16 kHz mono 16-bit PCM: {@code samples} samples of a 440 Hz tone. */
    private static byte[] wav(int samples) {
        ByteBuffer b = ByteBuffer.allocate(44 + samples * 2).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + samples * 2).put("WAVEfmt ".getBytes(StandardCharsets.US_ASCII));
        b.putInt(16).putShort((short) 1).putShort((short) 1).putInt(16000).putInt(32000).putShort((short) 2).putShort((short) 16);
        b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(samples * 2);
        for (int i = 0; i < samples; i++) {
            b.putShort((short) (Math.sin(2 * Math.PI * 440 * i / 16000.0) * 8000));
        }
        return b.array();
    }

    private static byte[] mp4() {
        ByteBuffer b = ByteBuffer.allocate(40).order(ByteOrder.BIG_ENDIAN);
        b.putInt(24).put("ftypisom".getBytes(StandardCharsets.US_ASCII)).putInt(0x200).put("isommp41".getBytes(StandardCharsets.US_ASCII));
        b.putInt(16).put("mdat".getBytes(StandardCharsets.US_ASCII)).putLong(0);
        return b.array();
    }
}
