package dev.chatserver.realtime;

import com.corundumstudio.socketio.AckRequest;
import com.corundumstudio.socketio.handler.ClientHead;
import com.corundumstudio.socketio.messages.PacketsMessage;
import com.corundumstudio.socketio.protocol.EngineIOVersion;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.protocol.PacketType;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.chatserver.common.Json;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks every Engine.IO/Socket.IO packet a client sends before netty-socketio's {@code PacketDecoder} sees it
 * (it sits in the pipeline just before netty-socketio's {@code packetHandler}). netty-socketio trusts its input:
 * a binary-event header {@code 451999999999-} makes it allocate for the attachment count, a bad header or
 * bad JSON throws inside the decoder and is logged at ERROR with the whole payload. Here every packet is
 * parsed against the Engine.IO v4 / Socket.IO v5 grammar (https://socket.io/docs/v4/socket-io-protocol/)
 * with the JSON limits of {@link Json#LIMITS}.
 *
 * <p>Refusals, each counted in {@code chat_rejected_total{code}} and answered with
 * {@code error {code, message, event: "packet"}} on the default namespace:
 * <ul>
 *   <li>the protocol cannot go on, so the socket is disconnected after the error: {@code malformed_packet}
 *       (not a v4 packet, bad header, JSON syntax, a non-array event, trailing bytes), {@code too_many_attachments}
 *       (more than {@link #MAX_ATTACHMENTS} binary attachments in one packet), {@code json_too_deep},
 *       {@code json_string_too_long}, {@code json_number_too_long} (Jackson {@code StreamReadConstraints});</li>
 *   <li>the packet is well formed but refused, and the socket stays: {@code event_name_too_long} (more than
 *       {@link #MAX_EVENT_NAME_CHARS} characters); an ack is answered {@code {ok:false,error}} when one was
 *       requested.</li>
 * </ul>
 * Frames larger than {@code maxFrameBytes} never get here: Netty closes the websocket with status 1009 and a
 * polling POST gets HTTP 413.
 */
@ChannelHandler.Sharable
final class PacketGuard extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(PacketGuard.class);
    /** Most binary attachments one packet may announce (our events carry none; the browser client sends at most a few). */
    static final int MAX_ATTACHMENTS = 10;
    /** Longest event name, characters (the longest real one, {@code list_conversations}, has 18). */
    static final int MAX_EVENT_NAME_CHARS = 100;
    /** Longest namespace in a packet header, characters. */
    private static final int MAX_NAMESPACE_CHARS = 100;

    private final SessionRegistry sessions;
    private final Supplier<GatewayObserver> observer;

    /**
     * @param sessions live sockets of the default namespace (to tell a socket why it is refused)
     * @param observer where refusals are counted
     */
    PacketGuard(SessionRegistry sessions, Supplier<GatewayObserver> observer) {
        this.sessions = sessions;
        this.observer = observer;
    }

    /** Why a packet was refused; {@code fatal} closes the socket. */
    record Refusal(String code, String message, boolean fatal, Long ackId, String nsp) {
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (!(msg instanceof PacketsMessage pm)) {
            ctx.fireChannelRead(msg);
            return;
        }
        ClientHead client = pm.getClient();
        Packet pending = client.getLastBinaryPacket();
        if (pending != null && pending.hasAttachments() && !pending.isAttachmentsLoaded()) {
            ctx.fireChannelRead(msg); // attachments of an already checked binary packet (count bounded there)
            return;
        }
        if (client.getEngineIOVersion() != EngineIOVersion.V4) {
            refuse(client, new Refusal("malformed_packet", "only Engine.IO v4 (Socket.IO v4 clients) is supported",
                    true, null, ""));
            return;
        }
        ByteBuf content = pm.getContent();
        List<ByteBuf> kept = new ArrayList<>();
        boolean dropped = false;
        int from = content.readerIndex();
        int end = content.writerIndex();
        while (from <= end) {
            int sep = content.indexOf(from, end, (byte) 0x1E); // polling payloads join packets with the record separator
            int to = sep < 0 ? end : sep;
            ByteBuf segment = content.slice(from, to - from);
            Refusal r;
            try {
                r = check(segment);
            } catch (RuntimeException e) { // the checker itself must never let a packet crash the channel
                r = new Refusal("malformed_packet", "the packet could not be read", true, null, "");
            }
            if (r != null) {
                refuse(client, r);
                if (r.fatal()) {
                    return;
                }
                dropped = true;
            } else {
                kept.add(segment);
            }
            if (sep < 0) {
                break;
            }
            from = sep + 1;
        }
        if (!dropped) {
            ctx.fireChannelRead(msg);
        } else if (!kept.isEmpty()) {
            ByteBuf rest = Unpooled.buffer();
            for (int i = 0; i < kept.size(); i++) {
                if (i > 0) {
                    rest.writeByte(0x1E);
                }
                rest.writeBytes(kept.get(i), kept.get(i).readerIndex(), kept.get(i).readableBytes());
            }
            try {
                ctx.fireChannelRead(new PacketsMessage(client, rest, pm.getTransport()));
            } finally {
                rest.release();
            }
        }
    }

    /**
     * Checks one Engine.IO packet. @return null when it may pass, else why not
     */
    static Refusal check(ByteBuf p) {
        int n = p.readableBytes();
        int base = p.readerIndex();
        if (n == 0) {
            return malformed("empty packet");
        }
        byte type = p.getByte(base);
        switch (type) {
            case '1', '5', '6': // close, upgrade, noop: one byte (the decoder throws on anything after it)
                return n == 1 ? null : malformed("control packet with a body");
            case '2', '3': // ping, pong; "probe" while upgrading to websocket
                return n == 1 || (n == 6 && p.toString(base + 1, 5, java.nio.charset.StandardCharsets.US_ASCII).equals("probe"))
                        ? null : malformed("ping or pong with a body other than 'probe'");
            case '4':
                break;
            default:
                return malformed("not an Engine.IO v4 packet");
        }
        if (n < 2) {
            return malformed("message packet without a Socket.IO type");
        }
        int t = p.getByte(base + 1) - '0';
        if (t < 0 || t > 6 || t == 4) { // 4 = CONNECT_ERROR is server to client only
            return malformed("unknown Socket.IO packet type");
        }
        int i = 2;
        if (t == 5 || t == 6) { // BINARY_EVENT / BINARY_ACK: "<attachments>-"
            long count = 0;
            int digits = 0;
            while (i < n && isDigit(p.getByte(base + i))) {
                count = count * 10 + (p.getByte(base + i) - '0');
                i++;
                if (++digits > 6) {
                    return new Refusal("too_many_attachments", "at most " + MAX_ATTACHMENTS + " binary attachments per packet",
                            true, null, "");
                }
            }
            if (digits == 0 || i >= n || p.getByte(base + i) != '-') {
                return malformed("binary packet without an attachment count");
            }
            if (count > MAX_ATTACHMENTS) {
                return new Refusal("too_many_attachments", "at most " + MAX_ATTACHMENTS + " binary attachments per packet",
                        true, null, "");
            }
            i++;
        }
        String nsp = "";
        if (i < n && p.getByte(base + i) == '/') {
            int start = i;
            while (i < n && p.getByte(base + i) != ',') {
                byte b = p.getByte(base + i);
                boolean nameChar = b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '/' || b == '_'
                        || b == '-' || b == '.';
                if (!nameChar) { // e.g. '?': netty-socketio's namespace reader then reads past the packet (found by Jazzer)
                    return malformed("bad namespace");
                }
                if (i - start >= MAX_NAMESPACE_CHARS) {
                    return malformed("namespace too long");
                }
                i++;
            }
            nsp = p.toString(base + start, i - start, java.nio.charset.StandardCharsets.US_ASCII);
            if (i < n) {
                i++; // the ','
            }
        }
        Long ackId = null;
        int ackStart = i;
        while (i < n && isDigit(p.getByte(base + i))) {
            i++;
            if (i - ackStart > 15) {
                return malformed("ack id too long");
            }
        }
        if (i > ackStart) {
            ackId = Long.parseLong(p.toString(base + ackStart, i - ackStart, java.nio.charset.StandardCharsets.US_ASCII));
        }
        int bodyLen = n - i;
        switch (t) {
            case 0: // CONNECT: optional auth object
                if (ackId != null) {
                    return malformed("connect with an ack id");
                }
                return bodyLen == 0 ? null : json(p.slice(base + i, bodyLen), JsonToken.START_OBJECT, false, null, nsp);
            case 1: // DISCONNECT
                return bodyLen == 0 && ackId == null ? null : malformed("disconnect with a body");
            case 2, 5: // EVENT: ["name", ...args]
                return bodyLen == 0 ? malformed("event without a body") : json(p.slice(base + i, bodyLen), JsonToken.START_ARRAY, true, ackId, nsp);
            default: // 3, 6: ACK: [...args]
                if (ackId == null || bodyLen == 0) {
                    return malformed("ack without an id or a body");
                }
                return json(p.slice(base + i, bodyLen), JsonToken.START_ARRAY, false, null, nsp);
        }
    }

    /**
     * Parses the JSON body token by token under {@link Json#LIMITS}: one value of the expected kind, nothing
     * after it; for events the first element must be a string of at most
     * {@link #MAX_EVENT_NAME_CHARS} characters.
     */
    private static Refusal json(ByteBuf body, JsonToken expected, boolean event, Long ackId, String nsp) {
        try (JsonParser parser = Json.MAPPER.getFactory().createParser((java.io.InputStream) new ByteBufInputStream(body))) {
            JsonToken first = parser.nextToken();
            if (first != expected) {
                return malformed("the packet body is not a JSON " + (expected == JsonToken.START_OBJECT ? "object" : "array"));
            }
            Refusal nameRefusal = null;
            if (event) {
                JsonToken name = parser.nextToken();
                if (name != JsonToken.VALUE_STRING) {
                    return malformed("an event needs a name as its first element");
                }
                int len = parser.getTextLength();
                if (len > MAX_EVENT_NAME_CHARS) {
                    nameRefusal = new Refusal("event_name_too_long", "event names have at most " + MAX_EVENT_NAME_CHARS
                            + " characters", false, ackId, nsp);
                }
            }
            int depth = 1;
            while (depth > 0) {
                JsonToken tok = parser.nextToken();
                if (tok == null) {
                    return malformed("the JSON body ends early");
                }
                if (tok.isStructStart()) {
                    depth++;
                } else if (tok.isStructEnd()) {
                    depth--;
                }
            }
            if (parser.nextToken() != null) {
                return malformed("bytes after the JSON body");
            }
            return nameRefusal;
        } catch (StreamConstraintsException e) {
            String m = String.valueOf(e.getOriginalMessage());
            if (m.contains("depth")) {
                return new Refusal("json_too_deep", "JSON nesting deeper than " + Json.LIMITS.getMaxNestingDepth(), true, null, nsp);
            }
            if (m.contains("Number")) {
                return new Refusal("json_number_too_long", "a JSON number longer than " + Json.LIMITS.getMaxNumberLength()
                        + " characters", true, null, nsp);
            }
            return new Refusal("json_string_too_long", "a JSON string or name longer than " + Json.LIMITS.getMaxStringLength()
                    + " characters", true, null, nsp);
        } catch (IOException e) {
            return malformed("the packet body is not valid JSON");
        }
    }

    private static Refusal malformed(String why) {
        return new Refusal("malformed_packet", "malformed packet: " + why, true, null, "");
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    /** Tells the socket (default namespace), counts, and disconnects on fatal refusals. */
    private void refuse(ClientHead client, Refusal r) {
        observer.get().rejected(r.code());
        log.debug("refused a packet of {}: {} ({})", client.getSessionId(), r.code(), r.message());
        SessionContext ctx = sessions.get(client.getSessionId());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", r.code());
        body.put("message", r.message());
        body.put("event", "packet");
        if (ctx != null && r.nsp().isEmpty()) {
            try {
                if (r.ackId() != null) {
                    Packet original = new Packet(PacketType.MESSAGE, client.getEngineIOVersion());
                    original.setSubType(PacketType.EVENT);
                    original.setAckId(r.ackId());
                    original.setNsp("");
                    new AckRequest(original, ctx.client()).sendAckData(Map.of("ok", false,
                            "error", Map.of("code", r.code(), "message", r.message())));
                }
                ctx.client().sendEvent("error", body);
            } catch (RuntimeException e) {
                log.debug("cannot tell {} about the refusal: {}", client.getSessionId(), e.toString());
            }
        }
        if (r.fatal()) {
            client.disconnect();
        }
    }
}
