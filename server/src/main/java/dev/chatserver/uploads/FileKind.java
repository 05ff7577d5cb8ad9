package dev.chatserver.uploads;

import java.util.List;
import java.util.Locale;

/**
 * The kinds of file the server accepts (union of seed 000 "images, audio, GIFs, WebM, PDF, text" and seed
 * 001 "png, jpg, jpeg, gif, pdf, doc, docx, txt, mp3, mp4, zip", plus webp, ogg and wav), each recognised by
 * its content ({@link ContentSniffer}), never by the name alone. The canonical names are those of
 * {@link dev.chatserver.config.UploadSettings#ALL_TYPES}.
 */
public enum FileKind {
    PNG("png", "image/png", "png"),
    JPG("jpg", "image/jpeg", "jpg", "jpeg"),
    GIF("gif", "image/gif", "gif"),
    WEBP("webp", "image/webp", "webp"),
    MP3("mp3", "audio/mpeg", "mp3"),
    /** Ogg container: {@code audio/ogg} unless the client declared {@code video/*}. */
    OGG("ogg", "audio/ogg", "ogg", "oga", "ogv", "opus"),
    WAV("wav", "audio/wav", "wav"),
    /** WebM container: {@code video/webm} unless the client declared {@code audio/*} (browser voice notes). */
    WEBM("webm", "video/webm", "webm"),
    /** MP4 container: {@code video/mp4} unless the client declared {@code audio/*} or the brand is M4A. */
    MP4("mp4", "video/mp4", "mp4", "m4a", "m4v"),
    PDF("pdf", "application/pdf", "pdf"),
    TXT("txt", "text/plain; charset=utf-8", "txt"),
    DOC("doc", "application/msword", "doc"),
    DOCX("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    ZIP("zip", "application/zip", "zip");

    private final String canonical;
    private final String mediaType;
    private final List<String> extensions;

    FileKind(String canonical, String mediaType, String... extensions) {
        this.canonical = canonical;
        this.mediaType = mediaType;
        this.extensions = List.of(extensions);
    }

    /** The canonical name, as in {@code uploadAllowedTypes} and the {@code uploads.kind} column. */
    public String canonical() {
        return canonical;
    }

    /** The default media type (see {@link ContentSniffer} for the audio/video refinement of containers). */
    public String mediaType() {
        return mediaType;
    }

    /** File name extensions (lower case, without the dot) that mean this kind; the first is appended to bare names. */
    public List<String> extensions() {
        return extensions;
    }

    /** @return the kind with this canonical name ({@code jpeg} means {@code jpg}), or null */
    public static FileKind byName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (FileKind k : values()) {
            if (k.canonical.equals(n)) {
                return k;
            }
        }
        return n.equals("jpeg") ? JPG : null;
    }

    /** @return the kind an extension (without the dot, any case) stands for, or null */
    public static FileKind byExtension(String ext) {
        String e = ext.toLowerCase(Locale.ROOT);
        for (FileKind k : values()) {
            if (k.extensions.contains(e)) {
                return k;
            }
        }
        return null;
    }
}
