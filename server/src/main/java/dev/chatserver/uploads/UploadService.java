package dev.chatserver.uploads;

import dev.chatserver.common.ChatException;
import dev.chatserver.config.UploadSettings;
import dev.chatserver.moderation.BanService;
import dev.chatserver.rooms.RoomAccess;
import dev.chatserver.rooms.RoomService;
import dev.chatserver.store.TokenDao;
import dev.chatserver.store.TokenRow;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules of file sharing (issue #5; seeds 000 and 001), without HTTP: who may upload (known, unbanned
 * token; seed 001's 5 uploads per 5 minutes; a per-user storage quota), what is stored (content-checked by
 * {@link ContentSniffer}, random 128-bit ids as file names, the sanitised original name in {@code uploads}),
 * who may download (the uploader, and whoever may read a room the file was shared in or was uploaded to), and
 * which uploads may be shared (only one's own). Every method is blocking (database, files): call it on the
 * blocking executor, never on a Netty event loop.
 *
 * <p>Disk layout: {@code <uploadsDir>/<id>} holds stored files; {@code <uploadsDir>/.tmp/} holds uploads in
 * progress (the multipart decoder's files and {@code <id>.part} files being checked). A file reaches
 * {@code <uploadsDir>/<id>} only after its row is committed.
 */
public final class UploadService {
    private static final Logger log = LoggerFactory.getLogger(UploadService.class);
    /** Upload ids: 32 lower-case hex digits. */
    public static final Pattern ID = Pattern.compile("[0-9a-f]{32}");
    /** The seed 001 window of the upload rate limit, ms. */
    public static final long RATE_WINDOW_MS = 5 * 60 * 1000L;
    /** Header carrying the secret token (the page sends its {@code chat.token}). */
    public static final String TOKEN_HEADER = "X-Chat-Token";
    /** Cookie carrying the secret token (set by the page for {@code <img>}/{@code <audio>} downloads). */
    public static final String TOKEN_COOKIE = "chat_token";
    /**
     * Bytes a multipart body may carry beyond the file: boundaries, part headers and the small {@code room}
     * field. A body larger than {@code uploadMaxBytes} + this is refused with 413 as soon as its
     * Content-Length or the streamed count shows it.
     */
    public static final long ENVELOPE_BYTES = 64 * 1024;

    private final UploadDao uploads;
    private final TokenDao tokens;
    private final BanService bans;
    private final RoomAccess access;
    private final dev.chatserver.security.RateLimiter limiter;
    private final UploadSettings settings;
    private final ContentSniffer sniffer;
    private final Path dir;
    private final Path tempDir;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    /**
     * Creates the directories and empties {@code .tmp/} (nothing is in progress at start).
     *
     * @param dir uploads directory (config {@code uploadsDir}, env {@code CHAT_UPLOADS})
     * @throws IllegalStateException when the directories cannot be made
     */
    public UploadService(UploadDao uploads, TokenDao tokens, BanService bans, RoomAccess access,
                         dev.chatserver.security.RateLimiter limiter,
                         UploadSettings settings, Path dir, Clock clock) {
        this.uploads = uploads;
        this.tokens = tokens;
        this.bans = bans;
        this.access = access;
        this.limiter = limiter;
        this.settings = settings;
        Set<FileKind> allowed = EnumSet.noneOf(FileKind.class);
        settings.allowedTypes().forEach(t -> allowed.add(FileKind.byName(t)));
        this.sniffer = new ContentSniffer(allowed, settings.maxPixels());
        this.dir = dir.toAbsolutePath().normalize();
        this.tempDir = this.dir.resolve(".tmp");
        this.clock = clock;
        try {
            Files.createDirectories(tempDir);
            try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(tempDir)) {
                for (Path p : leftovers) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot prepare the uploads directory " + this.dir + ": " + e.getMessage(), e);
        }
    }

    /** Who is uploading: secret token, current name, IP. */
    public record Uploader(String token, String username, String ip) {
    }

    /** A refusal with a wait: 429 {@code rate_limited}; {@code retryAfterMs} until a permit frees up. */
    public static final class RateLimitedException extends ChatException {
        private final long retryAfterMs;

        public RateLimitedException(long retryAfterMs, String message) {
            super("rate_limited", message, 429);
            this.retryAfterMs = retryAfterMs;
        }

        /** ms until the next upload is allowed. */
        public long retryAfterMs() {
            return retryAfterMs;
        }
    }

    /** The settings in force. */
    public UploadSettings settings() {
        return settings;
    }

    /** The uploads directory (absolute). */
    public Path dir() {
        return dir;
    }

    /** Where uploads in progress live: the multipart decoder's base directory. */
    public Path tempDir() {
        return tempDir;
    }

    /** The stored file of an id (which must match {@link #ID}). */
    public Path pathOf(String id) {
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("not an upload id");
        }
        return dir.resolve(id);
    }

    /** A fresh random id: 128 bits as 32 hex digits (unguessable; the only name a file has on disk). */
    public String newId() {
        byte[] b = new byte[16];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /**
     * The secret token a request presents, by precedence: header {@code X-Chat-Token}, cookie {@code chat_token},
     * then {@code queryToken} (downloads only). @return the token, or null
     */
    public static String presentedToken(HttpHeaders headers, String queryToken) {
        String h = headers.get(TOKEN_HEADER);
        if (h != null && !h.isBlank()) {
            return h.strip();
        }
        String cookies = headers.get(HttpHeaderNames.COOKIE);
        if (cookies != null) {
            for (Cookie c : ServerCookieDecoder.LAX.decode(cookies)) {
                if (c.name().equals(TOKEN_COOKIE) && !c.value().isBlank()) {
                    return c.value();
                }
            }
        }
        return queryToken == null || queryToken.isBlank() ? null : queryToken;
    }

    /**
     * Admits an upload before its body is read.
     *
     * @param token          the presented secret token, or null
     * @param declaredLength the request's Content-Length, or -1 when chunked
     * @throws ChatException 401 {@code unauthorized} (no or unknown token), 403 {@code banned},
     *     429 {@code rate_limited} ({@link RateLimitedException}; seed 001: {@code uploadsPerFiveMinutes} per
     *     5 minutes, default 5), 413 {@code quota_exceeded} (the user's stored bytes are at the quota, or this
     *     request's length would pass it)
     */
    public Uploader admit(String token, String ip, long declaredLength) {
        if (token == null || token.isBlank()) {
            throw new ChatException("unauthorized", "send your chat token in the X-Chat-Token header", 401);
        }
        if (bans.isBanned(token)) {
            throw new ChatException("banned", "this identity is banned", 403);
        }
        TokenRow who = tokens.find(token).orElseThrow(() ->
                new ChatException("unauthorized", "unknown chat token; reload the chat page", 401));
        long wait = limiter.tryAcquire("upload:" + token, settings.perFiveMinutes(), RATE_WINDOW_MS); // seed 001: 5 per 5 min
        if (wait > 0) {
            throw new RateLimitedException(wait, "at most " + settings.perFiveMinutes() + " uploads per 5 minutes; try again in "
                    + (wait + 999) / 1000 + " s");
        }
        long used = uploads.usedBytes(token);
        long expected = Math.max(1, declaredLength - ENVELOPE_BYTES);
        if (used + expected > settings.quotaBytes()) {
            throw quotaExceeded();
        }
        return new Uploader(token, who.username(), ip);
    }

    /**
     * Checks and stores an upload that arrived complete as {@code part} (a file in {@link #tempDir()}): content
     * type by {@link ContentSniffer}, the optional room, the quota (atomically with the insert), then moves it
     * to {@code <dir>/<id>}. On any refusal or failure {@code part} is deleted and nothing is stored.
     *
     * @param rawName      the name the client sent (sanitised here)
     * @param declaredType the part's Content-Type as sent, or null
     * @param room         the {@code room} form field, or null
     * @return the stored row
     * @throws ChatException 415 {@code unsupported_type}/{@code type_mismatch}/{@code bad_image}, 413
     *     {@code image_too_large}/{@code quota_exceeded}/{@code file_too_large}, 400 {@code invalid_room},
     *     404 {@code room_not_found} (unknown room, or a private room the uploader may not read)
     */
    public UploadRow store(Uploader who, String id, Path part, String rawName, String declaredType, String room) {
        boolean done = false;
        try {
            if (room != null) {
                RoomService.validateCode(room);
                if (!access.canRead(who.token(), room)) {
                    throw new ChatException("room_not_found", "no room " + room, 404);
                }
            }
            if (Files.size(part) > settings.maxBytes()) {
                throw fileTooLarge();
            }
            ContentSniffer.Result r = sniffer.analyze(part, FileNames.sanitize(rawName), declaredType);
            UploadRow row = new UploadRow(id, r.name(), r.mediaType(), r.kind().canonical(), r.size(), r.sha256(),
                    who.token(), who.username(), room, who.ip(), r.width(), r.height(), clock.millis(), null);
            if (uploads.insertWithinQuota(row, settings.quotaBytes()) != 1) {
                throw quotaExceeded();
            }
            try {
                Files.move(part, pathOf(id), StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                uploads.deleteOrphan(id, Long.MAX_VALUE);
                throw e;
            }
            done = true;
            return row;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (!done) {
                try {
                    Files.deleteIfExists(part);
                } catch (IOException e) {
                    log.warn("cannot delete {}: {}", part, e.toString());
                }
            }
        }
    }

    /**
     * An upload the token may download: its own, or one shared in (or uploaded to) a room the token may read
     * ({@link RoomAccess#canRead}: public rooms for anyone holding the id, private rooms for members).
     *
     * @param token the presented secret token, or null
     * @return the row, or empty (unknown id and forbidden look the same: 404)
     */
    public Optional<UploadRow> readable(String id, String token) {
        if (id == null || !ID.matcher(id).matches()) {
            return Optional.empty();
        }
        Optional<UploadRow> row = uploads.find(id);
        if (row.isEmpty()) {
            return row;
        }
        if (token != null && token.equals(row.get().token())) {
            return row;
        }
        for (String room : uploads.roomsOf(id)) {
            if (access.canRead(token, room)) {
                return row;
            }
        }
        return Optional.empty();
    }

    /**
     * Marks one's own upload as shared (the orphan sweeper then keeps it) and returns it, for {@code file_share}.
     *
     * @throws ChatException 404 {@code file_not_found} when the id is unknown or the upload is someone else's
     */
    public UploadRow share(String id, String token) {
        if (id == null || !ID.matcher(id).matches() || uploads.markShared(id, token, clock.millis()) != 1) {
            throw new ChatException("file_not_found", "no such upload of yours; upload the file first", 404);
        }
        return uploads.find(id).orElseThrow(() -> new ChatException("file_not_found", "the upload is gone", 404));
    }

    /** 413 {@code file_too_large}, naming the limit. */
    public ChatException fileTooLarge() {
        return new ChatException("file_too_large", "a file may be at most " + settings.maxBytes() + " bytes", 413);
    }

    private ChatException quotaExceeded() {
        return new ChatException("quota_exceeded", "your uploads would exceed your storage quota of "
                + settings.quotaBytes() + " bytes", 413);
    }
}
