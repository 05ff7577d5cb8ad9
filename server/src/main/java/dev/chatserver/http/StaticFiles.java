package dev.chatserver.http;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pages and assets of {@code web-static/}, packed in the jar under {@code static/}, read once and held
 * in memory (they are small) with a strong ETag.
 */
public final class StaticFiles {
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("map", "application/json"),
            Map.entry("json", "application/json"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("woff2", "font/woff2"));

    /** A file: bytes, content type, ETag. */
    public record Asset(byte[] body, String contentType, String etag) {
    }

    private final Map<String, Optional<Asset>> cache = new ConcurrentHashMap<>();

    /**
     * @param path path below {@code static/}, e.g. {@code app.js} or {@code vendor/socket.io.min.js}
     * @return the asset, or empty when absent or the path is not a plain relative path
     */
    public Optional<Asset> get(String path) {
        if (path.isEmpty() || path.contains("..") || path.contains("\\") || path.startsWith("/") || path.contains("//")) {
            return Optional.empty();
        }
        return cache.computeIfAbsent(path, StaticFiles::load);
    }

    private static Optional<Asset> load(String path) {
        try (InputStream in = StaticFiles.class.getResourceAsStream("/static/" + path)) {
            if (in == null) {
                return Optional.empty();
            }
            byte[] body = in.readAllBytes();
            String ext = path.substring(path.lastIndexOf('.') + 1);
            String type = TYPES.getOrDefault(ext, "application/octet-stream");
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(body);
            return Optional.of(new Asset(body, type, "\"" + HexFormat.of().formatHex(hash, 0, 12) + "\""));
        } catch (IOException | NoSuchAlgorithmException e) {
            return Optional.empty();
        }
    }
}
