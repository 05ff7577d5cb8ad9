package dev.chatserver.store;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.GetGeneratedKeys;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Accounts ({@code users}), their sessions and recovery codes. */
@RegisterConstructorMapper(UserRow.class)
public interface UserDao {
    String COLS = "id, username, email, password_hash, token, is_admin, prefs, totp_secret, totp_pending, totp_last_step, created_at";

    @SqlQuery("SELECT " + COLS + " FROM users WHERE username = :username")
    Optional<UserRow> byUsername(@Bind("username") String username);

    @SqlQuery("SELECT " + COLS + " FROM users WHERE id = :id")
    Optional<UserRow> byId(@Bind("id") long id);

    @SqlQuery("SELECT " + COLS + " FROM users WHERE token = :token")
    Optional<UserRow> byToken(@Bind("token") String token);

    @SqlQuery("SELECT count(*) FROM users")
    long count();

    /** @return the new id */
    @SqlUpdate("INSERT INTO users (username, email, password_hash, token, is_admin, created_at) "
            + "VALUES (:username, :email, :hash, :token, :admin, :now)")
    @GetGeneratedKeys("id")
    long insert(@Bind("username") String username, @Bind("email") String email, @Bind("hash") String hash,
                @Bind("token") String token, @Bind("admin") boolean admin, @Bind("now") long now);

    @SqlUpdate("UPDATE users SET username = :username, email = :email, prefs = :prefs WHERE id = :id")
    void updateProfile(@Bind("id") long id, @Bind("username") String username, @Bind("email") String email,
                       @Bind("prefs") String prefs);

    @SqlUpdate("UPDATE users SET password_hash = :hash WHERE id = :id")
    void updatePassword(@Bind("id") long id, @Bind("hash") String hash);

    @SqlUpdate("UPDATE users SET is_admin = :admin WHERE id = :id")
    void setAdmin(@Bind("id") long id, @Bind("admin") boolean admin);

    @SqlUpdate("UPDATE users SET totp_pending = :secret WHERE id = :id")
    void setTotpPending(@Bind("id") long id, @Bind("secret") String secret);

    @SqlUpdate("UPDATE users SET totp_secret = totp_pending, totp_pending = NULL, totp_last_step = :step WHERE id = :id")
    void confirmTotp(@Bind("id") long id, @Bind("step") long step);

    @SqlUpdate("UPDATE users SET totp_secret = NULL, totp_pending = NULL WHERE id = :id")
    void disableTotp(@Bind("id") long id);

    /** Records an accepted step only if it is newer. @return 1 when recorded, 0 when the step was used already */
    @SqlUpdate("UPDATE users SET totp_last_step = :step WHERE id = :id AND totp_last_step < :step")
    int useTotpStep(@Bind("id") long id, @Bind("step") long step);

    // sessions

    @SqlUpdate("INSERT INTO sessions (id_hash, user_id, stage, ip, created_at, expires_at) VALUES (:hash, :user, :stage, :ip, :now, :expires)")
    void insertSession(@Bind("hash") String idHash, @Bind("user") long userId, @Bind("stage") String stage,
                       @Bind("ip") String ip, @Bind("now") long now, @Bind("expires") long expiresAt);

    /** @return the user id and stage of a live session */
    @SqlQuery("SELECT user_id || ':' || stage FROM sessions WHERE id_hash = :hash AND expires_at > :now")
    Optional<String> session(@Bind("hash") String idHash, @Bind("now") long now);

    @SqlUpdate("DELETE FROM sessions WHERE id_hash = :hash")
    int deleteSession(@Bind("hash") String idHash);

    @SqlUpdate("DELETE FROM sessions WHERE user_id = :user")
    int deleteSessionsOf(@Bind("user") long userId);

    @SqlQuery("SELECT id_hash FROM sessions WHERE user_id = :user")
    List<String> sessionHashesOf(@Bind("user") long userId);

    @SqlUpdate("DELETE FROM sessions WHERE expires_at <= :now")
    int deleteExpiredSessions(@Bind("now") long now);

    // recovery codes

    @SqlUpdate("DELETE FROM recovery_codes WHERE user_id = :user")
    void deleteRecoveryCodes(@Bind("user") long userId);

    @SqlUpdate("INSERT INTO recovery_codes (user_id, code_hash) VALUES (:user, :hash)")
    void insertRecoveryCode(@Bind("user") long userId, @Bind("hash") String codeHash);

    /** Marks an unused code used. @return 1 when it was valid and unused */
    @SqlUpdate("UPDATE recovery_codes SET used_at = :now WHERE user_id = :user AND code_hash = :hash AND used_at IS NULL")
    int useRecoveryCode(@Bind("user") long userId, @Bind("hash") String codeHash, @Bind("now") long now);

    @SqlQuery("SELECT username FROM users ORDER BY username")
    List<String> usernames();
}
