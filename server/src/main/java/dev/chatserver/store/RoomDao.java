package dev.chatserver.store;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Rooms created or visited (table {@code rooms}). */
@RegisterConstructorMapper(RoomRow.class)
public interface RoomDao {

    @SqlQuery("SELECT code, name, host_token, created_at FROM rooms WHERE code = :code")
    Optional<RoomRow> find(@Bind("code") String code);

    /** Inserts unless the code exists. @return 1 when created, 0 when it already existed */
    @SqlUpdate("INSERT INTO rooms (code, name, host_token, created_at) VALUES (:code, :name, :hostToken, :createdAt) "
            + "ON CONFLICT DO NOTHING")
    int insertIfAbsent(@BindMethods RoomRow row);

    @SqlQuery("SELECT code, name, host_token, created_at FROM rooms ORDER BY created_at DESC LIMIT :limit")
    List<RoomRow> recent(@Bind("limit") int limit);

    /** Creates a members-only room (seed 003 account rooms). @return 1 when created, 0 when the code exists */
    @SqlUpdate("INSERT INTO rooms (code, name, host_token, created_at, private) VALUES (:code, :name, :hostToken, :createdAt, 1) "
            + "ON CONFLICT DO NOTHING")
    int insertPrivate(@BindMethods RoomRow row);

    @SqlQuery("SELECT private FROM rooms WHERE code = :code")
    Optional<Boolean> isPrivate(@Bind("code") String code);

    /** Deletes a room with its messages and memberships. @return rows deleted */
    @SqlUpdate("DELETE FROM rooms WHERE code = :code")
    int delete(@Bind("code") String code);

    @SqlUpdate("INSERT INTO room_members (room, token, role, joined_at) VALUES (:room, :token, :role, :now) ON CONFLICT DO NOTHING")
    int addMember(@Bind("room") String room, @Bind("token") String token, @Bind("role") String role, @Bind("now") long now);

    @SqlUpdate("DELETE FROM room_members WHERE room = :room AND token = :token")
    int removeMember(@Bind("room") String room, @Bind("token") String token);

    /** The member's role ({@code owner} or {@code member}), if a member. */
    @SqlQuery("SELECT role FROM room_members WHERE room = :room AND token = :token")
    Optional<String> role(@Bind("room") String room, @Bind("token") String token);

    @SqlQuery("SELECT public_token FROM tokens WHERE token = :token")
    Optional<String> publicTokenOf(@Bind("token") String token);

    /** Secret tokens of a private room's members. */
    @SqlQuery("SELECT token FROM room_members WHERE room = :room")
    List<String> members(@Bind("room") String room);

    /** Rooms a token belongs to, newest first: code, name, host token, created, plus the role. */
    @SqlQuery("SELECT r.code, r.name, m.role, r.created_at FROM room_members m JOIN rooms r ON r.code = m.room "
            + "WHERE m.token = :token ORDER BY r.created_at DESC")
    @RegisterConstructorMapper(MemberRoom.class)
    List<MemberRoom> roomsOf(@Bind("token") String token);

    /** A room as listed for a member. */
    record MemberRoom(String code, String name, String role, long createdAt) {
    }
}
