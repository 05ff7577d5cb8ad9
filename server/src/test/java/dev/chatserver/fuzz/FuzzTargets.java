package dev.chatserver.fuzz;

import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.HandshakeData;
import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.ack.AckManager;
import com.corundumstudio.socketio.handler.ClientHead;
import com.corundumstudio.socketio.protocol.JacksonJsonSupport;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.protocol.PacketDecoder;
import com.corundumstudio.socketio.scheduler.HashedWheelTimeoutScheduler;
import com.corundumstudio.socketio.store.MemoryStoreFactory;
import com.fasterxml.jackson.databind.JsonNode;
import dev.chatserver.admin.AdminPassword;
import dev.chatserver.auth.PasswordHasher;
import dev.chatserver.common.ChatException;
import dev.chatserver.common.Json;
import dev.chatserver.realtime.PacketGuardAccess;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.multipart.DefaultHttpDataFactory;
import io.netty.handler.codec.http.multipart.HttpPostRequestDecoder;
import io.netty.handler.codec.http.multipart.InterfaceHttpData;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The four fuzz targets of issue #9, shared by the Jazzer tests ({@link JazzerFuzzTest}) and the seeded
 * mutational runner ({@link MutationFuzzTest}). Each takes arbitrary bytes and throws {@link AssertionError}
 * ("a crash") when the code under test fails in a way other than its documented, clear refusal.
 */
public final class FuzzTargets {
    private static final PasswordHasher HASHER = new PasswordHasher(10); // verify reads the cost from the hash, not from here
    private static final DefaultHttpDataFactory UPLOAD_FACTORY = new DefaultHttpDataFactory(DefaultHttpDataFactory.MINSIZE);

    static {
        UPLOAD_FACTORY.setBaseDir(System.getProperty("java.io.tmpdir"));
        UPLOAD_FACTORY.setDeleteOnExit(false);
    }

    private FuzzTargets() {
    }

    /**
     * Engine.IO/Socket.IO packet decoding as the server does it: {@code PacketGuard}'s check, then, for a packet
     * it lets pass, netty-socketio's {@link PacketDecoder} with our JSON limits. A crash: the guard throws, or the
     * decoder throws on a packet the guard let pass.
     */
    public static void packet(byte[] data) {
        ByteBuf buf = Unpooled.wrappedBuffer(data);
        String refusal;
        try {
            refusal = PacketGuardAccess.refusal(buf.duplicate());
        } catch (RuntimeException e) {
            throw new AssertionError("PacketGuard threw on " + show(data), e);
        }
        if (refusal != null) {
            return;
        }
        ClientHead head = newClient();
        try {
            Packet p = DECODER.decodePackets(buf, head);
            if (p == null) {
                throw new AssertionError("decoder returned null for " + show(data));
            }
        } catch (IOException | RuntimeException e) {
            throw new AssertionError("passed PacketGuard but netty-socketio's decoder threw on " + show(data), e);
        }
    }

    /**
     * Event payload mapping: bytes as JSON through our mapper (with {@link Json#LIMITS}), then the payload readers
     * every command uses. Allowed: a Jackson parse error, a {@link ChatException} {@code bad_request}.
     */
    public static void payload(byte[] data) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(data);
        } catch (IOException e) {
            return; // not JSON / beyond limits: refused before any command runs
        }
        try {
            dev.chatserver.realtime.PayloadAccess.readAll(node);
        } catch (ChatException e) {
            if (!e.code().equals("bad_request") && !e.code().equals("not_in_room") && !e.code().equals("invalid_room")) {
                throw new AssertionError("unexpected refusal " + e.code() + " for " + show(data), e);
            }
        } catch (RuntimeException e) {
            throw new AssertionError("payload mapping threw on " + show(data), e);
        }
    }

    /**
     * Multipart parsing as the upload route sets it up (Netty's {@link HttpPostRequestDecoder}, 16 fields, 1 MiB
     * buffered, parts over 16 KB on disk). The first line of the input is the boundary; the rest is the body, fed
     * in two pieces. Allowed: Netty's {@link DecoderException}s (the route answers them 400).
     */
    public static void multipart(byte[] data) {
        int nl = indexOf(data, (byte) '\n');
        String boundary = nl < 0 ? "b" : new String(data, 0, Math.min(nl, 70), StandardCharsets.ISO_8859_1)
                .replaceAll("[^\\x21-\\x7e]", ""); // a header value: printable ASCII only (else the harness, not the server, fails)
        if (boundary.isEmpty()) {
            boundary = "b";
        }
        byte[] body = nl < 0 ? data : java.util.Arrays.copyOfRange(data, nl + 1, data.length);
        DefaultHttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/api/upload_file");
        req.headers().set(HttpHeaderNames.CONTENT_TYPE, "multipart/form-data; boundary=" + boundary);
        HttpPostRequestDecoder decoder;
        try {
            decoder = new HttpPostRequestDecoder(UPLOAD_FACTORY, req, StandardCharsets.UTF_8, 16, 1024 * 1024);
        } catch (DecoderException e) {
            return;
        } catch (IndexOutOfBoundsException e) {
            // Netty 4.1 on `boundary="` (found here): UploadRequest answers 400
            if (!isNettyMultipart(e)) {
                throw new AssertionError("multipart decoder constructor threw on " + show(data), e);
            }
            return;
        } catch (RuntimeException e) {
            throw new AssertionError("multipart decoder constructor threw on " + show(data), e);
        }
        try {
            int half = body.length / 2;
            decoder.offer(new DefaultHttpContent(Unpooled.wrappedBuffer(body, 0, half)));
            drain(decoder);
            decoder.offer(new DefaultLastHttpContent(Unpooled.wrappedBuffer(body, half, body.length - half)));
            drain(decoder);
        } catch (DecoderException e) {
            // malformed body, too many fields, a field too long: the route answers 400
        } catch (IndexOutOfBoundsException e) {
            // Netty 4.1 on a Content-Disposition parameter without '=' (found here): UploadRequest answers 400
            if (!isNettyMultipart(e)) {
                throw new AssertionError("multipart decoding threw on " + show(data), e);
            }
        } catch (RuntimeException e) {
            throw new AssertionError("multipart decoding threw on " + show(data), e);
        } finally {
            decoder.destroy();
        }
    }

    private static boolean isNettyMultipart(Throwable e) {
        if (e.getStackTrace().length == 0) {
            return true; // the JIT's preallocated exception (OmitStackTraceInFastThrow): only Netty's calls are in the try
        }
        for (StackTraceElement f : e.getStackTrace()) {
            if (f.getClassName().startsWith("io.netty.handler.codec.http.multipart.")) {
                return true;
            }
        }
        return false;
    }

    private static void drain(HttpPostRequestDecoder decoder) {
        try {
            while (decoder.hasNext()) {
                InterfaceHttpData d = decoder.next();
                if (d != null) {
                    d.getName();
                }
            }
        } catch (HttpPostRequestDecoder.EndOfDataDecoderException end) {
            // all parts taken
        }
    }

    /**
     * Password-hash parsing: bcrypt verify (accounts, admin) and Werkzeug pbkdf2 (admin) with garbage hashes. The
     * input is "password \0 hash". Allowed: false. A crash: an exception, or a true for a hash that was not made
     * from that password (impossible for garbage; checked by recomputing nothing, only that no exception escapes).
     */
    public static void passwordHash(byte[] data) {
        int zero = indexOf(data, (byte) 0);
        String password = new String(data, 0, zero < 0 ? data.length : zero, StandardCharsets.UTF_8);
        String hash = zero < 0 ? "" : new String(data, zero + 1, data.length - zero - 1, StandardCharsets.UTF_8);
        if (hash.matches("(?s)\\$2.\\$([0-9]{2})\\$.*") && Integer.parseInt(hash.substring(4, 6)) > 6) {
            hash = hash.substring(0, 4) + "04" + hash.substring(6); // keep a run fast: cost 4 instead of up to 31
        }
        if (hash.matches("(?s)pbkdf2:[^:]*:[0-9]{4,}.*")) {
            hash = hash.replaceFirst(":[0-9]{4,}", ":1000"); // same: bounded iterations
        }
        try {
            HASHER.verify(password, hash);
            new AdminPassword("x", hash).matches(password);
        } catch (RuntimeException e) {
            throw new AssertionError("password verification threw on " + show(data), e);
        }
    }

    private static final PacketDecoder DECODER;
    private static final Configuration CONFIG = new Configuration();

    static {
        JacksonJsonSupport json = new JacksonJsonSupport() {
            @Override
            protected void init(com.fasterxml.jackson.databind.ObjectMapper objectMapper) {
                super.init(objectMapper);
                objectMapper.getFactory().setStreamReadConstraints(Json.LIMITS);
            }
        };
        CONFIG.setJsonSupport(json);
        DECODER = new PacketDecoder(CONFIG.getJsonSupport(), new AckManager(new HashedWheelTimeoutScheduler()));
    }

    private static final MemoryStoreFactory STORES = new MemoryStoreFactory();

    private static ClientHead newClient() {
        HandshakeData hd = new HandshakeData(new io.netty.handler.codec.http.DefaultHttpHeaders(), Map.of("EIO", List.of("4")),
                new InetSocketAddress("127.0.0.1", 1), new InetSocketAddress("127.0.0.1", 2), "/socket.io/", false);
        return new ClientHead(UUID.randomUUID(), null, null, STORES, hd, null, Transport.WEBSOCKET, null, CONFIG,
                Map.of("EIO", List.of("4")));
    }

    private static int indexOf(byte[] data, byte b) {
        for (int i = 0; i < data.length; i++) {
            if (data[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** The input for a failure message: printable as text, else hex; at most 300 characters. */
    static String show(byte[] data) {
        String s = new String(data, StandardCharsets.UTF_8);
        boolean printable = s.chars().allMatch(c -> c >= 0x20 && c < 0x7F || c == '\n' || c == '\r' || c == '\t');
        String out = printable ? '"' + s + '"' : "hex " + java.util.HexFormat.of().formatHex(data);
        return out.length() > 300 ? out.substring(0, 300) + "... (" + data.length + " bytes)" : out;
    }
}
