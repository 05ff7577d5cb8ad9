package dev.chatserver.store;

import java.util.List;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;
import org.jdbi.v3.sqlobject.transaction.Transaction;

/**
 * Bans (table {@code bans}; seed 000's {@code banned} rows are copied into it at start). Times are epoch ms;
 * {@code expires_at} null means permanent.
 */
@RegisterConstructorMapper(BanDao.BanRow.class)
public interface BanDao {

    /**
     * One ban.
     *
     * @param kind      {@code token}, {@code account} or {@code ip}
     * @param value     secret token or IP
     * @param reason    free text, or null
     * @param bannedBy  admin, or null (seed 000 rows)
     * @param createdAt epoch ms
     * @param expiresAt epoch ms, or null when permanent
     */
    record BanRow(String kind, String value, String reason, String bannedBy, long createdAt, Long expiresAt) {
    }

    /** Bans (or re-bans with the new reason and expiry) a value. */
    @SqlUpdate("INSERT INTO bans (kind, value, reason, banned_by, created_at, expires_at) "
            + "VALUES (:kind, :value, :reason, :by, :now, :expires) ON CONFLICT (kind, value) DO UPDATE SET "
            + "reason = excluded.reason, banned_by = excluded.banned_by, created_at = excluded.created_at, "
            + "expires_at = excluded.expires_at")
    void ban(@Bind("kind") String kind, @Bind("value") String value, @Bind("reason") String reason,
             @Bind("by") String by, @Bind("now") long now, @Bind("expires") Long expiresAt);

    /** A permanent token ban without an admin (seed 000 style). */
    default void ban(String token, String reason, long now) {
        ban("token", token, reason, null, now, null);
    }

    /** @return rows removed (the legacy {@code banned} row goes too, else the start-up copy would restore it) */
    @Transaction
    default int unban(String kind, String value) {
        if (!kind.equals("ip")) {
            deleteLegacy(value);
        }
        return delete(kind, value);
    }

    /** Removes a token ban. @return rows removed */
    default int unban(String token) {
        return unban("token", token);
    }

    @SqlUpdate("DELETE FROM bans WHERE kind = :kind AND value = :value")
    int delete(@Bind("kind") String kind, @Bind("value") String value);

    @SqlUpdate("DELETE FROM banned WHERE token = :token")
    int deleteLegacy(@Bind("token") String token);

    /** Bans not expired at {@code now}, newest first. */
    @SqlQuery("SELECT kind, value, reason, banned_by, created_at, expires_at FROM bans "
            + "WHERE expires_at IS NULL OR expires_at > :now ORDER BY created_at DESC, id DESC")
    List<BanRow> active(@Bind("now") long now);

    /** Tokens with a live token or account ban (any expiry). */
    @SqlQuery("SELECT value FROM bans WHERE kind IN ('token', 'account')")
    List<String> allTokens();
}
