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
    @SqlUpdate("INSERT OR IGNORE INTO rooms (code, name, host_token, created_at) VALUES (:code, :name, :hostToken, :createdAt)")
    int insertIfAbsent(@BindMethods RoomRow row);

    @SqlQuery("SELECT code, name, host_token, created_at FROM rooms ORDER BY created_at DESC LIMIT :limit")
    List<RoomRow> recent(@Bind("limit") int limit);
}
