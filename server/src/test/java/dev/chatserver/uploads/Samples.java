package dev.chatserver.uploads;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;

/**
 * Small generated files of every accepted kind: real images from javax.imageio, minimal byte sequences with
 * the right headers for the others, and an ELF "executable".
 */
final class Samples {
    private Samples() {
    }

    /** A sample: file name, declared Content-Type, bytes, and the media type the server should find. */
    record Sample(String name, String declaredType, byte[] bytes, String expectedType) {
    }

    /** One sample per kind (14, the union of seeds 000 and 001), keyed by canonical kind. */
    static Map<String, Sample> all() {
        Map<String, Sample> m = new LinkedHashMap<>();
        m.put("png", new Sample("pixel art.png", "image/png", image("png", 8, 6), "image/png"));
        m.put("jpg", new Sample("photo.jpeg", "image/jpeg", image("jpg", 8, 6), "image/jpeg"));
        m.put("gif", new Sample("anim.gif", "image/gif", image("gif", 8, 6), "image/gif"));
        m.put("webp", new Sample("sticker.webp", "image/webp", webp(640, 480), "image/webp"));
        m.put("mp3", new Sample("song.mp3", "audio/mpeg", mp3(), "audio/mpeg"));
        m.put("ogg", new Sample("voice.ogg", "audio/ogg", ogg(), "audio/ogg"));
        m.put("wav", new Sample("beep.wav", "audio/wav", wav(), "audio/wav"));
        m.put("webm", new Sample("voice-note.webm", "audio/webm", webm("webm"), "audio/webm"));
        m.put("mp4", new Sample("clip.mp4", "video/mp4", mp4("isom"), "video/mp4"));
        m.put("pdf", new Sample("paper.pdf", "application/pdf", pdf(), "application/pdf"));
        m.put("txt", new Sample("سلام notes.txt", "text/plain", "Hello, سلام, 你好\nsecond line\n".getBytes(StandardCharsets.UTF_8),
                "text/plain; charset=utf-8"));
        m.put("doc", new Sample("letter.doc", "application/msword", doc(), "application/msword"));
        m.put("docx", new Sample("report.docx", "application/octet-stream", docx(),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"));
        m.put("zip", new Sample("archive.zip", "application/zip", zip(), "application/zip"));
        return m;
    }

    static byte[] image(String format, int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, new Color(x * 30 % 256, y * 40 % 256, 128).getRGB());
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    /** A PNG header claiming {@code w x h} pixels (the pixel data is not needed to be refused). */
    static byte[] pngHeader(int w, int h) {
        ByteBuffer b = ByteBuffer.allocate(33).order(ByteOrder.BIG_ENDIAN);
        b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        b.putInt(13).put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt(w).putInt(h);
        b.put(new byte[] {8, 2, 0, 0, 0}).putInt(0);
        return b.array();
    }

    /** RIFF/WEBP with an extended (VP8X) header giving the canvas size. */
    static byte[] webp(int w, int h) {
        ByteBuffer b = ByteBuffer.allocate(30).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(22).put("WEBPVP8X".getBytes(StandardCharsets.US_ASCII));
        b.putInt(10).putInt(0);
        b.put((byte) (w - 1)).put((byte) ((w - 1) >> 8)).put((byte) ((w - 1) >> 16));
        b.put((byte) (h - 1)).put((byte) ((h - 1) >> 8)).put((byte) ((h - 1) >> 16));
        return b.array();
    }

    /** An ID3v2.3 tag followed by an MPEG-1 layer III frame header (128 kbit/s, 44.1 kHz) and silence. */
    static byte[] mp3() {
        byte[] b = new byte[10 + 417];
        System.arraycopy(new byte[] {'I', 'D', '3', 3, 0, 0, 0, 0, 0, 0}, 0, b, 0, 10);
        System.arraycopy(new byte[] {(byte) 0xFF, (byte) 0xFB, (byte) 0x90, 0x64}, 0, b, 10, 4);
        return b;
    }

    static byte[] ogg() {
        byte[] b = new byte[58];
        System.arraycopy("OggS".getBytes(StandardCharsets.US_ASCII), 0, b, 0, 4);
        b[5] = 2; // beginning of stream
        System.arraycopy("OpusHead".getBytes(StandardCharsets.US_ASCII), 0, b, 28, 8);
        return b;
    }

    static byte[] wav() {
        ByteBuffer b = ByteBuffer.allocate(44 + 16).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + 16).put("WAVEfmt ".getBytes(StandardCharsets.US_ASCII));
        b.putInt(16).putShort((short) 1).putShort((short) 1).putInt(8000).putInt(16000).putShort((short) 2).putShort((short) 16);
        b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(16);
        return b.array();
    }

    /** An EBML header with the given DocType, then the start of a Segment. */
    static byte[] webm(String docType) {
        ByteArrayOutputStream children = new ByteArrayOutputStream();
        children.writeBytes(new byte[] {0x42, (byte) 0x86, (byte) 0x81, 1, 0x42, (byte) 0xF7, (byte) 0x81, 1,
                0x42, (byte) 0xF2, (byte) 0x81, 4, 0x42, (byte) 0xF3, (byte) 0x81, 8});
        children.writeBytes(new byte[] {0x42, (byte) 0x82, (byte) (0x80 | docType.length())});
        children.writeBytes(docType.getBytes(StandardCharsets.US_ASCII));
        children.writeBytes(new byte[] {0x42, (byte) 0x87, (byte) 0x81, 4, 0x42, (byte) 0x85, (byte) 0x81, 2});
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x1A, 0x45, (byte) 0xDF, (byte) 0xA3, (byte) (0x80 | children.size())});
        out.writeBytes(children.toByteArray());
        out.writeBytes(new byte[] {0x18, 0x53, (byte) 0x80, 0x67, 0x01, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
                (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
        return out.toByteArray();
    }

    /** An ftyp box with the given major brand (and isom/mp41 compatible unless the brand is HEIF-like), then mdat. */
    static byte[] mp4(String majorBrand) {
        boolean heif = majorBrand.equals("heic") || majorBrand.equals("mif1");
        ByteBuffer b = ByteBuffer.allocate(24 + 16).order(ByteOrder.BIG_ENDIAN);
        b.putInt(24).put("ftyp".getBytes(StandardCharsets.US_ASCII)).put(majorBrand.getBytes(StandardCharsets.US_ASCII));
        b.putInt(0x200).put((heif ? "mif1heic" : "isommp41").getBytes(StandardCharsets.US_ASCII));
        b.putInt(16).put("mdat".getBytes(StandardCharsets.US_ASCII)).putLong(0);
        return b.array();
    }

    static byte[] pdf() {
        return "%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    /** An OLE2 compound file with a "WordDocument" directory entry name (or without, for a non-Word OLE file). */
    static byte[] ole(boolean word) {
        byte[] b = new byte[1536];
        System.arraycopy(new byte[] {(byte) 0xD0, (byte) 0xCF, 0x11, (byte) 0xE0, (byte) 0xA1, (byte) 0xB1, 0x1A, (byte) 0xE1},
                0, b, 0, 8);
        byte[] name = (word ? "WordDocument" : "Installer").getBytes(StandardCharsets.UTF_16LE);
        System.arraycopy(name, 0, b, 1024, name.length);
        return b;
    }

    static byte[] doc() {
        return ole(true);
    }

    static byte[] docx() {
        return zipOf(Map.of("[Content_Types].xml", "<Types/>", "word/document.xml", "<w:document/>"));
    }

    static byte[] zip() {
        return zipOf(Map.of("hello.txt", "hello", "dir/data.csv", "a,b\n1,2\n"));
    }

    static byte[] zipOf(Map<String, String> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (Map.Entry<String, String> e : new java.util.TreeMap<>(entries).entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    /** The start of an x86-64 ELF executable: what "renamed executable" tests upload. */
    static byte[] elf() {
        byte[] b = new byte[256];
        System.arraycopy(new byte[] {0x7F, 'E', 'L', 'F', 2, 1, 1, 0}, 0, b, 0, 8);
        b[16] = 2; // ET_EXEC
        b[18] = 0x3E; // x86-64
        return b;
    }

    /** The start of a Windows PE executable ("MZ"). */
    static byte[] exe() {
        byte[] b = new byte[256];
        b[0] = 'M';
        b[1] = 'Z';
        b[0x3C] = (byte) 0x80;
        b[0x80] = 'P';
        b[0x81] = 'E';
        return b;
    }
}
