package dev.chatserver.store;

import java.util.List;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Room mutes (table {@code mutes}); times are epoch ms. */
@RegisterConstructorMapper(MuteDao.MuteRow.class)
public interface MuteDao {
    /** One mute: who (secret token) in which room until when, why and by whom. */
    record MuteRow(String room, String token, long until, String reason, String mutedBy) {
    }

    @SqlUpdate("INSERT INTO mutes (room, token, until, reason, muted_by) VALUES (:room, :token, :until, :reason, :by) "
            + "ON CONFLICT (room, token) DO UPDATE SET until = excluded.until, reason = excluded.reason, muted_by = excluded.muted_by")
    void mute(@Bind("room") String room, @Bind("token") String token, @Bind("until") long until,
              @Bind("reason") String reason, @Bind("by") String by);

    @SqlUpdate("DELETE FROM mutes WHERE room = :room AND token = :token")
    int unmute(@Bind("room") String room, @Bind("token") String token);

    @SqlQuery("SELECT room, token, until, reason, muted_by FROM mutes WHERE until > :now")
    List<MuteRow> active(@Bind("now") long now);

    @SqlUpdate("DELETE FROM mutes WHERE until <= :now")
    int deleteExpired(@Bind("now") long now);
}
