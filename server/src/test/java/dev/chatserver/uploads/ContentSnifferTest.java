package dev.chatserver.uploads;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.chatserver.common.ChatException;
import dev.chatserver.config.UploadSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** ContentSniffer: kinds by content, extension agreement, container audio/video choice, image size limit, hash. */
class ContentSnifferTest {
    @TempDir
    Path dir;
    final ContentSniffer sniffer = new ContentSniffer(EnumSet.allOf(FileKind.class), 32_000_000L);

    private Path write(byte[] bytes) throws IOException {
        Path p = Files.createTempFile(dir, "s", ".bin");
        Files.write(p, bytes);
        return p;
    }

    private ContentSniffer.Result analyze(byte[] bytes, String name, String declared) throws IOException {
        return sniffer.analyze(write(bytes), FileNames.sanitize(name), declared);
    }

    private ChatException refused(byte[] bytes, String name) {
        return assertThrows(ChatException.class, () -> analyze(bytes, name, null));
    }

    @Test
    void everyKindIsRecognisedByItsContentWithItsMediaTypeAndHash() throws Exception {
        for (Map.Entry<String, Samples.Sample> e : Samples.all().entrySet()) {
            Samples.Sample s = e.getValue();
            ContentSniffer.Result r = analyze(s.bytes(), s.name(), s.declaredType());
            assertEquals(e.getKey(), r.kind().canonical(), s.name());
            assertEquals(s.expectedType(), r.mediaType(), s.name());
            assertEquals(s.bytes().length, r.size());
            assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.bytes())), r.sha256());
        }
    }

    @Test
    void theKindListMatchesTheConfigurationsNames() {
        assertEquals(UploadSettings.ALL_TYPES, java.util.Arrays.stream(FileKind.values()).map(FileKind::canonical).toList());
        assertEquals(FileKind.JPG, FileKind.byName("jpeg"));
    }

    @Test
    void imagesReportTheirPixelSize() throws Exception {
        for (String format : new String[] {"png", "jpg", "gif"}) {
            ContentSniffer.Result r = analyze(Samples.image(format, 37, 21), "i." + format, null);
            assertEquals(37, r.width(), format);
            assertEquals(21, r.height(), format);
        }
        ContentSniffer.Result webp = analyze(Samples.webp(4000, 3000), "w.webp", null);
        assertEquals(4000, webp.width());
        assertEquals(3000, webp.height());
        assertNull(analyze(Samples.pdf(), "p.pdf", null).width());
    }

    @Test
    void imagesOverThePixelLimitAreRefused() {
        ChatException e = refused(Samples.pngHeader(8000, 5000), "huge.png"); // 40 Mpx > 32 Mpx
        assertEquals("image_too_large", e.code());
        assertEquals(413, e.httpStatus());
        assertEquals("image_too_large", refused(Samples.webp(16000, 16000), "huge.webp").code());
    }

    @Test
    void anImageWhoseSizeCannotBeReadIsRefused() {
        byte[] truncated = java.util.Arrays.copyOf(Samples.pngHeader(10, 10), 16);
        assertEquals("bad_image", refused(truncated, "t.png").code());
        assertEquals("bad_image", refused(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xD9}, "t.jpg").code());
    }

    @ParameterizedTest
    @ValueSource(strings = {"cat.png", "cat.jpg", "cat.txt", "cat.pdf", "cat.exe", "cat", "cat.zip"})
    void aRenamedExecutableIsRefusedWhateverItsName(String name) {
        for (byte[] exe : new byte[][] {Samples.elf(), Samples.exe()}) {
            ChatException e = refused(exe, name);
            assertEquals(415, e.httpStatus(), name);
            assertEquals("unsupported_type", e.code(), name);
        }
    }

    @Test
    void anExtensionNamingAnotherKindIsAMismatch() {
        ChatException e = refused(Samples.image("png", 2, 2), "picture.jpg");
        assertEquals("type_mismatch", e.code());
        assertEquals(415, e.httpStatus());
        assertEquals("type_mismatch", refused("just text".getBytes(StandardCharsets.UTF_8), "evil.png").code());
        assertEquals("type_mismatch", refused("echo hi".getBytes(StandardCharsets.UTF_8), "run.sh").code(),
                "an unknown extension never passes");
        assertEquals("type_mismatch", refused(Samples.pdf(), "paper.html").code());
    }

    @Test
    void aNameWithoutExtensionGetsTheKindsExtension() throws Exception {
        assertEquals("voice.webm", analyze(Samples.webm("webm"), "voice", "audio/webm").name());
        assertEquals("README.txt", analyze("read me".getBytes(StandardCharsets.UTF_8), "README", null).name());
        assertEquals("file.png", analyze(Samples.image("png", 2, 2), "", null).name());
    }

    @Test
    void containersKeepTheDeclaredAudioOrVideoChoice() throws Exception {
        assertEquals("audio/webm", analyze(Samples.webm("webm"), "v.webm", "audio/webm;codecs=opus").mediaType());
        assertEquals("video/webm", analyze(Samples.webm("webm"), "v.webm", "video/webm").mediaType());
        assertEquals("video/webm", analyze(Samples.webm("webm"), "v.webm", null).mediaType());
        assertEquals("audio/ogg", analyze(Samples.ogg(), "v.ogg", null).mediaType());
        assertEquals("video/ogg", analyze(Samples.ogg(), "v.ogg", "video/ogg").mediaType());
        assertEquals("audio/mp4", analyze(Samples.mp4("M4A "), "song.m4a", null).mediaType());
        assertEquals("audio/mp4", analyze(Samples.mp4("isom"), "voice.mp4", "audio/mp4").mediaType());
        assertEquals("video/mp4", analyze(Samples.mp4("mp42"), "clip.mp4", "text/html").mediaType(),
                "a declared type outside audio/video changes nothing");
    }

    @Test
    void lookalikeContainersAreRefused() {
        assertEquals("unsupported_type", refused(Samples.webm("matroska"), "film.webm").code(), "Matroska is not WebM");
        assertEquals("unsupported_type", refused(Samples.mp4("heic"), "photo.mp4").code(), "HEIF is not MP4");
        assertEquals("unsupported_type", refused(Samples.ole(false), "setup.doc").code(), "an OLE file without Word stream");
        byte[] brokenZip = java.util.Arrays.copyOf(Samples.zip(), 40);
        assertEquals("unsupported_type", refused(brokenZip, "a.zip").code(), "a zip without central directory");
    }

    @Test
    void aDocxIsAlsoAZipButAPlainZipIsNotADocx() throws Exception {
        assertEquals(FileKind.DOCX, analyze(Samples.docx(), "r.docx", null).kind());
        assertEquals(FileKind.ZIP, analyze(Samples.docx(), "r.zip", null).kind());
        assertEquals(FileKind.DOCX, analyze(Samples.docx(), "r", null).kind());
        assertEquals("type_mismatch", refused(Samples.zip(), "r.docx").code());
    }

    @Test
    void textMustBeUtf8WithoutControlCharacters() throws Exception {
        assertEquals(FileKind.TXT, analyze("tabs\tand\r\nlines\f".getBytes(StandardCharsets.UTF_8), "a.txt", null).kind());
        assertEquals("unsupported_type", refused(new byte[] {'a', 0, 'b'}, "nul.txt").code());
        assertEquals("unsupported_type", refused(new byte[] {'a', 0x1B, '[', '2', 'J'}, "esc.txt").code());
        assertEquals("unsupported_type", refused(new byte[] {'a', (byte) 0xC3, '(', 'b'}, "latin1.txt").code());
        // a multi-byte character split across the 64 KiB read boundary is still valid
        byte[] big = new byte[64 * 1024 + 3];
        java.util.Arrays.fill(big, (byte) 'x');
        byte[] ya = "ی".getBytes(StandardCharsets.UTF_8);
        System.arraycopy(ya, 0, big, 64 * 1024 - 1, 2);
        assertEquals(FileKind.TXT, analyze(big, "long.txt", null).kind());
    }

    @Test
    void onlyTheConfiguredKindsAreAccepted() throws Exception {
        ContentSniffer seed001 = new ContentSniffer(Set.of(FileKind.PNG, FileKind.PDF), 1000);
        Path pdf = write(Samples.pdf());
        assertEquals(FileKind.PDF, seed001.analyze(pdf, "a.pdf", null).kind());
        ChatException e = assertThrows(ChatException.class, () -> seed001.analyze(write(Samples.mp3()), "a.mp3", null));
        assertEquals("unsupported_type", e.code());
        assertEquals("image_too_large", assertThrows(ChatException.class,
                () -> seed001.analyze(write(Samples.image("png", 40, 30)), "a.png", null)).code());
    }

    @Test
    void ebmlDocTypeIsReadFromTheHeader() {
        assertEquals("webm", ContentSniffer.ebmlDocType(Samples.webm("webm")));
        assertEquals("matroska", ContentSniffer.ebmlDocType(Samples.webm("matroska")));
        assertNull(ContentSniffer.ebmlDocType(new byte[] {0x1A, 0x45, (byte) 0xDF, (byte) 0xA3}));
        assertArrayEquals(new int[] {640, 480}, ContentSniffer.imageSize(FileKind.WEBP, Samples.webp(640, 480)));
    }
}
