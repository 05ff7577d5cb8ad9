package dev.chatserver.realtime;

import dev.chatserver.chat.Identity;
import dev.chatserver.store.MessageRow;
import dev.chatserver.uploads.UploadUrls;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds the canonical payloads of docs/protocol.md. */
public final class MessagePayloads {
    private MessagePayloads() {
    }

    /**
     * A chat message as clients see it (superset of the seeds' shapes): {@code id, room, room_id, username,
     * message, text, kind, timestamp (ISO-8601 UTC), created_at (epoch ms), user_id, public_token, edited (bool),
     * edited_at (epoch ms, when edited), deleted (true, when deleted: text is then empty)}, and for
     * kind {@code file} also {@code file: {id, name, size (bytes), type (media type), url}} where {@code url} is
     * the same-origin {@code /api/download_file/<id>} (issue #5; the text is the file name).
     * The secret token and sender IP are never included.
     */
    public static Map<String, Object> message(MessageRow r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("room", r.room());
        m.put("room_id", r.room());
        m.put("username", r.username());
        m.put("message", r.text());
        m.put("text", r.text());
        m.put("kind", r.kind());
        m.put("timestamp", Instant.ofEpochMilli(r.createdAt()).toString());
        m.put("created_at", r.createdAt());
        m.put("user_id", r.publicToken());
        m.put("public_token", r.publicToken());
        if (r.file() != null) {
            m.put("file", file(r.file()));
        }
        m.put("edited", r.editedAt() != null);
        if (r.editedAt() != null) {
            m.put("edited_at", r.editedAt());
        }
        if (r.deletedAt() != null) {
            m.put("deleted", true);
        }
        return m;
    }

    /** A shared file as clients see it: {@code {id, name, size, type, url}}. */
    public static Map<String, Object> file(MessageRow.FileRef f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", f.id());
        m.put("name", f.name());
        m.put("size", f.size());
        m.put("type", f.type());
        m.put("url", UploadUrls.download(f.id()));
        return m;
    }

    /**
     * Reactions of one message: {@code {counts: {emoji: n}, users: {emoji: [public_token...]}}}, emojis in the
     * order first used.
     */
    public static Map<String, Object> reactions(java.util.List<dev.chatserver.store.ReactionDao.Reaction> rows) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        Map<String, java.util.List<String>> users = new LinkedHashMap<>();
        for (var r : rows) {
            counts.merge(r.emoji(), 1, Integer::sum);
            users.computeIfAbsent(r.emoji(), k -> new java.util.ArrayList<>()).add(r.publicToken());
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("counts", counts);
        m.put("users", users);
        return m;
    }

    /** A user as listed in presence: {@code username, user_id, public_token}. */
    public static Map<String, Object> user(Identity id) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("username", id.username());
        m.put("user_id", id.publicToken());
        m.put("public_token", id.publicToken());
        return m;
    }
}
