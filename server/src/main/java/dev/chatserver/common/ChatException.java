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
    private final long retryAfterMs;

    /** @param code stable error code; @param message text for the user; @param httpStatus status when sent over HTTP */
    public ChatException(String code, String message, int httpStatus) {
        this(code, message, httpStatus, 0);
    }

    /**
     * A refusal that ends after a while (rate limits, mutes).
     * @param retryAfterMs ms until the action is allowed again
     */
    public ChatException(String code, String message, int httpStatus, long retryAfterMs) {
        super(message, null, false, false);
        this.code = code;
        this.httpStatus = httpStatus;
        this.retryAfterMs = retryAfterMs;
    }

    /**
     * {@code rate_limited} (HTTP 429 with Retry-After; ack error with {@code retry_after_ms}).
     * @param retryAfterMs ms until the action is allowed again
     */
    public static ChatException rateLimited(long retryAfterMs) {
        long s = Math.max(1, (retryAfterMs + 999) / 1000);
        return new ChatException("rate_limited", "too many attempts; retry in " + s + " s", 429, retryAfterMs);
    }

    /** ms until a rate-limited action is allowed again; 0 for other errors. */
    public long retryAfterMs() {
        return retryAfterMs;
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
