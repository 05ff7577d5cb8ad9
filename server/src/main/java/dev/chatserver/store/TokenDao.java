package dev.chatserver.store;

import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Identities of seed 000 (table {@code tokens}). */
@RegisterConstructorMapper(TokenRow.class)
public interface TokenDao {

    @SqlQuery("SELECT token, public_token, username, named, last_ip, created_at, last_seen FROM tokens WHERE token = :token")
    Optional<TokenRow> find(@Bind("token") String token);

    @SqlUpdate("INSERT INTO tokens (token, public_token, username, named, last_ip, created_at, last_seen) "
            + "VALUES (:token, :publicToken, :username, :named, :lastIp, :createdAt, :lastSeen)")
    void insert(@BindMethods TokenRow row);

    /** Records a visit: IP and time (ms). */
    @SqlUpdate("UPDATE tokens SET last_ip = :ip, last_seen = :now WHERE token = :token")
    void touch(@Bind("token") String token, @Bind("ip") String ip, @Bind("now") long now);

    /** Sets a chosen name ({@code named = 1}). @return rows changed */
    @SqlUpdate("UPDATE tokens SET username = :username, named = 1 WHERE token = :token")
    int rename(@Bind("token") String token, @Bind("username") String username);

    /** The secret token of a public token, or of an account id. */
    @SqlQuery("SELECT token FROM tokens WHERE public_token = :id UNION ALL SELECT token FROM users WHERE CAST(id AS TEXT) = :id LIMIT 1")
    Optional<String> secretOfPublic(@Bind("id") String publicTokenOrUserId);

    /** The name most recently chosen from this IP (seed 000: name recovery for anonymous users). */
    @SqlQuery("SELECT username FROM tokens WHERE named = 1 AND last_ip = :ip ORDER BY last_seen DESC LIMIT 1")
    Optional<String> lastNamedAt(@Bind("ip") String ip);
}
