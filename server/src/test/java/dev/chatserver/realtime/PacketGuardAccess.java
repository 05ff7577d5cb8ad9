package dev.chatserver.realtime;

import io.netty.buffer.ByteBuf;

/** The packet checks of {@link PacketGuard} for tests and fuzzing (no channel needed). */
public final class PacketGuardAccess {
    private PacketGuardAccess() {
    }

    /**
     * @param packet one Engine.IO packet (a websocket message, or one record of a polling payload)
     * @return null when the packet would pass, else the refusal code ({@code malformed_packet}, {@code json_too_deep}...)
     */
    public static String refusal(ByteBuf packet) {
        PacketGuard.Refusal r = PacketGuard.check(packet);
        return r == null ? null : r.code();
    }
}
