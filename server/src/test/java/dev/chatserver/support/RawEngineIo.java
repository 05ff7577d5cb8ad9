package dev.chatserver.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A bare Engine.IO v4 websocket client (JDK {@link WebSocket}) that sends exactly the frames a test gives it:
 * malformed packets, oversized frames, or nothing at all (it never answers pings unless told to). Every text
 * frame received is queued; {@link #closed()} completes with the close status (or -1 when the TCP connection
 * dropped without a close frame).
 */
public final class RawEngineIo implements AutoCloseable {
    private final WebSocket ws;
    private final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private volatile boolean answerPings;

    private RawEngineIo(URI uri, boolean answerPings) {
        this.answerPings = answerPings;
        StringBuilder partial = new StringBuilder();
        this.ws = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(uri, new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            String t = partial.toString();
                            partial.setLength(0);
                            if (t.equals("2") && RawEngineIo.this.answerPings) {
                                w.sendText("3", true);
                            }
                            texts.add(t);
                        }
                        w.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
                        w.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket w, int statusCode, String reason) {
                        closed.complete(statusCode);
                        return null;
                    }

                    @Override
                    public void onError(WebSocket w, Throwable error) {
                        closed.complete(-1);
                    }
                }).join();
    }

    /**
     * Opens {@code /socket.io/?EIO=4&transport=websocket}, reads the open packet and, when {@code connect},
     * sends the Socket.IO CONNECT {@code 40} and waits for its answer.
     *
     * @param answerPings answer the server's {@code 2} pings with {@code 3} (false = a dead peer)
     */
    public static RawEngineIo open(String httpUrl, boolean connect, boolean answerPings) {
        RawEngineIo c = new RawEngineIo(URI.create(httpUrl.replaceFirst("^http", "ws") + "/socket.io/?EIO=4&transport=websocket"),
                answerPings);
        c.await(t -> t.startsWith("0{"));
        if (connect) {
            c.send("40");
            c.await(t -> t.startsWith("40"));
        }
        return c;
    }

    /** Sends one text frame. */
    public void send(String frame) {
        ws.sendText(frame, true).join();
    }

    /** Sends one binary frame. */
    public void sendBinary(byte[] frame) {
        ws.sendBinary(ByteBuffer.wrap(frame), true).join();
    }

    /** Waits (10 s) for a received text frame matching, discarding others. @throws AssertionError on timeout */
    public String await(Predicate<String> match) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.getLong("raw.await.s", 10));
        try {
            while (System.nanoTime() < deadline) {
                String t = texts.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (t != null && match.test(t)) {
                    return t;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new AssertionError("no matching frame within 10 s; closed=" + closed.getNow(null));
    }

    /** Completes with the close status code, or -1 when the connection broke without one. */
    public CompletableFuture<Integer> closed() {
        return closed;
    }

    /**
     * Waits (10 s) for the server to close. The JDK client sometimes reports a close without a close frame only
     * when it next writes, so a noop packet {@code 6} is sent every 100 ms while waiting.
     *
     * @return the status code, or -1 when the connection was found broken
     */
    public int awaitClosed() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try {
                return closed.get(100, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                try {
                    ws.sendText("6", true).get(1, TimeUnit.SECONDS);
                } catch (Exception broken) {
                    return closed.getNow(-1);
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("the server did not close the connection within 10 s");
    }

    @Override
    public void close() {
        ws.abort();
    }
}
