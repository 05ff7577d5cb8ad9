package dev.chatserver.realtime;

import static dev.chatserver.realtime.ChatCommands.firstText;
import static dev.chatserver.realtime.ChatCommands.optLong;
import static dev.chatserver.realtime.ChatCommands.optText;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chatserver.chat.BlockService;
import dev.chatserver.chat.Identity;
import dev.chatserver.chat.IdentityService;
import dev.chatserver.common.ChatException;
import dev.chatserver.polls.PollService;
import dev.chatserver.rooms.RoomAccess;
import dev.chatserver.security.RateLimiter;
import dev.chatserver.store.ConversationDao;
import dev.chatserver.store.MessageDao;
import dev.chatserver.store.MessageEditDao;
import dev.chatserver.store.MessageRow;
import dev.chatserver.store.MessageWriter;
import dev.chatserver.store.PollDao.PollRow;
import dev.chatserver.store.ReactionDao;
import dev.chatserver.store.ReadMarkDao;
import dev.chatserver.store.RoomDao;
import dev.chatserver.store.RoomRow;
import dev.chatserver.store.TokenDao;
import dev.chatserver.store.TokenRow;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The rich chat commands of issue #7: private messages, reactions, polls, edits and deletions, read receipts and
 * presence status. Runs on the socket's serial executor (blocking allowed); each method returns the ack
 * {@code data} or throws {@link ChatException}. Room fan-out goes through {@link RoomRegistry#roomEvent}; a
 * private conversation ({@code dm:<publicA>:<publicB>}, a private room whose two members are its identities)
 * fans out to every live socket of both identities.
 *
 * <p>Changes whose broadcast carries state read back from the database (reaction counts, poll results) run
 * write + read + broadcast under one lock per message/poll, so the last event a client gets is the latest state.
 */
public final class RichCommands {
    /** Prefix of private conversation keys (stored as private rooms). */
    public static final String DM_PREFIX = "dm:";
    /** Longest emoji (or short reaction text), UTF-16 chars. */
    public static final int EMOJI_MAX = 16;
    /** Newest polls sent with a join (each costs a few queries). */
    public static final int JOIN_POLLS = 5;
    /** Newest polls answered to {@code list_polls}. */
    public static final int LIST_POLLS = 20;

    private final RoomRegistry rooms;
    private final SessionRegistry sessions;
    private final MessageWriter writer;
    private final Executor blocking;
    private final Clock clock;
    private final int messageMaxChars;
    private final RateLimiter limiter;
    private final int messagesPerMinute;
    private final RoomAccess access;
    private final BlockService blocks;
    private final IdentityService identities;
    private final MessageDao messages;
    private final MessageEditDao edits;
    private final ReactionDao reactions;
    private final ReadMarkDao marks;
    private final ConversationDao conversations;
    private final RoomDao roomDao;
    private final TokenDao tokens;
    private final PollService polls;
    private final Set<String> knownDms = ConcurrentHashMap.newKeySet();
    private final Map<String, String> away = new ConcurrentHashMap<>();
    private final Map<String, Long> lastSeen = new ConcurrentHashMap<>();
    private final Object[] stripes = new Object[64];
    private volatile dev.chatserver.cluster.ClusterBus bus = dev.chatserver.cluster.ClusterBus.LOCAL;

    /** The collaborators: see {@link ChatCommands}; {@code blocking} runs timed poll closings. */
    public RichCommands(RoomRegistry rooms, SessionRegistry sessions, MessageWriter writer,
                        Executor blocking, Clock clock, int messageMaxChars, RateLimiter limiter, int messagesPerMinute,
                        RoomAccess access, BlockService blocks, IdentityService identities, org.jdbi.v3.core.Jdbi jdbi,
                        PollService polls) {
        this.rooms = rooms;
        this.sessions = sessions;
        this.writer = writer;
        this.blocking = blocking;
        this.clock = clock;
        this.messageMaxChars = messageMaxChars;
        this.limiter = limiter;
        this.messagesPerMinute = messagesPerMinute;
        this.access = access;
        this.blocks = blocks;
        this.identities = identities;
        this.messages = jdbi.onDemand(MessageDao.class);
        this.edits = jdbi.onDemand(MessageEditDao.class);
        this.reactions = jdbi.onDemand(ReactionDao.class);
        this.marks = jdbi.onDemand(ReadMarkDao.class);
        this.conversations = jdbi.onDemand(ConversationDao.class);
        this.roomDao = jdbi.onDemand(RoomDao.class);
        this.tokens = jdbi.onDemand(TokenDao.class);
        this.polls = polls;
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new Object();
        }
    }

    /** Joins the cluster: private messages and conversation events reach the identities' sockets on every node. */
    public void cluster(dev.chatserver.cluster.ClusterBus clusterBus) {
        this.bus = clusterBus;
    }

    /** Runs one of the rich commands. @throws ChatException for a refused command */
    public CompletableFuture<Map<String, Object>> run(SessionContext ctx, Command command, JsonNode p) {
        return switch (command) {
            case PRIVATE_MESSAGE -> privateMessage(ctx, p);
            case LIST_CONVERSATIONS -> done(listConversations(ctx));
            case DM_HISTORY -> done(dmHistory(ctx, p));
            case ADD_REACTION -> done(react(ctx, p, p != null && p.path("remove").asBoolean(false) ? false : true));
            case REMOVE_REACTION -> done(react(ctx, p, false));
            case EDIT_MESSAGE -> done(edit(ctx, p));
            case DELETE_MESSAGE -> done(delete(ctx, p));
            case CREATE_POLL -> done(createPoll(ctx, p));
            case VOTE_POLL -> done(vote(ctx, p));
            case CLOSE_POLL -> done(closePoll(ctx, p));
            case LIST_POLLS -> done(listPolls(ctx, p));
            case READ -> done(read(ctx, p));
            case SET_PRESENCE -> done(setPresence(ctx, p));
            default -> throw new IllegalArgumentException("not a rich command: " + command);
        };
    }

    private static CompletableFuture<Map<String, Object>> done(Map<String, Object> data) {
        return CompletableFuture.completedFuture(data);
    }

    // ------------------------------------------------------------------ private messages

    /** {@code private_message {to, message}}: stored, then sent to the recipient's and the sender's other sockets. */
    private CompletableFuture<Map<String, Object>> privateMessage(SessionContext ctx, JsonNode p) {
        requireObject(p, "private_message needs {to, message}");
        String toRaw = idText(p, "to", "user_id", "recipient");
        if (toRaw == null) {
            throw ChatException.badRequest("private_message needs {to, message}");
        }
        String text = validText(firstText(p, "message", "text", "msg"));
        Identity me = ctx.identity();
        String recipient = resolveUser(toRaw);
        if (recipient.equals(me.token())) {
            throw ChatException.badRequest("you cannot send a private message to yourself");
        }
        if (blocks.blocks(recipient, me.token())) {
            throw new ChatException("blocked", "this user does not accept your messages", 403);
        }
        long retry = limiter.tryAcquire("msg:" + me.token(), messagesPerMinute, 60_000);
        if (retry > 0) {
            throw ChatException.rateLimited(retry);
        }
        TokenRow other = tokens.find(recipient).orElseThrow(() -> new ChatException("user_not_found", "no such user", 404));
        String key = dmKey(me.publicToken(), other.publicToken());
        ensureConversation(key, me.token(), recipient);
        MessageRow row = new MessageRow(0, key, me.token(), me.publicToken(), me.username(), text, "chat", ctx.ip(), clock.millis());
        // sent in commit order by the writer (a continuation attached here could pass a newer direct message)
        return writer.submit(row, stored -> {
            Map<String, Object> payload = MessagePayloads.message(stored);
            payload.put("private", true);
            payload.put("to_user_id", other.publicToken());
            payload.put("to_username", other.username());
            ClusterRelay.toTokens(bus, sessions, blocks, List.of(recipient, me.token()), ctx, "private_message", payload, null);
            return payload;
        });
    }

    /** {@code list_conversations {}} -> {@code {conversations: [{room, user_id, username, last_id, unread, status}]}}. */
    private Map<String, Object> listConversations(SessionContext ctx) {
        return Map.of("conversations", conversationsOf(ctx.identity().token()));
    }

    /** The conversations of a token (also used by {@code GET /api/conversations}). Blocking. */
    public List<Map<String, Object>> conversationsOf(String token) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ConversationDao.Conversation c : conversations.of(token)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("room", c.room());
            m.put("user_id", c.otherPublic());
            m.put("username", c.otherName());
            m.put("last_id", c.lastId());
            m.put("unread", c.unread());
            m.put("status", statusOf(c.otherToken()));
            out.add(m);
        }
        return out;
    }

    /** {@code dm_history {with, before?, limit?}} -> {@code {room, user_id, username, messages}} (oldest first). */
    private Map<String, Object> dmHistory(SessionContext ctx, JsonNode p) {
        requireObject(p, "dm_history needs {with}");
        String with = idText(p, "with", "user_id", "to");
        if (with == null) {
            throw ChatException.badRequest("dm_history needs {with}");
        }
        String other = resolveUser(with);
        TokenRow o = tokens.find(other).orElseThrow(() -> new ChatException("user_not_found", "no such user", 404));
        String key = dmKey(ctx.identity().publicToken(), o.publicToken());
        Long before = optLong(p, "before");
        Long limit = optLong(p, "limit");
        int n = limit == null ? 50 : (int) Math.max(1, Math.min(200, limit));
        List<Map<String, Object>> list = access.canRead(ctx.identity().token(), key)
                ? messages.before(key, before == null ? Long.MAX_VALUE : before, n).stream().map(MessagePayloads::message).toList()
                : List.of();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("room", key);
        m.put("user_id", o.publicToken());
        m.put("username", o.username());
        m.put("messages", list);
        return m;
    }

    /** {@code dm:<smaller public token>:<larger>}: the same for both sides. */
    public static String dmKey(String publicA, String publicB) {
        return publicA.compareTo(publicB) <= 0 ? DM_PREFIX + publicA + ":" + publicB : DM_PREFIX + publicB + ":" + publicA;
    }

    private void ensureConversation(String key, String a, String b) {
        if (knownDms.contains(key)) {
            return;
        }
        long now = clock.millis();
        roomDao.insertPrivate(new RoomRow(key, "Private messages", null, now));
        roomDao.addMember(key, a, "member", now);
        roomDao.addMember(key, b, "member", now);
        knownDms.add(key);
    }

    /** A public token, an account id, an account name or a chosen anonymous name -> secret token. */
    private String resolveUser(String to) {
        return identities.secretOfPublic(to).or(() -> conversations.tokenOfName(to.strip()))
                .orElseThrow(() -> new ChatException("user_not_found", "no such user", 404));
    }

    // ------------------------------------------------------------------ reactions

    /**
     * {@code add_reaction|react {message_id, emoji}} / {@code remove_reaction {message_id, emoji}}: one reaction per
     * user per emoji; a repeat changes nothing. Everyone in the room gets {@code message_reaction}.
     */
    private Map<String, Object> react(SessionContext ctx, JsonNode p, boolean add) {
        requireObject(p, "reactions need {message_id, emoji}");
        long id = requiredId(p, "message_id", "id");
        String emoji = optText(p, "emoji");
        if (emoji == null || emoji.isBlank() || emoji.length() > EMOJI_MAX || emoji.chars().anyMatch(Character::isISOControl)) {
            throw ChatException.badRequest("emoji must be 1-" + EMOJI_MAX + " characters");
        }
        emoji = emoji.strip();
        MessageRow m = visibleMessage(ctx, id);
        Identity me = ctx.identity();
        synchronized (stripe(id)) {
            int n = add ? reactions.add(id, emoji, me.token(), clock.millis()) : reactions.remove(id, emoji, me.token());
            Map<String, Object> r = MessagePayloads.reactions(reactions.of(id));
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("message_id", id);
            payload.put("room", m.room());
            payload.put("emoji", emoji);
            payload.put("action", add ? "add" : "remove");
            payload.put("user_id", me.publicToken());
            payload.put("username", me.username());
            payload.put("counts", r.get("counts"));
            payload.put("users", r.get("users"));
            if (n > 0) { // a sent map is never changed afterwards: it is encoded later, on the socket's event loop
                fanOut(m.room(), id, Map.of("reactions", r), Outbound.MESSAGE_REACTION, payload, me.token());
            }
            Map<String, Object> ack = new LinkedHashMap<>(payload);
            ack.put("changed", n > 0);
            return ack;
        }
    }

    // ------------------------------------------------------------------ edits and deletions

    /** {@code edit_message {message_id, message}}: the author (or an admin) only; broadcasts {@code message_edited}. */
    private Map<String, Object> edit(SessionContext ctx, JsonNode p) {
        requireObject(p, "edit_message needs {message_id, message}");
        long id = requiredId(p, "message_id", "id");
        String text = validText(firstText(p, "message", "text", "msg"));
        MessageRow m = ownMessage(ctx, id);
        long now = clock.millis();
        synchronized (stripe(id)) {
            if (edits.edit(m, ctx.identity().token(), text, now) == 0) {
                throw new ChatException("message_not_found", "no such message", 404);
            }
            Map<String, Object> patch = new LinkedHashMap<>();
            patch.put("message", text);
            patch.put("text", text);
            patch.put("edited", true);
            patch.put("edited_at", now);
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("id", id);
            payload.put("message_id", id);
            payload.put("room", m.room());
            payload.putAll(patch);
            payload.put("edited_by", MessagePayloads.user(ctx.identity()));
            fanOut(m.room(), id, patch, Outbound.MESSAGE_EDITED, payload, null);
            return payload;
        }
    }

    /** {@code delete_message {message_id}}: the author (or an admin) only; the text is blanked, the audit keeps who. */
    private Map<String, Object> delete(SessionContext ctx, JsonNode p) {
        requireObject(p, "delete_message needs {message_id}");
        long id = requiredId(p, "message_id", "id");
        MessageRow m = ownMessage(ctx, id);
        synchronized (stripe(id)) {
            if (edits.delete(m, ctx.identity().token(), clock.millis()) == 0) {
                throw new ChatException("message_not_found", "no such message", 404);
            }
            Map<String, Object> patch = new LinkedHashMap<>();
            patch.put("message", "");
            patch.put("text", "");
            patch.put("deleted", true);
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("id", id);
            payload.put("message_id", id);
            payload.put("room", m.room());
            payload.put("deleted", true);
            payload.put("deleted_by", MessagePayloads.user(ctx.identity()));
            fanOut(m.room(), id, patch, Outbound.MESSAGE_DELETED, payload, null);
            return payload;
        }
    }

    /** A live message the socket may see and change: its own, or any for an admin. */
    private MessageRow ownMessage(SessionContext ctx, long id) {
        MessageRow m = visibleMessage(ctx, id);
        if (!ctx.admin() && !ctx.identity().token().equals(m.token())) {
            throw new ChatException("not_allowed", "you can only change your own messages", 403);
        }
        return m;
    }

    /** A live (not deleted) message in a room the socket is in, or in one of its conversations. */
    private MessageRow visibleMessage(SessionContext ctx, long id) {
        MessageRow m = messages.byId(id).filter(r -> r.deletedAt() == null)
                .orElseThrow(() -> new ChatException("message_not_found", "no such message", 404));
        requireAccess(ctx, m.room(), () -> new ChatException("message_not_found", "no such message", 404));
        return m;
    }

    // ------------------------------------------------------------------ polls

    /** {@code create_poll {room, question, options[2..10], multiple?, closes_at?}} -> the poll; room gets {@code poll_updated}. */
    private Map<String, Object> createPoll(SessionContext ctx, JsonNode p) {
        requireObject(p, "create_poll needs {room, question, options}");
        String room = ChatCommands.roomOf(p, ctx, true);
        requireAccess(ctx, room, () -> new ChatException("not_in_room", "join room " + room + " first", 403));
        JsonNode opts = p.get("options");
        if (opts == null || !opts.isArray()) {
            throw ChatException.badRequest("options must be an array of 2 to 10 strings");
        }
        List<String> options = new ArrayList<>();
        for (JsonNode o : opts) {
            if (!o.isTextual()) {
                throw ChatException.badRequest("options must be strings");
            }
            options.add(o.asText());
        }
        JsonNode multi = p.get("multiple");
        if (multi != null && !multi.isNull() && !multi.isBoolean()) {
            throw ChatException.badRequest("'multiple' must be true or false");
        }
        Identity me = ctx.identity();
        long retry = limiter.tryAcquire("msg:" + me.token(), messagesPerMinute, 60_000);
        if (retry > 0) {
            throw ChatException.rateLimited(retry);
        }
        PollRow poll = polls.create(room, me.token(), optText(p, "question"), options,
                multi != null && multi.asBoolean(), closesAt(p.get("closes_at")));
        Map<String, Object> payload = polls.payload(poll);
        fanOut(room, null, null, Outbound.POLL_UPDATED, payload, me.token());
        if (poll.closesAt() != null) {
            long delay = Math.max(0, poll.closesAt() - clock.millis());
            CompletableFuture.runAsync(() -> announceClosed(poll.id()),
                    CompletableFuture.delayedExecutor(delay + 5, TimeUnit.MILLISECONDS, blocking));
        }
        return withMine(payload, List.of());
    }

    /** A deadline passed: the room learns the poll closed (its results are final). */
    private void announceClosed(long pollId) {
        try {
            synchronized (stripe(pollId)) {
                PollRow p = polls.find(pollId);
                if (p.closedAt() == null && polls.isClosed(p)) {
                    fanOut(p.room(), null, null, Outbound.POLL_UPDATED, polls.payload(p), null);
                }
            }
        } catch (RuntimeException e) {
            // the room or poll was deleted meanwhile, or the server is closing: nothing to announce
        }
    }

    /** {@code vote_poll {poll_id, option}} (option index, or its text) -> the poll with {@code my_votes}. */
    private Map<String, Object> vote(SessionContext ctx, JsonNode p) {
        requireObject(p, "vote_poll needs {poll_id, option}");
        long id = requiredId(p, "poll_id", "id");
        PollRow poll = polls.find(id);
        requireAccess(ctx, poll.room(), () -> new ChatException("not_in_room", "join room " + poll.room() + " first", 403));
        JsonNode o = p.get("option");
        int option;
        if (o != null && o.isIntegralNumber()) {
            option = o.asInt();
        } else if (o != null && o.isTextual()) {
            option = PollService.options(poll).indexOf(o.asText());
            if (option < 0) {
                throw ChatException.badRequest("no option '" + o.asText() + "' in this poll");
            }
        } else {
            throw ChatException.badRequest("vote_poll needs {poll_id, option} (an option index or text)");
        }
        String me = ctx.identity().token();
        synchronized (stripe(id)) {
            polls.vote(id, me, option);
            Map<String, Object> payload = polls.payload(polls.find(id));
            fanOut(poll.room(), null, null, Outbound.POLL_UPDATED, payload, null);
            return withMine(payload, polls.votesOf(id, me));
        }
    }

    /** {@code close_poll {poll_id}}: by its creator or an admin. */
    private Map<String, Object> closePoll(SessionContext ctx, JsonNode p) {
        requireObject(p, "close_poll needs {poll_id}");
        long id = requiredId(p, "poll_id", "id");
        PollRow poll = polls.find(id);
        requireAccess(ctx, poll.room(), () -> new ChatException("not_in_room", "join room " + poll.room() + " first", 403));
        synchronized (stripe(id)) {
            Map<String, Object> payload = polls.payload(polls.close(id, ctx.identity().token(), ctx.admin()));
            fanOut(poll.room(), null, null, Outbound.POLL_UPDATED, payload, null);
            return withMine(payload, polls.votesOf(id, ctx.identity().token()));
        }
    }

    /** {@code list_polls {room}} -> {@code {room, polls: [poll with my_votes...]}}, the newest 20, newest first. */
    private Map<String, Object> listPolls(SessionContext ctx, JsonNode p) {
        String room = ChatCommands.roomOf(p, ctx, true);
        requireAccess(ctx, room, () -> new ChatException("not_in_room", "join room " + room + " first", 403));
        return Map.of("room", room, "polls", pollsOf(room, ctx.identity().token(), LIST_POLLS));
    }

    private List<Map<String, Object>> pollsOf(String room, String token, int limit) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (PollRow r : polls.ofRoom(room, limit)) {
            out.add(withMine(polls.payload(r), polls.votesOf(r.id(), token)));
        }
        return out;
    }

    private static Map<String, Object> withMine(Map<String, Object> payload, List<Integer> mine) {
        Map<String, Object> m = new LinkedHashMap<>(payload);
        m.put("my_votes", mine);
        return m;
    }

    /** closes_at as epoch ms or an ISO-8601 instant; null when absent. */
    private static Long closesAt(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isIntegralNumber()) {
            return v.asLong();
        }
        if (v.isTextual()) {
            try {
                return Instant.parse(v.asText()).toEpochMilli();
            } catch (DateTimeParseException e) {
                throw ChatException.badRequest("closes_at must be epoch ms or an ISO-8601 time");
            }
        }
        throw ChatException.badRequest("closes_at must be epoch ms or an ISO-8601 time");
    }

    // ------------------------------------------------------------------ read receipts and presence

    /** {@code read {room, message_id}}: moves my read mark forward; the room (or conversation) gets {@code read}. */
    private Map<String, Object> read(SessionContext ctx, JsonNode p) {
        requireObject(p, "read needs {room, message_id}");
        String room = ChatCommands.roomOf(p, ctx, true);
        long id = requiredId(p, "message_id", "id");
        requireAccess(ctx, room, () -> new ChatException("not_in_room", "join room " + room + " first", 403));
        messages.byId(id).filter(m -> m.room().equals(room))
                .orElseThrow(() -> new ChatException("message_not_found", "no such message in " + room, 404));
        Identity me = ctx.identity();
        synchronized (stripe(room.hashCode())) {
            marks.mark(room, me.token(), id, clock.millis());
            long mark = marks.of(room, me.token()).orElse(id);
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("room", room);
            payload.put("user_id", me.publicToken());
            payload.put("username", me.username());
            payload.put("message_id", mark);
            fanOut(room, null, null, Outbound.READ, payload, null);
            return payload;
        }
    }

    /** Extra join data: {@code reads: [{user_id, username, message_id}]} (read marks) and the newest 5 {@code polls}. */
    public Map<String, Object> joinExtras(SessionContext ctx, String room) {
        List<Map<String, Object>> reads = new ArrayList<>();
        for (ReadMarkDao.Mark m : marks.ofRoom(room)) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("user_id", m.publicToken());
            r.put("username", m.username());
            r.put("message_id", m.lastReadId());
            reads.add(r);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("reads", reads);
        out.put("polls", pollsOf(room, ctx.identity().token(), JOIN_POLLS));
        return out;
    }

    /** {@code set_presence {status: "online"|"away"}}: every room of the identity's sockets gets {@code user_status}. */
    private Map<String, Object> setPresence(SessionContext ctx, JsonNode p) {
        String status = p != null && p.isTextual() ? p.asText() : optText(p, "status");
        if (!"online".equals(status) && !"away".equals(status)) {
            throw ChatException.badRequest("status must be \"online\" or \"away\"");
        }
        String token = ctx.identity().token();
        if ("away".equals(status)) {
            away.put(token, status);
        } else {
            away.remove(token);
        }
        Set<String> roomsOf = new LinkedHashSet<>();
        for (SessionContext s : sessions.forToken(token)) {
            roomsOf.addAll(s.rooms());
        }
        Map<String, Object> payload = statusPayload(ctx.identity(), status, clock.millis());
        for (String r : roomsOf) {
            rooms.roomEvent(r, null, null, Outbound.USER_STATUS, payload, null);
        }
        return payload;
    }

    /** A socket closed (its serial executor, before it leaves its rooms): the last one of its identity -> offline. */
    public void disconnected(SessionContext ctx) {
        Identity me = ctx.identity();
        if (me == null || !sessions.forToken(me.token()).isEmpty()) {
            return;
        }
        long now = clock.millis();
        away.remove(me.token());
        lastSeen.put(me.token(), now);
        Map<String, Object> payload = statusPayload(me, "offline", now);
        for (String r : ctx.rooms()) {
            rooms.roomEvent(r, null, null, Outbound.USER_STATUS, payload, me.token());
        }
    }

    /** online / away / offline of a secret token (this node's sockets). */
    public String statusOf(String token) {
        if (sessions.forToken(token).isEmpty()) {
            return "offline";
        }
        return away.getOrDefault(token, "online");
    }

    /** online / away of every token with a live socket here (one pass over the sockets); absent: offline. */
    public Map<String, String> onlineStatuses() {
        Map<String, String> m = new java.util.HashMap<>();
        for (SessionContext s : sessions.all()) {
            if (s.identity() != null) {
                m.put(s.identity().token(), away.getOrDefault(s.identity().token(), "online"));
            }
        }
        return m;
    }

    /** Epoch ms the token was last seen online here, or null when unknown (never disconnected since start). */
    public Long lastSeenOf(String token) {
        return lastSeen.get(token);
    }

    private Map<String, Object> statusPayload(Identity who, String status, long now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("user_id", who.publicToken());
        m.put("username", who.username());
        m.put("status", status);
        m.put("last_seen", now);
        return m;
    }

    // ------------------------------------------------------------------ helpers

    /** Room: its online members (not blocking the actor); conversation: every socket of both identities. */
    private void fanOut(String room, Long messageId, Map<String, Object> patch, Outbound event, Map<String, Object> payload,
                        String actorToken) {
        if (!room.startsWith(DM_PREFIX)) {
            rooms.roomEvent(room, messageId, patch, event, payload, actorToken);
            return;
        }
        ClusterRelay.toTokens(bus, sessions, blocks, roomDao.members(room), null, event.fixedName(), payload, actorToken);
    }

    /** A room the socket joined, or a conversation of its identity. */
    private void requireAccess(SessionContext ctx, String room, java.util.function.Supplier<ChatException> refusal) {
        boolean ok = room.startsWith(DM_PREFIX) ? access.canRead(ctx.identity().token(), room) : rooms.isMember(ctx, room);
        if (!ok) {
            throw refusal.get();
        }
    }

    private String validText(String text) {
        if (text == null) {
            throw ChatException.badRequest("a message text is needed: {message}");
        }
        text = text.strip();
        if (text.isEmpty()) {
            throw new ChatException("empty_message", "the message is empty");
        }
        if (text.codePointCount(0, text.length()) > messageMaxChars) {
            throw new ChatException("message_too_long", "a message is at most " + messageMaxChars + " characters", 413);
        }
        return text;
    }

    private Object stripe(long key) {
        return stripes[(int) Math.floorMod(key, (long) stripes.length)];
    }

    private static void requireObject(JsonNode p, String usage) {
        if (p == null || !p.isObject()) {
            throw ChatException.badRequest(usage);
        }
    }

    /** A positive integer id (a numeric string is accepted). */
    private static long requiredId(JsonNode p, String... keys) {
        for (String k : keys) {
            JsonNode v = p.get(k);
            if (v == null || v.isNull()) {
                continue;
            }
            if (v.isIntegralNumber() && v.canConvertToLong()) {
                return v.asLong();
            }
            if (v.isTextual() && v.asText().matches("[0-9]{1,18}")) {
                return Long.parseLong(v.asText());
            }
            throw ChatException.badRequest("'" + k + "' must be an integer id");
        }
        throw ChatException.badRequest("'" + keys[0] + "' is needed");
    }

    /** A user reference: a string, or a number (account id). */
    private static String idText(JsonNode p, String... keys) {
        for (String k : keys) {
            JsonNode v = p.get(k);
            if (v != null && (v.isTextual() || v.isIntegralNumber()) && !v.asText().isBlank()) {
                return v.asText();
            }
        }
        return null;
    }
}
