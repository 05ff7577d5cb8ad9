package dev.chatserver.common;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The one Jackson {@link ObjectMapper} of the server (thread-safe once configured). */
public final class Json {
    /** Shared mapper; configure nothing on it after start. */
    public static final ObjectMapper MAPPER = new ObjectMapper();

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
