package dev.chatserver.realtime;

import dev.chatserver.chat.BlockService;
import dev.chatserver.cluster.ClusterBus;
import dev.chatserver.common.Json;
import dev.chatserver.moderation.BanService;
import dev.chatserver.moderation.MuteService;
import dev.chatserver.store.MessageRow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the other nodes' events to this node (issue #11): each type published by {@link RoomRegistry},
 * {@link SocketGateway}, {@link RichCommands}, {@link BanService} and {@link MuteService} is handed to the
 * matching "here" method, which fans out to this node's sockets only (never publishing again). Also wires the
 * bus's recovery (catch up rooms from the database, republish member lists) and node changes (presence).
 *
 * <p>Event types: {@code msg {row}}, {@code room_event {room, message_id, patch, event, payload, actor}},
 * {@code typing {room, token, payload, typing}}, {@code members {room, users, event, notice, public_token}},
 * {@code room_kick {room, target, message}}, {@code room_deleted {room, message}},
 * {@code to_tokens {tokens, event, payload, actor}}, {@code ban {action, kind, value}}, {@code mutes {}},
 * {@code block {blocker, blocked, on}},
 * {@code kick_sid {sid, reason, to}}, {@code move_sid {sid, room, to}}, {@code logout {session_hash}},
 * {@code rename {token, name}}.
 */
public final class ClusterRelay {
    private static final Logger log = LoggerFactory.getLogger(ClusterRelay.class);

    private final ClusterBus bus;
    private final RoomRegistry rooms;
    private final SessionRegistry sessions;
    private final SocketGateway gateway;
    private final BanService bans;
    private final MuteService mutes;
    private final BlockService blocks;

    /** Subscribes to {@code bus} and publishes the services' changes on it. */
    public ClusterRelay(ClusterBus bus, RoomRegistry rooms, SessionRegistry sessions, SocketGateway gateway,
                        BanService bans, MuteService mutes, BlockService blocks) {
        this.bus = bus;
        this.rooms = rooms;
        this.sessions = sessions;
        this.gateway = gateway;
        this.bans = bans;
        this.mutes = mutes;
        this.blocks = blocks;
        if (!bus.enabled()) {
            return;
        }
        rooms.cluster(bus);
        gateway.cluster(bus);
        bans.onChange(change -> bus.publish("ban", change));
        mutes.onChange(() -> bus.publish("mutes", Map.of()));
        blocks.onChange(change -> bus.publish("block", change));
        bus.onEvent(this::apply);
        bus.onRecovered(() -> {
            rooms.republishMembers();
            int n = rooms.catchUp();
            if (n > 0) {
                log.info("cluster: delivered {} message(s) committed elsewhere while Redis was unreachable", n);
            }
        });
        bus.onNodesChanged((gone, appeared) -> {
            rooms.nodesChanged(gone, appeared);
            if (!gone.isEmpty()) {
                rooms.catchUp(); // a node that died may have committed messages it never published
            }
        });
    }

    /**
     * Sends {@code event} to every socket of these identities on every node (direct conversations), except those
     * of identities that blocked {@code actorToken}.
     *
     * @param tokens     secret tokens
     * @param except     a socket of this node that must not get it (the sender's), or null
     * @param actorToken whose action it is, or null
     */
    public static void toTokens(ClusterBus bus, SessionRegistry sessions, BlockService blocks, List<String> tokens,
                                SessionContext except, String event, Map<String, Object> payload, String actorToken) {
        toTokensHere(sessions, blocks, tokens, except, event, payload, actorToken);
        if (bus.enabled()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("tokens", tokens);
            e.put("event", event);
            e.put("payload", payload);
            e.put("actor", actorToken);
            bus.publish("to_tokens", e);
        }
    }

    private static void toTokensHere(SessionRegistry sessions, BlockService blocks, List<String> tokens, SessionContext except,
                                     String event, Map<String, Object> payload, String actorToken) {
        for (String t : tokens) {
            if (actorToken != null && blocks.blocks(t, actorToken)) {
                continue;
            }
            for (SessionContext s : sessions.forToken(t)) {
                if (s != except) {
                    s.client().sendEvent(event, payload);
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private void apply(String type, Map<String, Object> b) {
        switch (type) {
            case "msg" -> rooms.deliver(Json.MAPPER.convertValue(b.get("row"), MessageRow.class));
            case "room_event" -> rooms.roomEventHere(str(b, "room"), b.get("message_id") == null ? null
                            : ((Number) b.get("message_id")).longValue(), (Map<String, Object>) b.get("patch"),
                    Outbound.valueOf(str(b, "event")), (Map<String, Object>) b.get("payload"), str(b, "actor"));
            case "typing" -> rooms.typingHere(str(b, "room"), str(b, "token"), (Map<String, Object>) b.get("payload"),
                    Boolean.TRUE.equals(b.get("typing")));
            case "members" -> rooms.remoteMembers(str(b, "node"), str(b, "room"),
                    new ArrayList<>((List<Map<String, Object>>) b.get("users")),
                    b.get("event") == null ? null : Outbound.valueOf(str(b, "event")),
                    (Map<String, Object>) b.get("notice"), str(b, "public_token"));
            case "room_kick" -> rooms.kickHere(str(b, "room"), str(b, "target"), str(b, "message"));
            case "room_deleted" -> rooms.deleteRoomHere(str(b, "room"), str(b, "message"));
            case "to_tokens" -> toTokensHere(sessions, blocks, (List<String>) b.get("tokens"), null, str(b, "event"),
                    (Map<String, Object>) b.get("payload"), str(b, "actor"));
            case "ban" -> bans.applyRemote(str(b, "action"), str(b, "kind"), str(b, "value"));
            case "mutes" -> mutes.reload();
            case "block" -> blocks.applyRemote(str(b, "blocker"), str(b, "blocked"), Boolean.TRUE.equals(b.get("on")));
            case "kick_sid" -> {
                if (bus.nodeId().equals(b.get("to"))) {
                    gateway.kickHere(UUID.fromString(str(b, "sid")), str(b, "reason"));
                }
            }
            case "move_sid" -> {
                if (bus.nodeId().equals(b.get("to"))) {
                    try {
                        gateway.move(UUID.fromString(str(b, "sid")), str(b, "room"));
                    } catch (RuntimeException e) {
                        log.debug("move of {} failed here: {}", b.get("sid"), e.toString());
                    }
                }
            }
            case "logout" -> gateway.disconnectLoginSessionHere(str(b, "session_hash"));
            case "rename" -> gateway.renameIdentityHere(str(b, "token"), str(b, "name"));
            default -> log.debug("unknown cluster event {}", type);
        }
    }

    private static String str(Map<String, Object> b, String key) {
        Object v = b.get(key);
        return v == null ? null : v.toString();
    }
}
