package dev.chatserver.admin;

import dev.chatserver.common.Json;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/** Writes one row per admin action (who, what, target, reason, when, details) and pages through them. Blocking. */
public final class AuditLog {
    private final AdminDao dao;
    private final Clock clock;

    public AuditLog(AdminDao dao, Clock clock) {
        this.dao = dao;
        this.clock = clock;
    }

    /**
     * Records an action.
     *
     * @param admin   who
     * @param action  what, e.g. {@code ban}, {@code kick}, {@code move}
     * @param target  whom (public token, IP, user name, socket id), or null
     * @param reason  free text, or null
     * @param details more fields (never secrets), stored as JSON
     */
    public void record(String admin, String action, String target, String reason, Map<String, Object> details) {
        dao.audit(clock.millis(), admin, action, target, reason == null || reason.isBlank() ? null : reason,
                Json.write(details == null ? Map.of() : details));
    }

    /** Newest first. @param page 1-based; @param pageSize rows per page */
    public List<AdminDao.AuditRow> page(int page, int pageSize) {
        return dao.auditPage(pageSize, (long) (page - 1) * pageSize);
    }

    /** Rows in all. */
    public long count() {
        return dao.auditCount();
    }
}
