package dev.chatserver.uploads;

import dev.chatserver.http.HttpResponses;
import dev.chatserver.http.Router;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.multipart.DefaultHttpDataFactory;
import io.netty.handler.codec.http.multipart.HttpDataFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * The HTTP side of file sharing (seed 001 paths):
 * <ul>
 *   <li>{@code POST /api/upload_file}: multipart form data, field {@code file} (and optional {@code room}),
 *       streamed to disk ({@link UploadRequest}); answers {@code {ok:true, data:{file_id, name, size, type, url}}}
 *       or {@code {error:{code, message}}} with 400/401/403/404/413/415/429.</li>
 *   <li>{@code GET|HEAD /api/download_file/<id>}: the file, with ranges ({@link DownloadRoute}).</li>
 *   <li>{@code GET /api/upload_limits}: {@code {max_bytes, allowed_types, max_pixels, uploads_per_five_minutes}}
 *       so the page can refuse a too-large file before sending it.</li>
 * </ul>
 */
public final class UploadRoutes {
    private final UploadService service;
    private final Executor blocking;
    private final HttpDataFactory factory;

    /** @param blocking the bounded executor: decoding, hashing, moving and database work run there */
    public UploadRoutes(UploadService service, Executor blocking) {
        this.service = service;
        this.blocking = blocking;
        // parts up to 16 KB stay in memory, larger ones go to files in <uploadsDir>/.tmp; destroy() deletes them
        DefaultHttpDataFactory f = new DefaultHttpDataFactory(DefaultHttpDataFactory.MINSIZE);
        f.setBaseDir(service.tempDir().toString());
        f.setDeleteOnExit(false);
        this.factory = f;
    }

    /** Registers the three routes. */
    public void register(Router router) {
        router.stream(HttpMethod.POST, UploadUrls.UPLOAD, () -> new UploadRequest(service, factory, blocking));
        router.stream(HttpMethod.GET, UploadUrls.DOWNLOAD_PATTERN, () -> new DownloadRoute(service, blocking));
        router.get(UploadUrls.LIMITS, req -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("max_bytes", service.settings().maxBytes());
            m.put("allowed_types", service.settings().allowedTypes());
            m.put("max_pixels", service.settings().maxPixels());
            m.put("uploads_per_five_minutes", service.settings().perFiveMinutes());
            return HttpResponses.json(HttpResponseStatus.OK, m);
        });
    }
}
