package dev.chatserver.support;

import java.io.IOException;
import java.io.InputStream;

/** Pieces of HTTP written and read by hand, for tests that must send what no client library would. */
public final class RawHttp {
    private RawHttp() {
    }

    /**
     * A websocket upgrade request to Engine.IO v4 (RFC 6455 handshake with a fixed key).
     *
     * @param extraHeaders further header lines, each ending in CRLF ("" = none)
     */
    public static String websocketUpgrade(String extraHeaders) {
        return "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + extraHeaders + "\r\n";
    }

    /** Reads a response head, up to and including the blank line (or to the end of the stream). */
    public static String readHead(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            sb.append((char) c);
            if (sb.length() >= 4 && sb.substring(sb.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        return sb.toString();
    }
}
