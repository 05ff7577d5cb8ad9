package dev.chatserver.realtime;

import com.corundumstudio.socketio.protocol.JacksonJsonSupport;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chatserver.common.Json;

/**
 * netty-socketio's Jackson support with its private mapper reading under {@link Json#LIMITS} (nesting depth,
 * string, name and number length), so a packet that got past {@link PacketGuard} still cannot make the decoder
 * build an arbitrarily deep or long value.
 */
final class LimitedJsonSupport extends JacksonJsonSupport {
    @Override
    protected void init(ObjectMapper objectMapper) {
        super.init(objectMapper);
        objectMapper.getFactory().setStreamReadConstraints(Json.LIMITS);
    }
}
