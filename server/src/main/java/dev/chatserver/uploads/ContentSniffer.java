package dev.chatserver.uploads;

import dev.chatserver.common.ChatException;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.ZipFile;

/**
 * Decides what an uploaded file is from its bytes (magic numbers, container headers), checks that the name's
 * extension agrees, reads image dimensions, and hashes the file, in one pass over it. Blocking (file reads):
 * run it on the blocking executor.
 *
 * <p>Rules: PNG, JPEG, GIF, WebP, WAV, Ogg, PDF by their signatures; MP3 by an ID3v2 tag or an MPEG-1/2
 * layer III frame header; WebM by the EBML header's DocType {@code webm} (not other Matroska); MP4 by an
 * {@code ftyp} box with an MP4 brand (not QuickTime, HEIF or AVIF); DOC by the OLE2 signature and a
 * {@code WordDocument} stream name; ZIP by a readable central directory, and DOCX when it holds
 * {@code word/document.xml}; TXT when nothing else matched and the whole file is UTF-8 without NUL or other
 * control characters (tab, newline, carriage return and form feed allowed). Containers that hold audio or
 * video (Ogg, WebM, MP4) keep the client's declared audio/video choice, since both are served the same
 * safe way; everything else gets its fixed media type.
 */
public final class ContentSniffer {
    /** Bytes read for signatures and headers. */
    static final int HEAD_BYTES = 64 * 1024;
    private static final Set<String> MP4_BRANDS = Set.of("isom", "iso2", "iso3", "iso4", "iso5", "iso6", "mp41", "mp42",
            "mp71", "avc1", "M4A ", "M4B ", "M4V ", "M4VH", "M4VP", "dash", "mmp4", "MSNV", "NDAS", "f4v ");
    private static final Set<String> NOT_MP4_BRANDS = Set.of("qt  ", "heic", "heix", "hevc", "hevx", "mif1", "msf1",
            "avif", "avis", "crx ");
    private static final byte[] WORD_DOCUMENT = "WordDocument".getBytes(StandardCharsets.UTF_16LE);

    private final Set<FileKind> allowed;
    private final long maxPixels;

    /**
     * @param allowed   kinds accepted (config {@code uploadAllowedTypes})
     * @param maxPixels largest image, width x height (config {@code uploadMaxPixels})
     */
    public ContentSniffer(Set<FileKind> allowed, long maxPixels) {
        this.allowed = Set.copyOf(allowed);
        this.maxPixels = maxPixels;
    }

    /**
     * What a file is.
     *
     * @param kind      the kind found
     * @param mediaType the Content-Type to serve it with
     * @param name      the name to show: the sanitised name, with the kind's extension appended when it had none
     * @param size      bytes
     * @param sha256    hex digest of the content
     * @param width     images: pixels, else null
     * @param height    images: pixels, else null
     */
    public record Result(FileKind kind, String mediaType, String name, long size, String sha256, Integer width,
                         Integer height) {
    }

    /**
     * @param file          the uploaded file (complete)
     * @param sanitizedName {@link FileNames#sanitize} of the client's name ({@code ""} allowed)
     * @param declaredType  the part's Content-Type as sent, or null (only picks audio vs video for containers)
     * @throws ChatException 415 {@code unsupported_type} (unknown or not allowed content), 415 {@code type_mismatch}
     *     (the extension names another kind), 415 {@code bad_image} (no readable dimensions), 413
     *     {@code image_too_large} (over {@code maxPixels})
     * @throws IOException when the file cannot be read
     */
    public Result analyze(Path file, String sanitizedName, String declaredType) throws IOException {
        long size = Files.size(file);
        byte[] head = new byte[(int) Math.min(HEAD_BYTES, size)];
        try (InputStream in = Files.newInputStream(file)) {
            int n = in.readNBytes(head, 0, head.length);
            if (n != head.length) {
                throw new IOException("file shrank while reading");
            }
        }
        FileKind byMagic = magic(head);
        Pass pass = pass(file, byMagic == null, byMagic == FileKind.DOC);
        List<FileKind> candidates = new ArrayList<>();
        if (byMagic == FileKind.ZIP) {
            Boolean docx = zipIsDocx(file);
            if (docx != null) {
                if (docx) {
                    candidates.add(FileKind.DOCX);
                }
                candidates.add(FileKind.ZIP);
            }
        } else if (byMagic == FileKind.DOC) {
            if (pass.wordDocument) {
                candidates.add(FileKind.DOC);
            }
        } else if (byMagic != null) {
            candidates.add(byMagic);
        } else if (pass.text) {
            candidates.add(FileKind.TXT);
        }
        candidates.removeIf(k -> !allowed.contains(k));
        if (candidates.isEmpty()) {
            throw new ChatException("unsupported_type", "this kind of file is not accepted; allowed: " + allowedNames(), 415);
        }
        String ext = sanitizedName.isEmpty() ? null : FileNames.extension(sanitizedName);
        FileKind kind;
        String name = sanitizedName.isEmpty() ? "file" : sanitizedName;
        if (ext != null) {
            FileKind named = FileKind.byExtension(ext);
            if (named == null || !candidates.contains(named)) {
                throw new ChatException("type_mismatch", "the file's content is " + candidates.get(0).canonical()
                        + ", which does not match its name ." + ext.toLowerCase(Locale.ROOT), 415);
            }
            kind = named;
        } else {
            kind = candidates.get(0);
            name = name + "." + kind.extensions().get(0);
        }
        Integer width = null;
        Integer height = null;
        if (kind == FileKind.PNG || kind == FileKind.JPG || kind == FileKind.GIF || kind == FileKind.WEBP) {
            int[] wh = kind == FileKind.JPG ? jpegSize(file) : imageSize(kind, head);
            if (wh == null || wh[0] <= 0 || wh[1] <= 0) {
                throw new ChatException("bad_image", "the image's size cannot be read", 415);
            }
            if ((long) wh[0] * wh[1] > maxPixels) {
                throw new ChatException("image_too_large", "the image has " + wh[0] + "x" + wh[1]
                        + " pixels; at most " + maxPixels + " are accepted", 413);
            }
            width = wh[0];
            height = wh[1];
        }
        return new Result(kind, mediaType(kind, head, declaredType, ext), name, size, pass.sha256, width, height);
    }

    private String allowedNames() {
        List<String> names = new ArrayList<>();
        for (FileKind k : FileKind.values()) {
            if (allowed.contains(k)) {
                names.add(k.canonical());
            }
        }
        return String.join(", ", names);
    }

    /**
     * The kind a file's first bytes announce; {@link FileKind#ZIP} and {@link FileKind#DOC} are tentative
     * (confirmed from the whole file). @return the kind, or null when no signature matches
     */
    static FileKind magic(byte[] h) {
        int n = h.length;
        if (starts(h, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return FileKind.PNG;
        }
        if (starts(h, 0, 0xFF, 0xD8, 0xFF)) {
            return FileKind.JPG;
        }
        if (ascii(h, 0, "GIF87a") || ascii(h, 0, "GIF89a")) {
            return FileKind.GIF;
        }
        if (ascii(h, 0, "RIFF") && ascii(h, 8, "WEBP")) {
            return FileKind.WEBP;
        }
        if (ascii(h, 0, "RIFF") && ascii(h, 8, "WAVE")) {
            return FileKind.WAV;
        }
        if (ascii(h, 0, "OggS")) {
            return FileKind.OGG;
        }
        if (ascii(h, 0, "%PDF-")) {
            return FileKind.PDF;
        }
        if (starts(h, 0, 0x1A, 0x45, 0xDF, 0xA3)) {
            return "webm".equals(ebmlDocType(h)) ? FileKind.WEBM : null;
        }
        if (n >= 12 && ascii(h, 4, "ftyp")) {
            return isMp4(h) ? FileKind.MP4 : null;
        }
        if (starts(h, 0, 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1)) {
            return FileKind.DOC;
        }
        if (starts(h, 0, 'P', 'K', 3, 4) || starts(h, 0, 'P', 'K', 5, 6)) {
            return FileKind.ZIP;
        }
        if (ascii(h, 0, "ID3") && n >= 10 && (h[3] & 0xFF) >= 2 && (h[3] & 0xFF) <= 4) {
            return FileKind.MP3;
        }
        if (n >= 4 && mp3Frame(h)) {
            return FileKind.MP3;
        }
        return null;
    }

    /** An MPEG audio frame header, version 1/2/2.5, layer III, valid bitrate and sample rate. */
    private static boolean mp3Frame(byte[] h) {
        int b1 = h[1] & 0xFF;
        int b2 = h[2] & 0xFF;
        if ((h[0] & 0xFF) != 0xFF || (b1 & 0xE0) != 0xE0) {
            return false;
        }
        int version = (b1 >> 3) & 3;
        int layer = (b1 >> 1) & 3;
        int bitrate = (b2 >> 4) & 0xF;
        int rate = (b2 >> 2) & 3;
        return version != 1 && layer == 1 && bitrate != 0 && bitrate != 0xF && rate != 3;
    }

    private static boolean isMp4(byte[] h) {
        long boxSize = readU32(h, 0);
        String major = new String(h, 8, 4, StandardCharsets.ISO_8859_1);
        if (NOT_MP4_BRANDS.contains(major)) {
            return false;
        }
        if (MP4_BRANDS.contains(major)) {
            return true;
        }
        long end = Math.min(h.length, boxSize);
        for (int p = 16; p + 4 <= end; p += 4) {
            String brand = new String(h, p, 4, StandardCharsets.ISO_8859_1);
            if (brand.equals("isom") || brand.equals("mp41") || brand.equals("mp42")) {
                return true;
            }
        }
        return false;
    }

    /** The DocType of an EBML header ({@code webm}, {@code matroska}...), or null. */
    static String ebmlDocType(byte[] h) {
        int[] pos = {4};
        long headerSize = vint(h, pos, false);
        if (headerSize < 0) {
            return null;
        }
        long end = Math.min(h.length, pos[0] + headerSize);
        while (pos[0] < end) {
            long id = vint(h, pos, true);
            long size = vint(h, pos, false);
            if (id < 0 || size < 0 || pos[0] + size > end) {
                return null;
            }
            if (id == 0x4282) {
                return new String(h, pos[0], (int) size, StandardCharsets.US_ASCII).replace("\0", "");
            }
            pos[0] += (int) size;
        }
        return null;
    }

    /** Reads an EBML variable-length integer at pos[0], advancing it. @return the value, or -1 if malformed */
    private static long vint(byte[] h, int[] pos, boolean keepMarker) {
        if (pos[0] >= h.length) {
            return -1;
        }
        int first = h[pos[0]] & 0xFF;
        int len = Integer.numberOfLeadingZeros(first) - 23;
        if (first == 0 || len > 8 || pos[0] + len > h.length) {
            return -1;
        }
        long v = keepMarker ? first : first & (0xFF >> len);
        for (int i = 1; i < len; i++) {
            v = (v << 8) | (h[pos[0] + i] & 0xFF);
        }
        pos[0] += len;
        return v;
    }

    /** @return true when it is a docx, false for another zip, null when the central directory cannot be read */
    private static Boolean zipIsDocx(Path file) {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            return zip.getEntry("word/document.xml") != null && zip.getEntry("[Content_Types].xml") != null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String mediaType(FileKind kind, byte[] head, String declared, String ext) {
        String d = declared == null ? "" : declared.toLowerCase(Locale.ROOT);
        String e = ext == null ? "" : ext.toLowerCase(Locale.ROOT);
        return switch (kind) {
            case WEBM -> d.startsWith("audio/") ? "audio/webm" : "video/webm";
            case OGG -> d.startsWith("video/") || e.equals("ogv") ? "video/ogg" : "audio/ogg";
            case MP4 -> {
                String major = new String(head, 8, 4, StandardCharsets.ISO_8859_1);
                boolean audio = d.startsWith("audio/") || e.equals("m4a") || major.equals("M4A ") || major.equals("M4B ");
                yield audio ? "audio/mp4" : "video/mp4";
            }
            default -> kind.mediaType();
        };
    }

    /** Width and height from the header of a PNG, GIF or WebP, or null. */
    static int[] imageSize(FileKind kind, byte[] h) {
        switch (kind) {
            case PNG:
                if (h.length >= 24 && ascii(h, 12, "IHDR")) {
                    long w = readU32(h, 16);
                    long ht = readU32(h, 20);
                    return w > Integer.MAX_VALUE || ht > Integer.MAX_VALUE ? new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE}
                            : new int[] {(int) w, (int) ht};
                }
                return null;
            case GIF:
                return h.length >= 10 ? new int[] {le16(h, 6), le16(h, 8)} : null;
            case WEBP:
                if (h.length >= 30 && ascii(h, 12, "VP8 ") && starts(h, 23, 0x9D, 0x01, 0x2A)) {
                    return new int[] {le16(h, 26) & 0x3FFF, le16(h, 28) & 0x3FFF};
                }
                if (h.length >= 25 && ascii(h, 12, "VP8L") && (h[20] & 0xFF) == 0x2F) {
                    long bits = (h[21] & 0xFF) | (h[22] & 0xFF) << 8 | (h[23] & 0xFF) << 16 | (long) (h[24] & 0xFF) << 24;
                    return new int[] {(int) (bits & 0x3FFF) + 1, (int) ((bits >> 14) & 0x3FFF) + 1};
                }
                if (h.length >= 30 && ascii(h, 12, "VP8X")) {
                    return new int[] {le24(h, 24) + 1, le24(h, 27) + 1};
                }
                return null;
            default:
                return null;
        }
    }

    /** Width and height from a JPEG's first SOF marker, walking the segments; or null. */
    static int[] jpegSize(Path file) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long len = f.length();
            long p = 2;
            while (p + 4 <= len) {
                f.seek(p);
                int ff = f.read();
                int marker = f.read();
                if (ff != 0xFF) {
                    return null;
                }
                while (marker == 0xFF) { // fill bytes
                    marker = f.read();
                    p++;
                }
                if (marker < 0) {
                    return null;
                }
                if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) {
                    p += 2;
                    continue;
                }
                if (marker == 0xD9 || marker == 0xDA) {
                    return null; // end of image or start of scan before any frame header
                }
                int segLen = f.readUnsignedShort();
                boolean sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
                if (sof) {
                    f.readUnsignedByte(); // precision
                    int height = f.readUnsignedShort();
                    int width = f.readUnsignedShort();
                    return new int[] {width, height};
                }
                if (segLen < 2) {
                    return null;
                }
                p += 2 + segLen;
            }
            return null;
        }
    }

    /** What one pass over the whole file found. */
    private record Pass(String sha256, boolean text, boolean wordDocument) {
    }

    /**
     * Hashes the file and, when asked, checks that it is plain UTF-8 text and looks for the UTF-16LE name
     * {@code WordDocument} (OLE2 Word files), in one read.
     */
    private static Pass pass(Path file, boolean checkText, boolean findWord) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.allocate(64 * 1024 + 16); // room for a split UTF-8 sequence carried over
        CharBuffer out = CharBuffer.allocate(64 * 1024);
        boolean text = checkText;
        boolean word = false;
        byte[] carry = new byte[0];
        try (InputStream stream = Files.newInputStream(file)) {
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = stream.read(buf)) > 0) {
                sha.update(buf, 0, n);
                if (text) {
                    in.put(buf, 0, n).flip();
                    text = decodeText(utf8, in, out, false);
                    in.compact();
                }
                if (findWord && !word) {
                    byte[] window = new byte[carry.length + n];
                    System.arraycopy(carry, 0, window, 0, carry.length);
                    System.arraycopy(buf, 0, window, carry.length, n);
                    word = indexOf(window, WORD_DOCUMENT) >= 0;
                    int keep = Math.min(window.length, WORD_DOCUMENT.length - 1);
                    carry = java.util.Arrays.copyOfRange(window, window.length - keep, window.length);
                }
            }
        }
        if (text) {
            in.flip();
            text = decodeText(utf8, in, out, true) && utf8.flush(out).isUnderflow() && checkChars(out.flip());
        }
        return new Pass(HexFormat.of().formatHex(sha.digest()), text, word);
    }

    /** Decodes what {@code in} holds; @return false on invalid UTF-8 or a forbidden control character */
    private static boolean decodeText(CharsetDecoder utf8, ByteBuffer in, CharBuffer out, boolean end) {
        while (true) {
            CoderResult r = utf8.decode(in, out, end);
            if (r.isError()) {
                return false;
            }
            out.flip();
            if (!checkChars(out)) {
                return false;
            }
            out.clear();
            if (r.isUnderflow()) {
                return true;
            }
        }
    }

    private static boolean checkChars(CharBuffer chars) {
        while (chars.hasRemaining()) {
            char c = chars.get();
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7F) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static boolean starts(byte[] h, int at, int... bytes) {
        if (h.length < at + bytes.length) {
            return false;
        }
        for (int i = 0; i < bytes.length; i++) {
            if ((h[at + i] & 0xFF) != bytes[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean ascii(byte[] h, int at, String s) {
        if (h.length < at + s.length()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (h[at + i] != (byte) s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static long readU32(byte[] h, int at) {
        return (long) (h[at] & 0xFF) << 24 | (h[at + 1] & 0xFF) << 16 | (h[at + 2] & 0xFF) << 8 | (h[at + 3] & 0xFF);
    }

    private static int le16(byte[] h, int at) {
        return (h[at] & 0xFF) | (h[at + 1] & 0xFF) << 8;
    }

    private static int le24(byte[] h, int at) {
        return (h[at] & 0xFF) | (h[at + 1] & 0xFF) << 8 | (h[at + 2] & 0xFF) << 16;
    }
}
