package dev.chatserver.realtime;

import dev.chatserver.chat.Identity;
import dev.chatserver.common.ChatException;
import dev.chatserver.store.MessageDao;
import dev.chatserver.store.MessageRow;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Rooms with someone online: members, presence, and the newest messages in memory. A room leaves memory
 * (not the database) when its last socket leaves.
 *
 * <p>Ordering: each room has a monitor. Broadcasts of committed messages (in id order, from one dispatcher
 * thread) and joins take it, so a joining socket gets its history and then exactly the messages after it,
 * with no gap and no duplicate, even while messages flow.
 */
public final class RoomRegistry {
    /** Most messages replayed to a reconnecting socket; beyond it the socket gets a fresh history. */
    public static final int REPLAY_MAX = 1000;

    private final Map<String, RoomState> rooms = new ConcurrentHashMap<>();
    private final MessageDao messages;
    private final Broadcaster broadcaster;
    private final Clock clock;
    private final int historySize;
    private final dev.chatserver.chat.BlockService blocks;
    private final dev.chatserver.store.ReactionDao reactions;

    /** As the full constructor, without reactions in the history. */
    public RoomRegistry(MessageDao messages, Broadcaster broadcaster, Clock clock, int historySize,
                        dev.chatserver.chat.BlockService blocks) {
        this(messages, broadcaster, clock, historySize, blocks, null);
    }

    /**
     * @param messages    history reads
     * @param broadcaster fan-out
     * @param historySize messages kept in memory and sent on join (seed 000: 200)
     * @param blocks      who blocked whom: blocked senders' messages and typing are not delivered
     * @param reactions   reactions read into the history when a room is loaded (null: none)
     */
    public RoomRegistry(MessageDao messages, Broadcaster broadcaster, Clock clock, int historySize,
                        dev.chatserver.chat.BlockService blocks, dev.chatserver.store.ReactionDao reactions) {
        this.reactions = reactions;
        this.blocks = blocks;
        this.messages = messages;
        this.broadcaster = broadcaster;
        this.clock = clock;
        this.historySize = historySize;
    }

    private static final class RoomState {
        final String code;
        final Map<UUID, SessionContext> members = new LinkedHashMap<>();
        final ArrayDeque<Map<String, Object>> recent = new ArrayDeque<>();
        long lastId;
        boolean loaded;
        boolean closed;

        RoomState(String code) {
            this.code = code;
        }
    }

    /**
     * What a join returned.
     *
     * @param room     room code
     * @param messages history sent, oldest first
     * @param replay   true when {@code messages} are exactly those after the client's last id
     * @param users    presence after the join
     */
    public record JoinResult(String room, List<Map<String, Object>> messages, boolean replay,
                             List<Map<String, Object>> users) {
    }

    /**
     * Adds a socket to a room, sends it {@code history}, tells the others ({@code user_joined} when this is
     * the user's first socket there) and everyone the new presence. Blocking (database): serial executor only.
     *
     * @param afterId the client's last seen message id for a replay, or null for the newest history
     * @throws ChatException {@code username_taken} when another user in the room has this name
     */
    public JoinResult join(SessionContext ctx, String code, Long afterId) {
        List<MessageRow> replayRows = afterId == null ? null : messages.after(code, afterId, REPLAY_MAX + 1);
        Map<Long, List<dev.chatserver.store.ReactionDao.Reaction>> replayReactions =
                replayRows == null ? Map.of() : reactionsByMessage(code, replayRows); // outside the monitor
        Identity me = ctx.identity();
        while (true) {
            RoomState st = rooms.computeIfAbsent(code, RoomState::new);
            synchronized (st) {
                if (st.closed) {
                    continue;
                }
                if (!st.loaded) {
                    List<MessageRow> latest = messages.latest(code, historySize);
                    Map<Long, List<dev.chatserver.store.ReactionDao.Reaction>> byMessage = reactionsByMessage(code, latest);
                    for (MessageRow r : latest) {
                        remember(st, withReactions(MessagePayloads.message(r), byMessage.get(r.id())));
                    }
                    st.loaded = true;
                }
                boolean firstOfIdentity = true;
                for (SessionContext m : st.members.values()) {
                    Identity other = m.identity();
                    if (other.token().equals(me.token())) {
                        firstOfIdentity = false;
                    } else if (other.username().equalsIgnoreCase(me.username())) {
                        throw new ChatException("username_taken", "the name " + me.username() + " is already used in this room", 409);
                    }
                }
                st.members.put(ctx.sessionId(), ctx);
                ctx.joined(code);

                List<Map<String, Object>> history;
                boolean replay = replayRows != null && replayRows.size() <= REPLAY_MAX;
                if (replay) {
                    history = new ArrayList<>();
                    long upTo = afterId;
                    for (MessageRow r : replayRows) {
                        if (r.id() <= st.lastId) { // later ones are not broadcast yet: they come live
                            history.add(withReactions(MessagePayloads.message(r), replayReactions.get(r.id())));
                            upTo = r.id();
                        }
                    }
                    for (Map<String, Object> p : st.recent) {
                        if ((Long) p.get("id") > upTo) {
                            history.add(p);
                        }
                    }
                } else {
                    history = new ArrayList<>(st.recent);
                }
                Map<String, Object> h = new LinkedHashMap<>();
                h.put("room", code);
                h.put("messages", history);
                h.put("replay", replay);
                ctx.client().sendEvent("history", h);

                List<Map<String, Object>> users = users(st);
                if (firstOfIdentity) {
                    broadcaster.send(others(st, me.token()), Outbound.USER_JOINED, notice(code, me, users));
                }
                broadcaster.send(st.members.values(), Outbound.PRESENCE, presence(code, users));
                return new JoinResult(code, history, replay, users);
            }
        }
    }

    /**
     * Removes a socket from a room; {@code user_left} to the others when it was the user's last socket there.
     * @return false when the socket was not in the room
     */
    public boolean leave(SessionContext ctx, String code) {
        RoomState st = rooms.get(code);
        ctx.left(code);
        if (st == null) {
            return false;
        }
        synchronized (st) {
            if (st.members.remove(ctx.sessionId()) == null) {
                return false;
            }
            Identity me = ctx.identity();
            List<Map<String, Object>> users = users(st);
            boolean lastOfIdentity = st.members.values().stream().noneMatch(m -> m.identity().token().equals(me.token()));
            if (lastOfIdentity) {
                broadcaster.send(others(st, me.token()), Outbound.USER_LEFT, notice(code, me, users));
            }
            broadcaster.send(st.members.values(), Outbound.PRESENCE, presence(code, users));
            if (st.members.isEmpty()) {
                close(st);
            }
            return true;
        }
    }

    /**
     * Fans out a committed message to its room, once per socket. Call in id order from one thread.
     * Messages already sent as history (id at or below the room's last id) are skipped.
     * @return the payload sent
     */
    public Map<String, Object> broadcast(MessageRow row) {
        Map<String, Object> payload = MessagePayloads.message(row);
        RoomState st = rooms.get(row.room());
        if (st == null) {
            return payload;
        }
        synchronized (st) {
            if (st.closed || !st.loaded || row.id() <= st.lastId) {
                return payload;
            }
            remember(st, payload);
            broadcaster.send(notBlocking(st, row.token()), Outbound.CHAT_MESSAGE, payload);
        }
        return payload;
    }

    /**
     * Tells a room about a change to one of its messages or polls (edit, deletion, reaction, poll results, read
     * receipt) and merges {@code patch} into the in-memory copy of that message, all under the room's monitor:
     * a socket joining meanwhile gets either the old history and then the event, or the new history.
     * Nothing happens when nobody is online in the room (the database already holds the change).
     *
     * @param messageId  message whose in-memory copy gets {@code patch} merged in, or null
     * @param patch      keys to replace in that copy (a new map replaces the old one; sent maps are never changed)
     * @param actorToken whose action it is: members who blocked it do not get the event; null: everyone
     */
    public void roomEvent(String code, Long messageId, Map<String, Object> patch, Outbound event,
                          Map<String, Object> payload, String actorToken) {
        RoomState st = rooms.get(code);
        if (st == null) {
            return;
        }
        synchronized (st) {
            if (st.closed) {
                return;
            }
            if (messageId != null && patch != null && !patch.isEmpty()) {
                ArrayDeque<Map<String, Object>> copy = new ArrayDeque<>(st.recent.size());
                for (Map<String, Object> m : st.recent) {
                    if (messageId.equals(m.get("id"))) {
                        Map<String, Object> changed = new LinkedHashMap<>(m);
                        changed.putAll(patch);
                        copy.addLast(changed);
                    } else {
                        copy.addLast(m);
                    }
                }
                st.recent.clear();
                st.recent.addAll(copy);
            }
            broadcaster.send(actorToken == null ? st.members.values() : notBlocking(st, actorToken), event, payload);
        }
    }

    /**
     * Removes every socket of an identity from a room (seed 003 kick) and tells the room, the kicked sockets
     * included, {@code user_kicked {kicked_user_id, message, room}}.
     * @return sockets removed
     */
    public int kick(String code, String targetPublicToken, String message) {
        RoomState st = rooms.get(code);
        if (st == null) {
            return 0;
        }
        synchronized (st) {
            List<SessionContext> kicked = st.members.values().stream()
                    .filter(m -> m.identity().publicToken().equals(targetPublicToken)).toList();
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("room", code);
            p.put("kicked_user_id", targetPublicToken);
            p.put("message", message);
            for (SessionContext m : st.members.values()) {
                m.client().sendEvent("user_kicked", p);
            }
            for (SessionContext k : kicked) {
                st.members.remove(k.sessionId());
                k.left(code);
            }
            if (!kicked.isEmpty()) {
                broadcaster.send(st.members.values(), Outbound.PRESENCE, presence(code, users(st)));
            }
            if (st.members.isEmpty()) {
                close(st);
            }
            return kicked.size();
        }
    }

    /** Tells every socket of a deleted room {@code room_deleted {room, message}} and removes them all. */
    public void deleteRoom(String code, String message) {
        RoomState st = rooms.get(code);
        if (st == null) {
            return;
        }
        synchronized (st) {
            for (SessionContext m : st.members.values()) {
                m.client().sendEvent("room_deleted", Map.of("room", code, "message", message));
                m.left(code);
            }
            st.members.clear();
            close(st);
        }
    }

    /** {@code user_typing} (or 004's {@code typing}/{@code stop_typing}) to the other users of the room. */
    public void typing(SessionContext ctx, String code, boolean typing) {
        RoomState st = rooms.get(code);
        if (st == null) {
            return;
        }
        Identity me = ctx.identity();
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("room", code);
        p.put("username", me.username());
        p.put("user_id", me.publicToken());
        p.put("typing", typing);
        synchronized (st) {
            List<SessionContext> to = others(st, me.token()).stream().filter(m -> !blocks.blocks(m.identity().token(), me.token())).toList();
            broadcaster.send(to, typing ? Outbound.TYPING : Outbound.STOP_TYPING, p);
        }
    }

    /**
     * Checks that a name is free in every room of a socket.
     * @throws ChatException {@code username_taken}
     */
    public void checkNameFree(SessionContext ctx, String name) {
        for (String code : ctx.rooms()) {
            RoomState st = rooms.get(code);
            if (st == null) {
                continue;
            }
            synchronized (st) {
                for (SessionContext m : st.members.values()) {
                    Identity other = m.identity();
                    if (!other.token().equals(ctx.identity().token()) && other.username().equalsIgnoreCase(name)) {
                        throw new ChatException("username_taken", "the name " + name + " is already used in room " + code, 409);
                    }
                }
            }
        }
    }

    /** Sends fresh presence to every room of the socket (after a rename). */
    public void presenceChanged(SessionContext ctx) {
        for (String code : ctx.rooms()) {
            RoomState st = rooms.get(code);
            if (st == null) {
                continue;
            }
            synchronized (st) {
                broadcaster.send(st.members.values(), Outbound.PRESENCE, presence(code, users(st)));
            }
        }
    }

    /** Whether the socket is in the room. */
    public boolean isMember(SessionContext ctx, String code) {
        RoomState st = rooms.get(code);
        if (st == null) {
            return false;
        }
        synchronized (st) {
            return st.members.containsKey(ctx.sessionId());
        }
    }

    /**
     * Drops deleted messages (the retention job's) from a room's in-memory history, so later joins are not sent
     * them. Does nothing for a room not in memory (its history is read from the database on the next join).
     *
     * @param ids ids of messages deleted from the database
     */
    public void forget(String code, java.util.Set<Long> ids) {
        RoomState st = rooms.get(code);
        if (st == null) {
            return;
        }
        synchronized (st) {
            st.recent.removeIf(p -> p.get("id") instanceof Number n && ids.contains(n.longValue()));
        }
    }

    /** Rooms in memory (with someone online). */
    public int activeRooms() {
        return rooms.size();
    }

    /** Online sockets of a room (0 when not in memory). */
    public int memberCount(String code) {
        RoomState st = rooms.get(code);
        if (st == null) {
            return 0;
        }
        synchronized (st) {
            return st.members.size();
        }
    }

    /** Reactions of these rows (oldest first), by message id; empty without a reaction store. */
    private Map<Long, List<dev.chatserver.store.ReactionDao.Reaction>> reactionsByMessage(String code, List<MessageRow> rows) {
        Map<Long, List<dev.chatserver.store.ReactionDao.Reaction>> byMessage = new java.util.HashMap<>();
        if (reactions != null && !rows.isEmpty()) {
            for (var r : reactions.ofRoom(code, rows.get(0).id())) {
                byMessage.computeIfAbsent(r.messageId(), k -> new ArrayList<>()).add(r);
            }
        }
        return byMessage;
    }

    private static Map<String, Object> withReactions(Map<String, Object> payload,
                                                     List<dev.chatserver.store.ReactionDao.Reaction> rs) {
        if (rs != null) {
            payload.put("reactions", MessagePayloads.reactions(rs));
        }
        return payload;
    }

    private void remember(RoomState st, Map<String, Object> payload) {
        st.recent.addLast(payload);
        while (st.recent.size() > historySize) {
            st.recent.removeFirst();
        }
        st.lastId = Math.max(st.lastId, (Long) payload.get("id"));
    }

    private void close(RoomState st) {
        st.closed = true;
        rooms.remove(st.code, st);
    }

    /** Members who did not block the sender (seed 001 blocking). */
    private java.util.Collection<SessionContext> notBlocking(RoomState st, String senderToken) {
        boolean anyBlock = st.members.values().stream().anyMatch(m -> blocks.blocks(m.identity().token(), senderToken));
        return anyBlock ? st.members.values().stream().filter(m -> !blocks.blocks(m.identity().token(), senderToken)).toList()
                : st.members.values();
    }

    private static List<SessionContext> others(RoomState st, String token) {
        Predicate<SessionContext> other = m -> !m.identity().token().equals(token);
        return st.members.values().stream().filter(other).toList();
    }

    private static List<Map<String, Object>> users(RoomState st) {
        Map<String, Map<String, Object>> byToken = new LinkedHashMap<>();
        for (SessionContext m : st.members.values()) {
            byToken.putIfAbsent(m.identity().token(), MessagePayloads.user(m.identity()));
        }
        return new ArrayList<>(byToken.values());
    }

    private Map<String, Object> notice(String code, Identity who, List<Map<String, Object>> users) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("room", code);
        p.put("username", who.username());
        p.put("user_id", who.publicToken());
        p.put("public_token", who.publicToken());
        p.put("timestamp", Instant.ofEpochMilli(clock.millis()).toString());
        p.put("users", users);
        return p;
    }

    private static Map<String, Object> presence(String code, List<Map<String, Object>> users) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("room", code);
        p.put("users", users);
        return p;
    }
}
