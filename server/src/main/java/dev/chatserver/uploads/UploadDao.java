package dev.chatserver.uploads;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Uploaded files (table {@code uploads}). Blocking (database). */
@RegisterConstructorMapper(UploadRow.class)
public interface UploadDao {
    String COLUMNS = "id, name, type, kind, size, sha256, token, username, room, uploader_ip, width, height, created_at, shared_at";

    /**
     * Inserts the row only if the uploader's stored bytes plus this file stay within {@code quota}; one statement,
     * so concurrent uploads of one user cannot both pass the check.
     *
     * @return 1 when stored, 0 when the quota would be exceeded
     */
    @SqlUpdate("INSERT INTO uploads (" + COLUMNS + ") SELECT :id, :name, :type, :kind, :size, :sha256, :token, :username, "
            + ":room, :uploaderIp, :width, :height, :createdAt, :sharedAt "
            + "WHERE (SELECT coalesce(sum(size), 0) FROM uploads WHERE token = :token) + :size <= :quota")
    int insertWithinQuota(@BindMethods UploadRow row, @Bind("quota") long quota);

    @SqlQuery("SELECT " + COLUMNS + " FROM uploads WHERE id = :id")
    Optional<UploadRow> find(@Bind("id") String id);

    /** Bytes stored for an uploader. */
    @SqlQuery("SELECT coalesce(sum(size), 0) FROM uploads WHERE token = :token")
    long usedBytes(@Bind("token") String token);

    /**
     * Records that the uploader shared the file (first time only). @return 1 when the file exists and belongs to
     * {@code token}, else 0
     */
    @SqlUpdate("UPDATE uploads SET shared_at = coalesce(shared_at, :now) WHERE id = :id AND token = :token")
    int markShared(@Bind("id") String id, @Bind("token") String token, @Bind("now") long now);

    /** Rooms whose readers may fetch the file: where it was shared, and the room named at upload. */
    @SqlQuery("SELECT room FROM messages WHERE file_id = :id UNION SELECT room FROM uploads WHERE id = :id AND room IS NOT NULL")
    List<String> roomsOf(@Bind("id") String id);

    /** Uploads never shared and created before {@code cutoff} (epoch ms), oldest first. */
    @SqlQuery("SELECT " + COLUMNS + " FROM uploads WHERE shared_at IS NULL AND created_at < :cutoff ORDER BY created_at LIMIT :limit")
    List<UploadRow> orphans(@Bind("cutoff") long cutoff, @Bind("limit") int limit);

    /** Deletes an upload if it is still an orphan older than {@code cutoff}. @return rows deleted */
    @SqlUpdate("DELETE FROM uploads WHERE id = :id AND shared_at IS NULL AND created_at < :cutoff")
    int deleteOrphan(@Bind("id") String id, @Bind("cutoff") long cutoff);

    /** Whether a row with this id exists. */
    @SqlQuery("SELECT count(*) > 0 FROM uploads WHERE id = :id")
    boolean exists(@Bind("id") String id);
}
