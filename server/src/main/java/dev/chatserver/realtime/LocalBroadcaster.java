package dev.chatserver.realtime;

import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** {@link Broadcaster} for one node: renders the event once per dialect and writes it to each socket. */
public final class LocalBroadcaster implements Broadcaster {
    @Override
    public void send(Collection<SessionContext> targets, Outbound event, Map<String, Object> payload) {
        Map<Dialect, List<Dialect.Emit>> rendered = new EnumMap<>(Dialect.class);
        for (SessionContext target : targets) {
            List<Dialect.Emit> emits = rendered.computeIfAbsent(target.dialect(), d -> d.render(event, payload));
            for (Dialect.Emit e : emits) {
                target.client().sendEvent(e.name(), e.payload());
            }
        }
    }
}
