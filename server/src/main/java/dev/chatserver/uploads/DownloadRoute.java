package dev.chatserver.uploads;

import dev.chatserver.common.ChatException;
import dev.chatserver.http.HttpResponses;
import dev.chatserver.http.StreamingRoute;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code GET|HEAD /api/download_file/<id>} (seed 001). The lookup and access check run on the blocking
 * executor ({@link UploadService#readable}: unknown and forbidden both answer 404); the file is then sent as a
 * {@link DefaultFileRegion} (zero-copy, never loaded into memory; the server has no TLS on this port, where a
 * file region would not pass).
 *
 * <p>Headers: the stored media type; {@code Content-Disposition: inline} for images, audio and video and
 * {@code attachment} for everything else, with the sanitised name ({@code filename} in ASCII and
 * {@code filename*} in UTF-8); {@code X-Content-Type-Options: nosniff}; {@code Content-Security-Policy: sandbox}
 * (a file opened directly runs nothing and has an opaque origin); {@code Cross-Origin-Resource-Policy:
 * same-origin}; a strong ETag (the sha256) with {@code If-None-Match} -> 304; {@code Accept-Ranges: bytes} and
 * one range per request ({@code bytes=a-b}, {@code a-}, {@code -n}; 206 with Content-Range; 416 with
 * {@code Content-Range: bytes *}{@code /size} when it starts past the end; several ranges or a malformed header
 * get the whole file; {@code If-Range} with another ETag gets the whole file).
 */
final class DownloadRoute implements StreamingRoute {
    private static final Logger log = LoggerFactory.getLogger(DownloadRoute.class);
    /** CSP of every downloaded file. */
    static final String FILE_CSP = "sandbox";

    private final UploadService service;
    private final Executor pool;

    DownloadRoute(UploadService service, Executor pool) {
        this.service = service;
        this.pool = pool;
    }

    @Override
    public void begin(ChannelHandlerContext ctx, HttpRequest req, String ip, Map<String, String> pathParams) {
        Channel ch = ctx.channel();
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        List<String> q = new QueryStringDecoder(req.uri()).parameters().get("token");
        String token = UploadService.presentedToken(req.headers(), q == null || q.isEmpty() ? null : q.get(0));
        String id = pathParams.get("id");
        HttpHeaders headers = req.headers();
        boolean head = req.method().equals(HttpMethod.HEAD);
        try {
            pool.execute(() -> {
                try {
                    serve(ch, id, token, headers, head, keepAlive);
                } catch (RuntimeException e) {
                    log.error("download of {} failed", id, e);
                    HttpResponses.send(ch, HttpResponses.error(
                            new ChatException("internal_error", "internal error; it has been logged", 500)), false);
                }
            });
        } catch (RejectedExecutionException e) {
            HttpResponses.send(ch, HttpResponses.error(new ChatException("server_busy", "busy; retry shortly", 503)), false);
        }
    }

    @Override
    public void content(ChannelHandlerContext ctx, HttpContent content) {
        content.release(); // a GET has no body worth reading
    }

    private void serve(Channel ch, String id, String token, HttpHeaders req, boolean head, boolean keepAlive) {
        Optional<UploadRow> found = service.readable(id, token);
        if (found.isEmpty()) {
            notFound(ch, keepAlive);
            return;
        }
        UploadRow row = found.get();
        Path path = service.pathOf(row.id());
        RandomAccessFile raf;
        long size;
        try {
            raf = new RandomAccessFile(path.toFile(), "r");
            size = raf.length();
        } catch (IOException e) {
            log.warn("upload {} has a row but no readable file: {}", row.id(), e.toString());
            notFound(ch, keepAlive);
            return;
        }
        String etag = "\"" + row.sha256() + "\"";
        boolean close = true;
        try {
            if (etag.equals(req.get(HttpHeaderNames.IF_NONE_MATCH))) {
                FullHttpResponse r = HttpResponses.of(HttpResponseStatus.NOT_MODIFIED, new byte[0], row.type());
                HttpResponses.complete(r, keepAlive);
                fileHeaders(r.headers(), row, etag); // after complete(): a 304 updates the cached headers, so no page CSP
                ChannelFuture f = ch.writeAndFlush(r);
                if (!keepAlive) {
                    f.addListener(ChannelFutureListener.CLOSE);
                }
                return;
            }
            String rangeHeader = req.get(HttpHeaderNames.RANGE);
            String ifRange = req.get(HttpHeaderNames.IF_RANGE);
            if (ifRange != null && !ifRange.equals(etag)) {
                rangeHeader = null;
            }
            long[] range;
            try {
                range = parseRange(rangeHeader, size);
            } catch (UnsatisfiableRangeException e) {
                FullHttpResponse r = HttpResponses.error(new ChatException("range_not_satisfiable",
                        "the file has " + size + " bytes", 416));
                r.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + size);
                r.headers().set(HttpHeaderNames.ACCEPT_RANGES, HttpHeaderValues.BYTES);
                HttpResponses.send(ch, r, keepAlive);
                return;
            }
            long start = range == null ? 0 : range[0];
            long length = range == null ? size : range[1] - range[0] + 1;
            HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1,
                    range == null ? HttpResponseStatus.OK : HttpResponseStatus.PARTIAL_CONTENT);
            fileHeaders(r.headers(), row, etag);
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, row.type());
            if (range != null) {
                r.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes " + range[0] + "-" + range[1] + "/" + size);
            }
            HttpUtil.setContentLength(r, length);
            r.headers().set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
            ch.write(r);
            if (!head && length > 0) {
                ch.write(new DefaultFileRegion(raf.getChannel(), start, length)); // closes the file when sent or dropped
                close = false;
            }
            ChannelFuture done = ch.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            done.addListener(f -> {
                if (!f.isSuccess()) {
                    log.debug("download of {} cut: {}", row.id(), f.cause().toString());
                    ch.close();
                }
            });
            if (!keepAlive) {
                done.addListener(ChannelFutureListener.CLOSE);
            }
        } finally {
            if (close) {
                try {
                    raf.close();
                } catch (IOException ignored) {
                    // read-only
                }
            }
        }
    }

    private static void notFound(Channel ch, boolean keepAlive) {
        HttpResponses.send(ch, HttpResponses.error(new ChatException("not_found", "no such file", 404)), keepAlive);
    }

    /** The headers every answer about a file carries (security headers, with the file CSP). */
    private static void fileHeaders(HttpHeaders h, UploadRow row, String etag) {
        HttpResponses.securityHeaders(h);
        h.set("Content-Security-Policy", FILE_CSP);
        h.set("Cross-Origin-Resource-Policy", "same-origin");
        h.set(HttpHeaderNames.CONTENT_DISPOSITION, contentDisposition(row.type(), row.name()));
        h.set(HttpHeaderNames.ACCEPT_RANGES, HttpHeaderValues.BYTES);
        h.set(HttpHeaderNames.ETAG, etag);
        h.set(HttpHeaderNames.CACHE_CONTROL, "private, max-age=86400");
    }

    /**
     * {@code inline} for images, audio and video, else {@code attachment}; with {@code filename} (ASCII, unsafe
     * characters as {@code _}) and {@code filename*} (RFC 5987, UTF-8).
     */
    static String contentDisposition(String mediaType, String name) {
        boolean inline = mediaType.startsWith("image/") || mediaType.startsWith("audio/") || mediaType.startsWith("video/");
        StringBuilder ascii = new StringBuilder();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            ascii.append(c >= 0x20 && c < 0x7F && c != '"' && c != '\\' && c != ';' && c != '%' ? c : '_');
        }
        String encoded = URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
        return (inline ? "inline" : "attachment") + "; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
    }

    /** A Range header that starts past the end of the file. */
    static final class UnsatisfiableRangeException extends Exception {
        UnsatisfiableRangeException() {
            super(null, null, false, false);
        }
    }

    /**
     * @param header the Range header, or null
     * @param size   file size, bytes
     * @return {@code {first, last}} (inclusive) for one satisfiable byte range; null to send the whole file (no
     *     header, another unit, several ranges, or bad syntax, which RFC 9110 says to ignore)
     * @throws UnsatisfiableRangeException when the range starts at or past the end, or is an empty suffix
     */
    static long[] parseRange(String header, long size) throws UnsatisfiableRangeException {
        if (header == null) {
            return null;
        }
        String h = header.strip();
        if (!h.regionMatches(true, 0, "bytes=", 0, 6)) {
            return null;
        }
        String spec = h.substring(6).strip();
        if (spec.contains(",")) {
            return null;
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        String a = spec.substring(0, dash).strip();
        String b = spec.substring(dash + 1).strip();
        try {
            if (a.isEmpty()) {
                long suffix = Long.parseLong(b);
                if (suffix < 0) {
                    return null;
                }
                if (suffix == 0 || size == 0) {
                    throw new UnsatisfiableRangeException();
                }
                return new long[] {Math.max(0, size - suffix), size - 1};
            }
            long first = Long.parseLong(a);
            long last = b.isEmpty() ? Long.MAX_VALUE : Long.parseLong(b);
            if (first < 0 || last < first) {
                return null;
            }
            if (first >= size) {
                throw new UnsatisfiableRangeException();
            }
            return new long[] {first, Math.min(last, size - 1)};
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
