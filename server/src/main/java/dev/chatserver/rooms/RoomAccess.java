package dev.chatserver.rooms;

import org.jdbi.v3.core.Jdbi;

/**
 * Who may read a room and its files: everyone for public rooms (seed 000: a room code is its invitation);
 * only members ({@code room_members}) for private rooms. Blocking (database).
 */
public final class RoomAccess {
    private final Jdbi jdbi;

    public RoomAccess(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * @param token secret token of the reader, or null for an anonymous request
     * @param room  room code
     * @return true when the room exists and is public, or the token is a member
     */
    public boolean canRead(String token, String room) {
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT 1 FROM rooms r WHERE r.code = :room AND (r.private = 0
                  OR EXISTS (SELECT 1 FROM room_members m WHERE m.room = r.code AND m.token = :token))""")
                .bind("room", room).bind("token", token).mapTo(Integer.class).findOne().isPresent());
    }
}
