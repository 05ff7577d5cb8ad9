package dev.chatserver.common;

/**
 * A refusal with a stable machine-readable {@code code} (e.g. {@code room_not_found}, {@code rate_limited}).
 * Translated once per transport: HTTP status + JSON {@code {error:{code,message}}}, or the ack
 * {@code {ok:false,error:{code,message}}} plus an {@code error} event. The message is shown to users, so it
 * never contains internals.
 */
public class ChatException extends RuntimeException {
    private final String code;
    private final int httpStatus;

    /** @param code stable error code; @param message text for the user; @param httpStatus status when sent over HTTP */
    public ChatException(String code, String message, int httpStatus) {
        super(message, null, false, false);
        this.code = code;
        this.httpStatus = httpStatus;
    }

    /** A 400-class refusal. */
    public ChatException(String code, String message) {
        this(code, message, 400);
    }

    public String code() {
        return code;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public static ChatException badRequest(String message) {
        return new ChatException("bad_request", message, 400);
    }
}
