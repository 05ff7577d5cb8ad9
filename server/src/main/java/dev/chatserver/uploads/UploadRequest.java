package dev.chatserver.uploads;

import dev.chatserver.common.ChatException;
import dev.chatserver.http.HttpResponses;
import dev.chatserver.http.StreamingRoute;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.multipart.Attribute;
import io.netty.handler.codec.http.multipart.FileUpload;
import io.netty.handler.codec.http.multipart.HttpDataFactory;
import io.netty.handler.codec.http.multipart.HttpPostRequestDecoder;
import io.netty.handler.codec.http.multipart.InterfaceHttpData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code POST /api/upload_file}: the multipart body is decoded by Netty's {@link HttpPostRequestDecoder}
 * into files under {@code <uploadsDir>/.tmp} as it arrives, so the body is never held in memory (parts up to
 * 16 KB excepted). The event loop only counts bytes and hands each piece on: every decoder call, every file
 * write, the hashing, the move and the database work run in order on the bounded blocking executor (one task
 * at a time per request), and reading from the socket pauses while more than {@value #HIGH_WATER} bytes wait
 * there.
 *
 * <p>Refusals are answered as soon as they are known (Content-Length or the streamed count over the limit,
 * bad token, rate limit...), always after the decoder was destroyed, so when the client reads a refusal no
 * file of this request is left on disk. The connection is then closed once the rest of the body has been
 * read and discarded (at most {@value #DRAIN_MAX} more bytes, or after {@value #LINGER_MS} ms), so clients
 * that are still sending still read the answer. An
 * {@code Expect: 100-continue} request gets its {@code 100 Continue} only once the uploader is admitted.
 */
final class UploadRequest implements StreamingRoute {
    private static final Logger log = LoggerFactory.getLogger(UploadRequest.class);
    /** Bytes waiting for the decoder above which the socket is not read. */
    static final int HIGH_WATER = 512 * 1024;
    private static final int LOW_WATER = 128 * 1024;
    /** Bytes read and discarded after a refusal before the connection is closed anyway. */
    static final long DRAIN_MAX = 1024 * 1024;
    /** ms a refused request's connection stays open for the rest of its body before it is closed anyway. */
    static final long LINGER_MS = 5000;
    private static final int MAX_FIELDS = 16;
    private static final int MAX_BUFFERED_BYTES = 1024 * 1024;
    private static final int TASK_BATCH = 64;

    private final UploadService service;
    private final HttpDataFactory factory;
    private final Executor pool;

    // set in begin (event loop), read by tasks afterwards (published through the task queue)
    private Channel ch;
    private HttpRequest request;
    private boolean keepAlive;
    private boolean expectContinue;

    // event loop only
    private long received;
    private long drained;

    // any thread
    private final AtomicBoolean finished = new AtomicBoolean(); // answered or aborted: the body is discarded
    private final AtomicLong pending = new AtomicLong();
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile boolean lastSeen;
    private volatile boolean continueSent;
    private ChannelFuture response; // guarded by this
    private boolean closeWanted; // guarded by this

    // serial tasks only
    private HttpPostRequestDecoder decoder;
    private UploadService.Uploader who;
    private FileUpload file;
    private String room;
    private boolean destroyed;

    UploadRequest(UploadService service, HttpDataFactory factory, Executor pool) {
        this.service = service;
        this.factory = factory;
        this.pool = pool;
    }

    @Override
    public void begin(ChannelHandlerContext ctx, HttpRequest req, String ip, Map<String, String> pathParams) {
        this.ch = ctx.channel();
        this.request = req;
        this.keepAlive = HttpUtil.isKeepAlive(req);
        this.expectContinue = HttpUtil.is100ContinueExpected(req);
        long declared = HttpUtil.getContentLength(req, -1L);
        boolean multipart;
        try {
            multipart = HttpPostRequestDecoder.isMultipart(req);
        } catch (RuntimeException e) { // Netty 4.1 throws StringIndexOutOfBounds on `boundary="` (found by MutationFuzzTest)
            refuse(ChatException.badRequest("the multipart Content-Type header cannot be read"));
            return;
        }
        if (!multipart) {
            refuse(ChatException.badRequest("send multipart/form-data with the file in a field named 'file'"));
            return;
        }
        if (declared > maxBody()) {
            refuse(service.fileTooLarge());
            return;
        }
        String token = UploadService.presentedToken(req.headers(), null);
        enqueue(() -> {
            who = service.admit(token, ip, declared);
            try {
                decoder = new HttpPostRequestDecoder(factory, req, StandardCharsets.UTF_8, MAX_FIELDS, MAX_BUFFERED_BYTES);
            } catch (io.netty.handler.codec.DecoderException | IndexOutOfBoundsException | IllegalArgumentException e) {
                throw ChatException.badRequest("the multipart body cannot be decoded: " + e.getMessage());
            }
            if (expectContinue && !finished.get()) {
                continueSent = true;
                ch.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER));
            }
        });
    }

    @Override
    public void content(ChannelHandlerContext ctx, HttpContent content) {
        int n = content.content().readableBytes();
        boolean last = content instanceof LastHttpContent;
        if (last) {
            lastSeen = true;
        }
        if (finished.get()) {
            content.release();
            drained += n;
            if (last || drained > DRAIN_MAX) {
                closeAfterResponse();
            }
            return;
        }
        received += n;
        if (received > maxBody()) {
            content.release();
            refuse(service.fileTooLarge());
            return;
        }
        if (pending.addAndGet(n) > HIGH_WATER) {
            ch.config().setAutoRead(false);
        }
        enqueue(() -> offer(content, n, last));
    }

    @Override
    public void aborted() {
        finished.set(true);
        enqueue(this::destroy);
    }

    private long maxBody() {
        return service.settings().maxBytes() + UploadService.ENVELOPE_BYTES;
    }

    // ------------------------------------------------------------------ serial tasks (blocking executor)

    private void offer(HttpContent content, int n, boolean last) {
        try {
            if (finished.get() || decoder == null) {
                return;
            }
            try {
                decoder.offer(content);
            } catch (io.netty.handler.codec.DecoderException | IndexOutOfBoundsException | IllegalArgumentException e) {
                // ErrorData/TooManyFormFields/TooLongFormField, and Netty's own slips on hostile headers: a
                // Content-Disposition parameter without '=' (e.g. "form-data;a;a") throws
                // ArrayIndexOutOfBoundsException in Netty 4.1 (found by MutationFuzzTest)
                throw ChatException.badRequest("the multipart body is malformed or has too many fields");
            }
            collect();
            if (last) {
                finish();
            }
        } finally {
            content.release();
            if (pending.addAndGet(-n) < LOW_WATER && !ch.config().isAutoRead()) {
                ch.config().setAutoRead(true);
            }
        }
    }

    /** Takes the parts decoded so far; checks the size of the file part still arriving. */
    private void collect() {
        try {
            while (decoder.hasNext()) {
                InterfaceHttpData data = decoder.next();
                if (data instanceof FileUpload f && f.getName().equals("file")) {
                    if (file != null) {
                        throw ChatException.badRequest("send one file per upload");
                    }
                    checkSize(f);
                    file = f;
                } else if (data instanceof Attribute a && a.getName().equals("room")) {
                    String value = a.length() > 256 ? null : a.getValue();
                    room = value == null || value.isBlank() ? null : value.strip();
                    if (value == null) {
                        throw ChatException.badRequest("'room' is too long");
                    }
                }
                // other fields are ignored; destroy() deletes whatever they hold
            }
        } catch (HttpPostRequestDecoder.EndOfDataDecoderException end) {
            // all parts taken
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (decoder.currentPartialHttpData() instanceof FileUpload partial) {
            checkSize(partial);
        }
    }

    private void checkSize(FileUpload f) {
        if (f.length() > service.settings().maxBytes()) {
            throw service.fileTooLarge();
        }
    }

    /** The whole body is in: check and store the file, answer, clean up. */
    private void finish() {
        if (file == null) {
            throw new ChatException("no_file", "the upload has no file field named 'file'");
        }
        if (file.length() == 0) {
            throw new ChatException("empty_file", "the file is empty");
        }
        String id = service.newId();
        Path part = service.tempDir().resolve(id + ".part");
        try {
            if (!file.renameTo(part.toFile())) {
                throw new IOException("cannot move the upload to " + part);
            }
        } catch (IOException e) {
            part.toFile().delete();
            throw new UncheckedIOException(e);
        }
        UploadRow row = service.store(who, id, part, file.getFilename(), file.getContentType(), room);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("file_id", row.id());
        data.put("name", row.name());
        data.put("size", row.size());
        data.put("type", row.type());
        data.put("url", UploadUrls.download(row.id()));
        if (row.width() != null) {
            data.put("width", row.width());
            data.put("height", row.height());
        }
        destroy();
        if (finished.compareAndSet(false, true)) {
            HttpResponses.send(ch, HttpResponses.json(HttpResponseStatus.OK, Map.of("ok", true, "data", data)), keepAlive);
        }
    }

    private void destroy() {
        if (destroyed) {
            return;
        }
        destroyed = true;
        if (decoder != null) {
            decoder.destroy(); // deletes every file the decoder made that was not moved away
            decoder = null;
        }
        file = null;
        if (ch != null && !ch.config().isAutoRead()) {
            ch.config().setAutoRead(true);
        }
    }

    /**
     * Answers with an error, once; from any thread. The answer is sent by a task, after the decoder is
     * destroyed, so no partial file outlives the answer.
     */
    private void refuse(ChatException e) {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        enqueue(() -> {
            destroy();
            sendRefusal(e);
        });
    }

    private void sendRefusal(ChatException e) {
        FullHttpResponse r = HttpResponses.error(e);
        if (e instanceof UploadService.RateLimitedException rl) {
            r.headers().set("Retry-After", String.valueOf((rl.retryAfterMs() + 999) / 1000));
        }
        HttpResponses.complete(r, false);
        boolean noBodyComing = lastSeen || (expectContinue && !continueSent);
        synchronized (this) {
            response = ch.writeAndFlush(r);
            if (closeWanted || noBodyComing) {
                response.addListener(ChannelFutureListener.CLOSE);
            } else {
                ch.eventLoop().schedule(() -> closeAfterResponse(), LINGER_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
            }
        }
    }

    /** Closes the connection once the refusal is written (the body has been read, or enough of it). */
    private void closeAfterResponse() {
        synchronized (this) {
            closeWanted = true;
            if (response != null) {
                response.addListener(ChannelFutureListener.CLOSE);
            }
        }
    }

    // ------------------------------------------------------------------ the per-request serial queue

    private void enqueue(Runnable task) {
        tasks.add(task);
        schedule();
    }

    private void schedule() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        try {
            pool.execute(this::drain);
        } catch (RejectedExecutionException e) {
            // overloaded: refuse, and run what is queued (releases and the clean-up) on this thread
            if (finished.compareAndSet(false, true)) {
                tasks.add(() -> {
                    destroy();
                    sendRefusal(new ChatException("server_busy", "the server is busy; retry shortly", 503));
                });
            }
            drain();
        }
    }

    private void drain() {
        try {
            for (int done = 0; done < TASK_BATCH; done++) {
                Runnable task = tasks.poll();
                if (task == null) {
                    break;
                }
                try {
                    task.run();
                } catch (ChatException e) {
                    refuse(e);
                } catch (RuntimeException | Error e) {
                    log.error("upload failed", e);
                    refuse(new ChatException("internal_error", "the upload failed; it has been logged", 500));
                }
            }
        } finally {
            running.set(false);
        }
        if (!tasks.isEmpty()) {
            schedule();
        }
    }
}
