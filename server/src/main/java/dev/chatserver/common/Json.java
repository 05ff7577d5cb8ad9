package dev.chatserver.common;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The one Jackson {@link ObjectMapper} of the server (thread-safe once configured), and the JSON input limits. */
public final class Json {
    /**
     * Limits on every JSON document the server reads (HTTP bodies, Socket.IO packets through netty-socketio's
     * mapper and {@code PacketGuard}): nesting depth at most 32, strings and names at most 1,048,576 and 1,000
     * characters, numbers at most 100 digits. Jackson's own defaults (depth 1,000, strings 20,000,000 characters)
     * let one packet cost far more than a chat needs; our payloads nest 3 levels at most. Beyond a limit the
     * parser throws {@link com.fasterxml.jackson.core.exc.StreamConstraintsException}.
     */
    public static final StreamReadConstraints LIMITS = StreamReadConstraints.builder()
            .maxNestingDepth(32)
            .maxStringLength(1 << 20)
            .maxNameLength(1_000)
            .maxNumberLength(100)
            .build();

    /** Shared mapper, reading under {@link #LIMITS}; configure nothing on it after start. */
    public static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder().streamReadConstraints(LIMITS).build());

    private Json() {
    }

    /** Serialises to a JSON string; @throws IllegalStateException if the value cannot be serialised */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass(), e);
        }
    }
}
