package dev.chatserver.admin;

import java.util.List;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Admin sessions ({@code admin_sessions}) and the audit log ({@code audit_log}). Times are epoch ms. */
@RegisterConstructorMapper(AdminDao.SessionRow.class)
@RegisterConstructorMapper(AdminDao.AuditRow.class)
public interface AdminDao {
    /** A stored admin session: SHA-256 of the cookie id, admin name, expiry. */
    record SessionRow(String idHash, String admin, long expiresAt) {
    }

    /** One audit entry; {@code details} is a JSON object. */
    record AuditRow(long id, long at, String admin, String action, String target, String reason, String details) {
    }

    @SqlUpdate("INSERT INTO admin_sessions (id_hash, admin, ip, created_at, expires_at) VALUES (:hash, :admin, :ip, :now, :expires)")
    void insertSession(@Bind("hash") String hash, @Bind("admin") String admin, @Bind("ip") String ip,
                       @Bind("now") long now, @Bind("expires") long expiresAt);

    @SqlQuery("SELECT id_hash, admin, expires_at FROM admin_sessions WHERE expires_at > :now")
    List<SessionRow> liveSessions(@Bind("now") long now);

    @SqlUpdate("DELETE FROM admin_sessions WHERE id_hash = :hash OR expires_at <= :now")
    int deleteSession(@Bind("hash") String hash, @Bind("now") long now);

    @SqlUpdate("DELETE FROM admin_sessions WHERE admin = :admin")
    int deleteSessionsOf(@Bind("admin") String admin);

    @SqlUpdate("INSERT INTO audit_log (at, admin, action, target, reason, details) VALUES (:at, :admin, :action, :target, :reason, :details)")
    void audit(@Bind("at") long at, @Bind("admin") String admin, @Bind("action") String action,
               @Bind("target") String target, @Bind("reason") String reason, @Bind("details") String details);

    @SqlQuery("SELECT id, at, admin, action, target, reason, details FROM audit_log ORDER BY id DESC LIMIT :limit OFFSET :offset")
    List<AuditRow> auditPage(@Bind("limit") int limit, @Bind("offset") long offset);

    @SqlQuery("SELECT count(*) FROM audit_log")
    long auditCount();
}
