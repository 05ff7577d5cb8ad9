package dev.chatserver.rooms;

import dev.chatserver.common.ChatException;
import dev.chatserver.store.RoomDao;
import dev.chatserver.store.RoomRow;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.regex.Pattern;

/** Room rules: code format, creation on visit (seed 000), 6-character ids (seed 002). Blocking (database). */
public final class RoomService {
    /** The public lobby at {@code /} (seed 000). */
    public static final String LOBBY = "lobby";
    private static final Pattern CODE = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final String ID_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    private final RoomDao rooms;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public RoomService(RoomDao rooms, Clock clock) {
        this.rooms = rooms;
        this.clock = clock;
        rooms.insertIfAbsent(new RoomRow(LOBBY, "Lobby", null, clock.millis()));
    }

    /**
     * @param raw a room code as sent
     * @return the code
     * @throws ChatException {@code invalid_room} unless it matches {@code [A-Za-z0-9_-]{1,64}}
     */
    public static String validateCode(String raw) {
        if (raw == null || !CODE.matcher(raw).matches()) {
            throw new ChatException("invalid_room", "a room code is 1-64 letters, digits, '-' or '_'");
        }
        return raw;
    }

    /**
     * Makes sure a room exists.
     *
     * @param code            validated code
     * @param hostToken       token of whoever creates it
     * @param createIfMissing seed 000: visiting an unknown code creates it; seeds 002/003 join existing rooms only
     * @throws ChatException {@code room_not_found} when missing and not to be created
     */
    public void ensure(String code, String hostToken, boolean createIfMissing) {
        if (rooms.find(code).isPresent()) {
            return;
        }
        if (!createIfMissing) {
            throw new ChatException("room_not_found", "no room " + code, 404);
        }
        rooms.insertIfAbsent(new RoomRow(code, code, hostToken, clock.millis()));
    }

    /** Removes a membership (kick, leave). */
    public void removeMember(String code, String token) {
        rooms.removeMember(code, token);
    }

    /** Adds a membership (join by key). */
    public void addMember(String code, String token) {
        rooms.addMember(code, token, "member", clock.millis());
    }

    /** Deletes a room with its messages. */
    public void delete(String code) {
        rooms.delete(code);
    }

    /** The room, if it exists. */
    public java.util.Optional<RoomRow> find(String code) {
        return rooms.find(code);
    }

    /** The public token of a secret token. */
    public java.util.Optional<String> publicTokenOf(String token) {
        return rooms.publicTokenOf(token);
    }

    /** Rooms a token belongs to. */
    public java.util.List<RoomDao.MemberRoom> roomsOf(String token) {
        return rooms.roomsOf(token);
    }

    /**
     * Whether a token may kick in a room (seed 003: kick is creator-only): the room's host or an owner member.
     */
    public boolean isCreator(String code, String token) {
        return rooms.find(code).map(r -> token.equals(r.hostToken())).orElse(false)
                || rooms.role(code, token).map("owner"::equals).orElse(false);
    }

    /**
     * Creates a members-only room with a random URL-safe key (seed 003), the creator as owner.
     * @param name display name (1..64 characters)
     * @return the row
     */
    public RoomRow createPrivate(String name, String ownerToken) {
        String n = name == null ? "" : name.strip();
        if (n.isEmpty() || n.length() > 64) {
            throw ChatException.badRequest("a room name is 1-64 characters");
        }
        for (int attempt = 0; attempt < 20; attempt++) {
            byte[] b = new byte[9];
            random.nextBytes(b);
            String key = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b);
            RoomRow row = new RoomRow(key, n, ownerToken, clock.millis());
            if (rooms.insertPrivate(row) == 1) {
                rooms.addMember(key, ownerToken, "owner", clock.millis());
                return row;
            }
        }
        throw new ChatException("internal_error", "could not allocate a room key", 500);
    }

    /**
     * Creates a room with a fresh 6-character uppercase id (seed 002). @return the row
     * @param name display name, or null to use the id
     */
    public RoomRow create(String name, String hostToken) {
        for (int attempt = 0; attempt < 20; attempt++) {
            StringBuilder id = new StringBuilder(6);
            for (int i = 0; i < 6; i++) {
                id.append(ID_ALPHABET.charAt(random.nextInt(ID_ALPHABET.length())));
            }
            String n = name == null || name.isBlank() ? id.toString() : name.strip();
            if (n.length() > 64) {
                throw new ChatException("bad_request", "a room name is at most 64 characters");
            }
            RoomRow row = new RoomRow(id.toString(), n, hostToken, clock.millis());
            if (rooms.insertIfAbsent(row) == 1) {
                return row;
            }
        }
        throw new ChatException("internal_error", "could not allocate a room id", 500);
    }
}
