package dev.chatserver.realtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chatserver.chat.Identity;
import dev.chatserver.chat.IdentityService;
import dev.chatserver.chat.Usernames;
import dev.chatserver.common.ChatException;
import dev.chatserver.moderation.BanService;
import dev.chatserver.rooms.RoomService;
import dev.chatserver.store.MessageRow;
import dev.chatserver.store.MessageWriter;
import dev.chatserver.store.RoomRow;
import dev.chatserver.uploads.UploadRow;
import dev.chatserver.uploads.UploadService;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The chat rules behind each {@link Command}: validate the payload, call the services, fan out through the
 * {@link RoomRegistry}. Runs on the socket's serial executor (blocking allowed). Each method returns the
 * ack {@code data}, or throws {@link ChatException}.
 */
public final class ChatCommands {
    private final IdentityService identities;
    private final RoomService roomService;
    private final RoomRegistry rooms;
    private final MessageWriter writer;
    private final BanService bans;
    private final Clock clock;
    private final int messageMaxChars;
    private final SessionRegistry sessions;
    private final dev.chatserver.rooms.RoomAccess access;
    private final dev.chatserver.chat.BlockService blocks;
    private final dev.chatserver.security.RateLimiter limiter;
    private final int messagesPerMinute;
    private final dev.chatserver.moderation.MuteService mutes;
    private final UploadService uploads;
    private RichCommands rich;

    /**
     * @param messageMaxChars longest message, characters
     * @param limiter    message rate limit counters
     * @param messagesPerMinute messages per user per minute (seed 001: 30)
     * @param mutes      room mutes: a muted sender is refused with {@code muted} (403)
     * @param uploads    file sharing ({@code file_share})
     */
    public ChatCommands(IdentityService identities, RoomService roomService, RoomRegistry rooms, MessageWriter writer,
                        BanService bans, SessionRegistry sessions, Clock clock,
                        int messageMaxChars, dev.chatserver.security.RateLimiter limiter, int messagesPerMinute,
                        dev.chatserver.rooms.RoomAccess access, dev.chatserver.chat.BlockService blocks,
                        dev.chatserver.moderation.MuteService mutes, UploadService uploads) {
        this.mutes = mutes;
        this.access = access;
        this.blocks = blocks;
        this.sessions = sessions;
        this.limiter = limiter;
        this.messagesPerMinute = messagesPerMinute;
        this.uploads = uploads;
        this.identities = identities;
        this.roomService = roomService;
        this.rooms = rooms;
        this.writer = writer;
        this.bans = bans;
        this.clock = clock;
        this.messageMaxChars = messageMaxChars;
    }

    /** The rich commands of issue #7 (private messages, reactions, polls, edits, receipts, presence). */
    public void rich(RichCommands rich) {
        this.rich = rich;
    }

    /** A socket closed: runs on its serial executor before it leaves its rooms. */
    public void disconnected(SessionContext ctx) {
        if (rich != null) {
            rich.disconnected(ctx);
        }
    }

    /**
     * Runs a command. @return a future of the ack data (already complete except for messages, which complete
     * after commit)
     * @throws ChatException for a refused command
     */
    public CompletableFuture<Map<String, Object>> run(SessionContext ctx, Command command, JsonNode payload) {
        if (bans.isBanned(ctx.identity().token())) {
            throw new ChatException("banned", "this identity is banned", 403);
        }
        return switch (command) {
            case JOIN -> CompletableFuture.completedFuture(join(ctx, payload));
            case LEAVE -> CompletableFuture.completedFuture(leave(ctx, payload));
            case MESSAGE -> message(ctx, payload);
            case TYPING -> CompletableFuture.completedFuture(typing(ctx, payload,
                    payload == null || !payload.has("typing") || payload.get("typing").asBoolean(true)));
            case STOP_TYPING -> CompletableFuture.completedFuture(typing(ctx, payload, false));
            case CREATE_ROOM -> CompletableFuture.completedFuture(createRoom(ctx, payload));
            case SET_USERNAME -> CompletableFuture.completedFuture(setUsername(ctx, payload));
            case KICK_USER -> CompletableFuture.completedFuture(kick(ctx, payload));
            case BLOCK_USER -> CompletableFuture.completedFuture(block(ctx, payload, true));
            case UNBLOCK_USER -> CompletableFuture.completedFuture(block(ctx, payload, false));
            case FILE_SHARE -> fileShare(ctx, payload);
            default -> rich.run(ctx, command, payload);
        };
    }

    private Map<String, Object> join(SessionContext ctx, JsonNode p) {
        String code = roomOf(p, ctx, false);
        if (code == null) {
            if (ctx.dialect() == Dialect.S004) {
                code = RoomService.LOBBY; // seed 004 has one chat
            } else {
                throw ChatException.badRequest("join needs a room");
            }
        }
        RoomService.validateCode(code);
        String name = ctx.userId() == null ? optText(p, "username") : null; // accounts keep their name
        if (name != null) {
            String valid = Usernames.validate(name);
            if (!valid.equals(ctx.identity().username())) {
                rooms.checkNameFree(ctx, valid);
                renameEverywhere(ctx, identities.rename(ctx.identity(), valid));
            }
        }
        Long afterId = optLong(p, "last_id");
        boolean create = ctx.dialect() == Dialect.S001 || ctx.dialect() == Dialect.S004;
        roomService.ensure(code, ctx.identity().token(), create);
        if (!access.canRead(ctx.identity().token(), code)) {
            throw new ChatException("not_member", "this room is for its members; join it with its key first", 403);
        }
        if (rooms.isMember(ctx, code)) {
            rooms.leave(ctx, code); // a re-join is a fresh join: new history
        }
        RoomRegistry.JoinResult r = rooms.join(ctx, code, afterId);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("room", r.room());
        data.put("room_id", r.room());
        data.put("username", ctx.identity().username());
        data.put("users", r.users());
        data.put("messages", r.messagesForPayload()); // serialised once per room change, not per join
        data.put("replay", r.replay());
        if (rich != null) {
            data.putAll(rich.joinExtras(ctx, r.room()));
        }
        return data;
    }

    private Map<String, Object> leave(SessionContext ctx, JsonNode p) {
        String code = roomOf(p, ctx, true);
        if (!rooms.leave(ctx, code)) {
            throw new ChatException("not_in_room", "you are not in room " + code);
        }
        return Map.of("room", code);
    }

    private CompletableFuture<Map<String, Object>> message(SessionContext ctx, JsonNode p) {
        String code = roomOf(p, ctx, true);
        String text = p == null ? null : p.isTextual() ? p.asText() : firstText(p, "message", "text", "msg");
        if (text == null) {
            throw ChatException.badRequest("message needs a text: {room, message}");
        }
        text = text.strip();
        if (text.isEmpty()) {
            throw new ChatException("empty_message", "the message is empty");
        }
        if (text.codePointCount(0, text.length()) > messageMaxChars) {
            throw new ChatException("message_too_long", "a message is at most " + messageMaxChars + " characters", 413);
        }
        requireMember(ctx, code);
        Identity me = ctx.identity();
        long muted = mutes.mutedFor(code, me.token());
        if (muted > 0) {
            throw new ChatException("muted", "you are muted in this room for " + ((muted + 999) / 1000) + " s", 403, muted);
        }
        long retry = limiter.tryAcquire("msg:" + me.token(), messagesPerMinute, 60_000);
        if (retry > 0) {
            throw ChatException.rateLimited(retry); // seed 001: 30 messages per minute per user
        }
        MessageRow row = new MessageRow(0, code, me.token(), me.publicToken(), me.username(), text, "chat", ctx.ip(), clock.millis());
        return writer.submit(row).thenApply(MessagePayloads::message); // fanned out in commit order by the writer's listener
    }

    /** seed 001: {@code block_user|unblock_user {user_id}} (public token or account id). */
    private Map<String, Object> block(SessionContext ctx, JsonNode p, boolean block) {
        JsonNode t = p == null ? null : p.isObject() ? p.get("user_id") : p;
        if (t == null || t.isNull() || !(t.isTextual() || t.isIntegralNumber())) {
            throw ChatException.badRequest((block ? "block_user" : "unblock_user") + " needs {user_id}");
        }
        String target = identities.secretOfPublic(t.asText())
                .orElseThrow(() -> new ChatException("user_not_found", "no such user", 404));
        if (target.equals(ctx.identity().token())) {
            throw ChatException.badRequest("you cannot block yourself");
        }
        if (block) {
            blocks.block(ctx.identity().token(), target);
        } else {
            blocks.unblock(ctx.identity().token(), target);
        }
        return Map.of("user_id", t.asText(), "blocked", block);
    }

    /** seed 003: {@code kick_user {room, target_user_id}}, by the room's creator or an admin. */
    private Map<String, Object> kick(SessionContext ctx, JsonNode p) {
        String code = roomOf(p, ctx, true);
        requireMember(ctx, code);
        if (!ctx.admin() && !roomService.isCreator(code, ctx.identity().token())) {
            throw new ChatException("not_allowed", "only the room's creator can kick", 403);
        }
        JsonNode t = p == null ? null : p.get("target_user_id");
        if (t == null || t.isNull() || !(t.isTextual() || t.isIntegralNumber())) {
            throw ChatException.badRequest("kick_user needs {room, target_user_id}");
        }
        String target = t.asText();
        if (target.equals(ctx.identity().publicToken())) {
            throw ChatException.badRequest("you cannot kick yourself");
        }
        String targetToken = identities.secretOfPublic(target).orElse(null);
        if (targetToken != null) {
            roomService.removeMember(code, targetToken);
        }
        int n = rooms.kick(code, target, "You were removed from the room by " + ctx.identity().username());
        if (n == 0 && targetToken == null) {
            throw new ChatException("user_not_found", "no such user in this room", 404);
        }
        return Map.of("room", code, "kicked_user_id", target, "sockets", n);
    }

    /**
     * seed 001 {@code file_share {room, file_id}} (also {@code fileId}): one's own upload becomes a message of kind
     * {@code file} whose text is the file name and whose payload has {@code file: {id, name, size, type, url}};
     * stored through the writer like any message (ack after commit) and sent in each dialect's chat-message event.
     * The upload is marked shared first, so the orphan sweeper keeps it.
     *
     * @throws ChatException {@code bad_request} (no file_id), {@code not_in_room}, {@code file_not_found}
     *     (unknown id or someone else's upload)
     */
    private CompletableFuture<Map<String, Object>> fileShare(SessionContext ctx, JsonNode p) {
        if (p == null || !p.isObject()) {
            throw ChatException.badRequest("file_share needs {room, file_id}");
        }
        String code = roomOf(p, ctx, true);
        String fileId = firstText(p, "file_id", "fileId");
        if (fileId == null) {
            throw ChatException.badRequest("file_share needs {room, file_id}");
        }
        requireMember(ctx, code);
        Identity me = ctx.identity();
        UploadRow up = uploads.share(fileId, me.token());
        MessageRow row = new MessageRow(0, code, me.token(), me.publicToken(), me.username(), up.name(), "file", ctx.ip(),
                clock.millis(), new MessageRow.FileRef(up.id(), up.name(), up.size(), up.type()));
        return writer.submit(row).thenApply(MessagePayloads::message); // fanned out in commit order by the writer's listener
    }

    private Map<String, Object> typing(SessionContext ctx, JsonNode p, boolean typing) {
        String code = roomOf(p, ctx, true);
        requireMember(ctx, code);
        rooms.typing(ctx, code, typing);
        return Map.of();
    }

    private Map<String, Object> createRoom(SessionContext ctx, JsonNode p) {
        String name = optText(p, "name");
        RoomRow row = roomService.create(name, ctx.identity().token());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("room_id", row.code());
        data.put("code", row.code());
        data.put("name", row.name());
        ctx.client().sendEvent("room_created", data);
        return data;
    }

    private Map<String, Object> setUsername(SessionContext ctx, JsonNode p) {
        if (ctx.userId() != null) {
            throw new ChatException("account_name", "an account changes its name on the profile page (/profile)", 403);
        }
        String raw = p == null ? null : p.isTextual() ? p.asText() : optText(p, "username");
        if (raw == null) {
            throw ChatException.badRequest("set_username needs {username}");
        }
        String name = Usernames.validate(raw);
        rooms.checkNameFree(ctx, name);
        renameEverywhere(ctx, identities.rename(ctx.identity(), name));
        rooms.presenceChanged(ctx);
        return Map.of("username", name);
    }

    private void renameEverywhere(SessionContext ctx, Identity renamed) {
        sessions.forToken(ctx.identity().token()).forEach(c -> c.identity(renamed));
        ctx.identity(renamed);
    }

    private void requireMember(SessionContext ctx, String code) {
        if (!rooms.isMember(ctx, code)) {
            throw new ChatException("not_in_room", "join room " + code + " first", 403);
        }
    }

    /** The room named in the payload, else (when allowed) the room joined last. */
    static String roomOf(JsonNode p, SessionContext ctx, boolean defaultToLast) {
        String code = null;
        if (p != null && p.isTextual() && !defaultToLast) {
            code = p.asText();
        } else if (p != null && p.isObject()) {
            code = firstText(p, "room", "room_id", "roomId", "code");
        } else if (p != null && !p.isTextual() && !p.isNull()) {
            throw ChatException.badRequest("the payload must be a JSON object");
        }
        if (code == null && defaultToLast) {
            code = ctx.lastRoom();
            if (code == null) {
                throw new ChatException("not_in_room", "join a room first", 403);
            }
        }
        return code;
    }

    static String firstText(JsonNode p, String... keys) {
        for (String k : keys) {
            String v = optText(p, k);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    static String optText(JsonNode p, String key) {
        if (p == null || !p.isObject()) {
            return null;
        }
        JsonNode v = p.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw ChatException.badRequest("'" + key + "' must be a string");
        }
        return v.asText();
    }

    static Long optLong(JsonNode p, String key) {
        if (p == null || !p.isObject()) {
            return null;
        }
        JsonNode v = p.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.canConvertToLong() || !v.isIntegralNumber()) {
            throw ChatException.badRequest("'" + key + "' must be an integer");
        }
        return v.asLong();
    }
}
