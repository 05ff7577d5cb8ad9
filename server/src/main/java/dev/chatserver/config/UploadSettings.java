package dev.chatserver.config;

import java.util.List;

/**
 * File sharing limits (issue #5). Keys in {@code config.properties} and README, "Configuration".
 *
 * @param maxBytes       largest uploaded file, bytes (seed 000: 50 MB = 52428800; seed 001's 16 MB is a
 *                       config value). A larger file is refused with 413 and nothing stays on disk.
 * @param allowedTypes   file kinds accepted, by content (magic bytes): canonical names of
 *                       {@link dev.chatserver.uploads.FileKind} ({@code png, jpg, gif, webp, mp3, ogg, wav, webm,
 *                       mp4, pdf, txt, doc, docx, zip}; the union of seeds 000 and 001)
 * @param maxPixels      largest image, width x height pixels (default 32 Mpx); larger images are refused
 * @param perFiveMinutes uploads one user may start per 5 minutes (seed 001: 5)
 * @param quotaBytes     bytes one user may keep stored (all their uploads, shared or not)
 * @param orphanMs       ms after which an upload never shared in a message is deleted by the orphan sweeper
 */
public record UploadSettings(long maxBytes, List<String> allowedTypes, long maxPixels, int perFiveMinutes,
                             long quotaBytes, long orphanMs) {

    /** Every kind the server can recognise, in the order of the default list. */
    public static final List<String> ALL_TYPES = List.of("png", "jpg", "gif", "webp", "mp3", "ogg", "wav", "webm",
            "mp4", "pdf", "txt", "doc", "docx", "zip");

    /** The defaults of the jar's config.properties (tests start from these). */
    public static final UploadSettings DEFAULTS = new UploadSettings(52_428_800L, ALL_TYPES, 32_000_000L, 5,
            524_288_000L, 3_600_000L);

    public UploadSettings {
        allowedTypes = List.copyOf(allowedTypes);
    }

    /** A copy with another size limit, bytes. */
    public UploadSettings withMaxBytes(long bytes) {
        return new UploadSettings(bytes, allowedTypes, maxPixels, perFiveMinutes, quotaBytes, orphanMs);
    }

    /** A copy with another rate limit, uploads per 5 minutes. */
    public UploadSettings withPerFiveMinutes(int n) {
        return new UploadSettings(maxBytes, allowedTypes, maxPixels, n, quotaBytes, orphanMs);
    }

    /** A copy with another quota, bytes. */
    public UploadSettings withQuotaBytes(long bytes) {
        return new UploadSettings(maxBytes, allowedTypes, maxPixels, perFiveMinutes, bytes, orphanMs);
    }

    /** A copy with another pixel limit. */
    public UploadSettings withMaxPixels(long pixels) {
        return new UploadSettings(maxBytes, allowedTypes, pixels, perFiveMinutes, quotaBytes, orphanMs);
    }

    /** A copy with another orphan time, ms. */
    public UploadSettings withOrphanMs(long ms) {
        return new UploadSettings(maxBytes, allowedTypes, maxPixels, perFiveMinutes, quotaBytes, ms);
    }

    /** A copy with other allowed kinds. */
    public UploadSettings withAllowedTypes(List<String> types) {
        return new UploadSettings(maxBytes, types, maxPixels, perFiveMinutes, quotaBytes, orphanMs);
    }
}
