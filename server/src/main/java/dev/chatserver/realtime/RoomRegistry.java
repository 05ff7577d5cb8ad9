package dev.chatserver.realtime;

import dev.chatserver.chat.Identity;
import dev.chatserver.cluster.ClusterBus;
import dev.chatserver.common.ChatException;
import dev.chatserver.store.MessageDao;
import dev.chatserver.store.MessageRow;
import java.time.Clock;
import java.time.Instant;
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
 * <p>Ordering: each room has a monitor. Broadcasts of committed messages and joins take it, so a joining socket
 * gets its history and then exactly the messages after it, with no gap and no duplicate, even while messages flow.
 *
 * <p>Several nodes (issue #11): messages committed on other nodes arrive through the {@link ClusterBus}, so a room's
 * ids can arrive out of id order (A commits 10, B commits 11, B's arrives first). Nothing is skipped for being older
 * than the newest seen: duplicates are recognised by a bounded set of the room's recently delivered ids, the
 * in-memory history is kept sorted by id, and a joining socket that got a not yet delivered message from the
 * database in its history is skipped when that message arrives live. Member lists of the other nodes are kept per
 * room ({@code members} events), so presence, {@code user_joined}/{@code user_left} and name checks see every node.
 */
public final class RoomRegistry {
    /** Most messages replayed to a reconnecting socket; beyond it the socket gets a fresh history. */
    public static final int REPLAY_MAX = 1000;

    /** Delivered ids a room remembers for duplicate detection (at least; 4 x the history size if larger). */
    static final int SEEN_MIN = 1024;

    private final Map<String, RoomState> rooms = new ConcurrentHashMap<>();
    private volatile ClusterBus bus = ClusterBus.LOCAL;
    /**
     * The other nodes' users by room and node id, for every room of the cluster (rooms not held here too, so a
     * room loaded later knows them). Changed only by the cluster's receiving thread; read under a room's monitor.
     */
    private final Map<String, Map<String, List<Map<String, Object>>>> remote = new ConcurrentHashMap<>();
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

    /** Joins the cluster: room changes are published on {@code bus}. Call once before the server starts. */
    public void cluster(ClusterBus clusterBus) {
        this.bus = clusterBus;
    }

    private final class RoomState {
        final String code;
        final Map<UUID, SessionContext> members = new LinkedHashMap<>();
        /** The newest {@code historySize} messages by id (payloads are never changed once sent). */
        final java.util.TreeMap<Long, Map<String, Object>> recent = new java.util.TreeMap<>();
        /**
         * {@link #recent} as one serialised JSON array, shared by every join's {@code history} event and ack until
         * it changes (null: changed since, encode again). Set to null by every change of {@link #recent}.
         */
        com.fasterxml.jackson.databind.util.RawValue recentJson;
        /** Ids delivered here (or loaded), oldest first, bounded. */
        final java.util.LinkedHashSet<Long> seen = new java.util.LinkedHashSet<>();
        /** Per joining socket: ids it got in its history from the database before they were delivered here. */
        final Map<UUID, java.util.Set<Long>> preSent = new java.util.HashMap<>();
        boolean loaded;
        boolean closed;

        RoomState(String code) {
            this.code = code;
        }

        /** @return false when {@code id} was delivered already */
        boolean markSeen(long id) {
            if (!seen.add(id)) {
                return false;
            }
            int cap = Math.max(SEEN_MIN, 4 * historySize);
            if (seen.size() > cap) {
                var it = seen.iterator();
                it.next();
                it.remove();
            }
            return true;
        }
    }

    /**
     * What a join returned.
     *
     * @param room     room code
     * @param messages        history sent, oldest first
     * @param messagesJson    {@code messages} already serialised (the room's shared copy), or null (a replay):
     *                        put this in payloads rather than encoding the list again
     * @param replay          true when {@code messages} are exactly those after the client's last id
     * @param users           presence after the join
     */
    public record JoinResult(String room, List<Map<String, Object>> messages,
                             com.fasterxml.jackson.databind.util.RawValue messagesJson, boolean replay,
                             List<Map<String, Object>> users) {
        /** What to put in a payload for {@code messages}: the shared serialised copy when there is one. */
        public Object messagesForPayload() {
            return messagesJson != null ? messagesJson : messages;
        }
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
                        st.markSeen(r.id());
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
                for (List<Map<String, Object>> users : remoteOf(code).values()) {
                    for (Map<String, Object> u : users) {
                        if (me.publicToken().equals(u.get("public_token"))) {
                            firstOfIdentity = false;
                        } else if (me.username().equalsIgnoreCase(String.valueOf(u.get("username")))) {
                            throw new ChatException("username_taken", "the name " + me.username() + " is already used in this room", 409);
                        }
                    }
                }
                st.members.put(ctx.sessionId(), ctx);
                ctx.joined(code);

                List<Map<String, Object>> history;
                com.fasterxml.jackson.databind.util.RawValue encoded = null;
                boolean replay = replayRows != null && replayRows.size() <= REPLAY_MAX;
                if (replay) {
                    // the database's rows after the client's last id, then what arrived here since that read;
                    // rows not delivered here yet are marked so that their live copy skips this socket
                    Map<Long, Map<String, Object>> byId = new java.util.TreeMap<>();
                    java.util.Set<Long> early = new java.util.HashSet<>();
                    for (MessageRow r : replayRows) {
                        byId.put(r.id(), withReactions(MessagePayloads.message(r), replayReactions.get(r.id())));
                        if (!st.seen.contains(r.id())) {
                            early.add(r.id());
                        }
                    }
                    for (Map<String, Object> p : st.recent.tailMap(afterId, false).values()) {
                        byId.putIfAbsent(id(p), p);
                    }
                    history = new ArrayList<>(byId.values());
                    if (!early.isEmpty()) {
                        st.preSent.put(ctx.sessionId(), early);
                    }
                } else {
                    history = new ArrayList<>(st.recent.values());
                    if (st.recentJson == null) {
                        st.recentJson = LocalBroadcaster.raw(history);
                    }
                    encoded = st.recentJson;
                }
                Map<String, Object> h = new LinkedHashMap<>();
                h.put("room", code);
                h.put("messages", encoded != null ? encoded : history);
                h.put("replay", replay);
                ctx.client().sendEvent("history", h);

                List<Map<String, Object>> users = users(st);
                Map<String, Object> notice = firstOfIdentity ? notice(code, me, users) : null;
                if (notice != null) {
                    broadcaster.send(others(st, me.token()), Outbound.USER_JOINED, notice);
                }
                broadcaster.send(st.members.values(), Outbound.PRESENCE, presence(code, users));
                publishMembers(st, notice == null ? null : Outbound.USER_JOINED, notice, me);
                return new JoinResult(code, history, encoded, replay, users);
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
            st.preSent.remove(ctx.sessionId());
            Identity me = ctx.identity();
            List<Map<String, Object>> users = users(st);
            boolean lastOfIdentity = users.stream().noneMatch(u -> me.publicToken().equals(u.get("public_token")));
            Map<String, Object> notice = lastOfIdentity ? notice(code, me, users) : null;
            if (notice != null) {
                broadcaster.send(others(st, me.token()), Outbound.USER_LEFT, notice);
            }
            broadcaster.send(st.members.values(), Outbound.PRESENCE, presence(code, users));
            publishMembers(st, notice == null ? null : Outbound.USER_LEFT, notice, me);
            if (st.members.isEmpty()) {
                close(st);
            }
            return true;
        }
    }

    /**
     * A message committed on this node: fans it out here (see {@link #deliver}) and publishes it to the other nodes.
     * Call in id order from one thread (the writer's commit listener).
     * @return the payload sent
     */
    public Map<String, Object> broadcast(MessageRow row) {
        Map<String, Object> payload = deliver(row);
        if (bus.enabled() && !row.room().startsWith(RichCommands.DM_PREFIX)) {
            bus.publish("msg", Map.of("row", row));
        }
        return payload;
    }

    /**
     * Fans out a committed message to this node's members of its room, once per socket; a message delivered here
     * already (by id) is skipped, whatever its order. Used for this node's commits and for other nodes' ones.
     * @return the payload sent
     */
    public Map<String, Object> deliver(MessageRow row) {
        Map<String, Object> payload = MessagePayloads.message(row);
        RoomState st = rooms.get(row.room());
        if (st == null) {
            return payload;
        }
        synchronized (st) {
            if (st.closed || !st.loaded || !st.markSeen(row.id())) {
                return payload; // not loaded: the loading join reads it from the database
            }
            remember(st, payload);
            java.util.Collection<SessionContext> to = notBlocking(st, row.token());
            if (!st.preSent.isEmpty()) {
                List<SessionContext> filtered = new ArrayList<>(to.size());
                for (SessionContext m : to) {
                    java.util.Set<Long> early = st.preSent.get(m.sessionId());
                    if (early != null && early.remove(row.id())) {
                        if (early.isEmpty()) {
                            st.preSent.remove(m.sessionId());
                        }
                        continue; // it had this one in its join history
                    }
                    filtered.add(m);
                }
                to = filtered;
            }
            broadcaster.send(to, Outbound.CHAT_MESSAGE, payload);
        }
        return payload;
    }

    /**
     * Delivers, in id order, the messages of every room held here that the database has and this node did not
     * deliver (those committed on other nodes while the bus was down, or by a node that died before publishing).
     * Blocking (database): call off the event loops.
     *
     * @return messages delivered
     */
    public int catchUp() {
        int n = 0;
        for (RoomState st : List.copyOf(rooms.values())) {
            long from;
            synchronized (st) {
                if (st.closed || !st.loaded) {
                    continue;
                }
                from = st.recent.isEmpty() ? 0 : st.recent.firstKey();
            }
            for (MessageRow r : messages.after(st.code, from, REPLAY_MAX)) {
                boolean fresh;
                synchronized (st) {
                    fresh = !st.seen.contains(r.id());
                }
                if (fresh) {
                    deliver(r);
                    n++;
                }
            }
        }
        return n;
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
        roomEventHere(code, messageId, patch, event, payload, actorToken);
        if (bus.enabled()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("room", code);
            e.put("message_id", messageId);
            e.put("patch", patch);
            e.put("event", event.name());
            e.put("payload", payload);
            e.put("actor", actorToken);
            bus.publish("room_event", e);
        }
    }

    /** {@link #roomEvent} for this node's members only (an event from another node). */
    public void roomEventHere(String code, Long messageId, Map<String, Object> patch, Outbound event,
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
                Map<String, Object> m = st.recent.get(messageId);
                if (m != null) {
                    Map<String, Object> changed = new LinkedHashMap<>(m);
                    changed.putAll(patch);
                    st.recent.put(messageId, changed);
                    st.recentJson = null;
                }
            }
            broadcaster.send(actorToken == null ? st.members.values() : notBlocking(st, actorToken), event, payload);
        }
    }

    /**
     * Removes every socket of an identity from a room (seed 003 kick) and tells the room, the kicked sockets
     * included, {@code user_kicked {kicked_user_id, message, room}}, on every node.
     * @return sockets removed on this node
     */
    public int kick(String code, String targetPublicToken, String message) {
        if (bus.enabled()) {
            bus.publish("room_kick", Map.of("room", code, "target", targetPublicToken, "message", message));
        }
        return kickHere(code, targetPublicToken, message);
    }

    /** {@link #kick} on this node only. @return sockets removed */
    public int kickHere(String code, String targetPublicToken, String message) {
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
                st.preSent.remove(k.sessionId());
                k.left(code);
            }
            if (!kicked.isEmpty()) {
                broadcaster.send(st.members.values(), Outbound.PRESENCE, presence(code, users(st)));
                publishMembers(st, null, null, null);
            }
            if (st.members.isEmpty()) {
                close(st);
            }
            return kicked.size();
        }
    }

    /** Tells every socket of a deleted room, on every node, {@code room_deleted {room, message}} and removes them all. */
    public void deleteRoom(String code, String message) {
        if (bus.enabled()) {
            bus.publish("room_deleted", Map.of("room", code, "message", message));
        }
        deleteRoomHere(code, message);
    }

    /** {@link #deleteRoom} on this node only. */
    public void deleteRoomHere(String code, String message) {
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

    /** {@code user_typing} (or 004's {@code typing}/{@code stop_typing}) to the other users of the room, on every node. */
    public void typing(SessionContext ctx, String code, boolean typing) {
        Identity me = ctx.identity();
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("room", code);
        p.put("username", me.username());
        p.put("user_id", me.publicToken());
        p.put("typing", typing);
        typingHere(code, me.token(), p, typing);
        if (bus.enabled()) {
            bus.publish("typing", Map.of("room", code, "token", me.token(), "payload", p, "typing", typing));
        }
    }

    /** Typing of {@code token} to this node's other members of the room that did not block it. */
    public void typingHere(String code, String token, Map<String, Object> payload, boolean typing) {
        RoomState st = rooms.get(code);
        if (st == null) {
            return;
        }
        synchronized (st) {
            List<SessionContext> to = others(st, token).stream().filter(m -> !blocks.blocks(m.identity().token(), token)).toList();
            broadcaster.send(to, typing ? Outbound.TYPING : Outbound.STOP_TYPING, payload);
        }
    }

    /**
     * Another node's users of a room changed: remembers them, tells this node's members the new presence and,
     * when given, a {@code user_joined}/{@code user_left} notice (not to the sockets of that user).
     *
     * @param node        the other node
     * @param users       its users in the room now (empty: none)
     * @param event       {@link Outbound#USER_JOINED}, {@link Outbound#USER_LEFT} or null
     * @param notice      the notice payload, or null
     * @param publicToken whose notice it is (its sockets here do not get it)
     */
    public void remoteMembers(String node, String code, List<Map<String, Object>> users, Outbound event,
                              Map<String, Object> notice, String publicToken) {
        RoomState st = rooms.get(code);
        if (st == null) {
            setRemote(code, node, users);
            return;
        }
        synchronized (st) {
            List<Map<String, Object>> before = remoteOf(code).get(node);
            setRemote(code, node, users);
            if (st.closed || !st.loaded) {
                return;
            }
            if (event != null && notice != null) {
                List<SessionContext> to = st.members.values().stream()
                        .filter(m -> !m.identity().publicToken().equals(publicToken)).toList();
                broadcaster.send(to, event, notice);
            }
            if (event != null || !users.equals(before)) {
                broadcaster.send(st.members.values(), Outbound.PRESENCE, presence(code, users(st)));
            }
        }
    }

    private void setRemote(String code, String node, List<Map<String, Object>> users) {
        if (users.isEmpty()) {
            remote.computeIfPresent(code, (k, byNode) -> {
                byNode.remove(node);
                return byNode.isEmpty() ? null : byNode;
            });
        } else {
            remote.computeIfAbsent(code, k -> new ConcurrentHashMap<>()).put(node, users);
        }
    }

    private Map<String, List<Map<String, Object>>> remoteOf(String code) {
        return remote.getOrDefault(code, Map.of());
    }

    /**
     * Other nodes went away (their users leave every room, with {@code user_left} here for identities no longer
     * present on any node) and others appeared (their users are read from their live snapshots, unless their
     * {@code members} events came first).
     *
     * @param gone     node ids that stopped
     * @param appeared snapshots {@code {node, sessions: [{rooms, username, public_token}]}} of new nodes
     */
    public void nodesChanged(List<String> gone, List<Map<String, Object>> appeared) {
        java.util.Set<String> codes = new java.util.HashSet<>(remote.keySet());
        Map<String, Map<String, List<Map<String, Object>>>> added = new java.util.HashMap<>();
        for (Map<String, Object> snap : appeared) {
            String node = String.valueOf(snap.get("node"));
            if (snap.get("sessions") instanceof List<?> list) {
                for (Object o : list) {
                    if (o instanceof Map<?, ?> sm && sm.get("rooms") instanceof List<?> in) {
                        for (Object r : in) {
                            String code = String.valueOf(r);
                            added.computeIfAbsent(code, k -> new LinkedHashMap<>()).computeIfAbsent(node, k -> usersIn(snap, code));
                        }
                    }
                }
            }
        }
        codes.addAll(added.keySet());
        for (String code : codes) {
            RoomState st = rooms.get(code);
            Runnable update = () -> {
                for (String g : gone) {
                    setRemote(code, g, List.of());
                }
                added.getOrDefault(code, Map.of()).forEach((node, users) -> {
                    if (!remoteOf(code).containsKey(node)) {
                        setRemote(code, node, users);
                    }
                });
            };
            if (st == null) {
                update.run();
                continue;
            }
            synchronized (st) {
                List<Map<String, Object>> before = users(st);
                update.run();
                if (st.closed || !st.loaded) {
                    continue;
                }
                List<Map<String, Object>> after = users(st);
                if (after.equals(before)) {
                    continue;
                }
                for (Map<String, Object> u : before) {
                    if (after.stream().noneMatch(x -> x.get("public_token").equals(u.get("public_token")))) {
                        Map<String, Object> p = new LinkedHashMap<>(u);
                        p.put("room", code);
                        p.put("timestamp", Instant.ofEpochMilli(clock.millis()).toString());
                        p.put("users", after);
                        broadcaster.send(st.members.values(), Outbound.USER_LEFT, p);
                    }
                }
                broadcaster.send(st.members.values(), Outbound.PRESENCE, presence(code, after));
            }
        }
    }

    /** Publishes this node's users of every room held here (after the bus came back). */
    public void republishMembers() {
        for (RoomState st : List.copyOf(rooms.values())) {
            synchronized (st) {
                if (!st.closed && st.loaded) {
                    publishMembers(st, null, null, null);
                }
            }
        }
    }

    /** The users of a room in a node's live snapshot (sessions with {@code rooms, username, public_token}). */
    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> usersIn(Map<String, Object> snapshot, String code) {
        Map<String, Map<String, Object>> byToken = new LinkedHashMap<>();
        Object sessions = snapshot.get("sessions");
        if (sessions instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> s && s.get("rooms") instanceof List<?> in && in.contains(code)
                        && s.get("public_token") instanceof String pt) {
                    Map<String, Object> u = new LinkedHashMap<>();
                    u.put("username", s.get("username"));
                    u.put("user_id", pt);
                    u.put("public_token", pt);
                    byToken.putIfAbsent(pt, u);
                }
            }
        }
        return new ArrayList<>(byToken.values());
    }

    private void publishMembers(RoomState st, Outbound event, Map<String, Object> notice, Identity who) {
        if (!bus.enabled()) {
            return;
        }
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("room", st.code);
        e.put("users", localUsers(st));
        e.put("event", event == null ? null : event.name());
        e.put("notice", notice);
        e.put("public_token", who == null ? null : who.publicToken());
        bus.publish("members", e);
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
                for (List<Map<String, Object>> users : remoteOf(code).values()) {
                    for (Map<String, Object> u : users) {
                        if (!ctx.identity().publicToken().equals(u.get("public_token"))
                                && name.equalsIgnoreCase(String.valueOf(u.get("username")))) {
                            throw new ChatException("username_taken", "the name " + name + " is already used in room " + code, 409);
                        }
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
                publishMembers(st, null, null, null);
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
            if (st.recent.keySet().removeAll(ids)) {
                st.recentJson = null;
            }
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

    /** Adds a payload to the room's history, in id order, keeping the newest {@code historySize}. */
    private void remember(RoomState st, Map<String, Object> payload) {
        st.recent.put(id(payload), payload);
        st.recentJson = null;
        while (st.recent.size() > historySize) {
            st.recent.pollFirstEntry();
        }
    }

    private static long id(Map<String, Object> payload) {
        return ((Number) payload.get("id")).longValue();
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

    /** The room's users on every node, one entry per identity: this node's first, in join order. */
    private List<Map<String, Object>> users(RoomState st) {
        Map<String, Map<String, Object>> byToken = new LinkedHashMap<>();
        for (Map<String, Object> u : localUsers(st)) {
            byToken.putIfAbsent((String) u.get("public_token"), u);
        }
        for (List<Map<String, Object>> users : remoteOf(st.code).values()) {
            for (Map<String, Object> u : users) {
                byToken.putIfAbsent((String) u.get("public_token"), u);
            }
        }
        return new ArrayList<>(byToken.values());
    }

    /** This node's users of the room, one per identity, in join order. */
    private static List<Map<String, Object>> localUsers(RoomState st) {
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
