package dev.chatserver.chat;

import dev.chatserver.common.ChatException;
import dev.chatserver.http.HttpRequestData;
import dev.chatserver.http.HttpResponses;
import dev.chatserver.http.Router;
import dev.chatserver.realtime.MessagePayloads;
import dev.chatserver.rooms.RoomService;
import dev.chatserver.store.MessageDao;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;
import java.util.Map;

/** {@code GET /api/history?room=&before=&limit=} (seed 001): pages back through a room's messages. */
public final class HistoryRoutes {
    /** Largest page, messages. */
    public static final int MAX_LIMIT = 200;
    private final MessageDao messages;
    private final dev.chatserver.rooms.RoomAccess access;
    private final dev.chatserver.auth.RequestAuth auth;

    /** @param access who may read which room; @param auth who the request comes from */
    public HistoryRoutes(MessageDao messages, dev.chatserver.rooms.RoomAccess access, dev.chatserver.auth.RequestAuth auth) {
        this.messages = messages;
        this.access = access;
        this.auth = auth;
    }

    /** Registers the routes. */
    public void register(Router router) {
        router.get("/api/history", this::history);
    }

    /**
     * @return {@code {room, messages}}: up to {@code limit} (default 50, 1..200) messages with id &lt; {@code before}
     *     (default: newest), oldest first
     * @throws ChatException {@code bad_request} / {@code invalid_room} for bad parameters
     */
    FullHttpResponse history(HttpRequestData req) {
        String room = RoomService.validateCode(req.queryParam("room"));
        if (!access.canRead(auth.token(req), room)) {
            throw new ChatException("room_not_found", "no such room", 404); // members-only rooms look absent to others
        }
        long before = parseLong(req.queryParam("before"), Long.MAX_VALUE, "before");
        long limit = parseLong(req.queryParam("limit"), 50, "limit");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ChatException.badRequest("limit must be 1.." + MAX_LIMIT);
        }
        List<Map<String, Object>> list = messages.before(room, before, (int) limit).stream().map(MessagePayloads::message).toList();
        return HttpResponses.json(HttpResponseStatus.OK, Map.of("room", room, "messages", list));
    }

    private static long parseLong(String raw, long dflt, String name) {
        if (raw == null) {
            return dflt;
        }
        try {
            return Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw ChatException.badRequest(name + " must be an integer");
        }
    }
}
