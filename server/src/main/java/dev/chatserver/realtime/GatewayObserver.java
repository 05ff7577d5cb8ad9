package dev.chatserver.realtime;

/** What {@link SocketGateway} reports to metrics. Calls come from executor threads and must be cheap. */
public interface GatewayObserver {
    /** Reports nothing. */
    GatewayObserver NONE = new GatewayObserver() {
        @Override
        public void answered(String event, boolean ok, long nanos) {
        }
    };

    /**
     * An event was answered (ack sent, or the error reported).
     *
     * @param event the canonical event name (e.g. {@code message}, {@code join_room})
     * @param ok    false when refused; {@link #rejected} then follows
     * @param nanos from the event's arrival to its answer, ns (for messages: includes the commit)
     */
    void answered(String event, boolean ok, long nanos);

    /** An input was refused with this error code (e.g. {@code rate_limited}, {@code invalid_payload}). */
    default void rejected(String code) {
    }
}
