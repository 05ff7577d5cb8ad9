package dev.chatserver.store;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.GetGeneratedKeys;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Polls and votes (tables {@code polls}, {@code poll_votes}). */
@RegisterConstructorMapper(PollDao.PollRow.class)
public interface PollDao {
    String COLUMNS = "p.id, p.room, p.creator_token, t.public_token AS creator_public, t.username AS creator_name, p.question, "
            + "p.options, p.multiple, p.closes_at, p.closed_at, p.created_at";
    String FROM = " FROM polls p LEFT JOIN tokens t ON t.token = p.creator_token ";

    /** @return the new poll's id */
    @SqlUpdate("INSERT INTO polls (room, creator_token, question, options, multiple, closes_at, created_at) "
            + "VALUES (:room, :creatorToken, :question, :options, :multiple, :closesAt, :createdAt)")
    @GetGeneratedKeys("id")
    long insert(@BindMethods PollRow row);

    @SqlQuery("SELECT " + COLUMNS + FROM + "WHERE p.id = :id")
    Optional<PollRow> find(@Bind("id") long id);

    /** The newest polls of a room, newest first. */
    @SqlQuery("SELECT " + COLUMNS + FROM + "WHERE p.room = :room ORDER BY p.id DESC LIMIT :limit")
    List<PollRow> ofRoom(@Bind("room") String room, @Bind("limit") int limit);

    /** @return 1 when closed now, 0 when it was closed already */
    @SqlUpdate("UPDATE polls SET closed_at = :now WHERE id = :id AND closed_at IS NULL")
    int close(@Bind("id") long id, @Bind("now") long now);

    /**
     * A single-choice vote: one statement, so two concurrent votes of one user cannot both land.
     * @return 1 when stored, 0 when the user had voted already
     */
    @SqlUpdate("INSERT INTO poll_votes (poll_id, token, option_index, created_at) SELECT :poll, :token, :option, :now "
            + "WHERE NOT EXISTS (SELECT 1 FROM poll_votes WHERE poll_id = :poll AND token = :token)")
    int voteOnce(@Bind("poll") long pollId, @Bind("token") String token, @Bind("option") int option, @Bind("now") long now);

    /** A multiple-choice vote. @return 1 when stored, 0 when the user had voted for this option already */
    @SqlUpdate("INSERT INTO poll_votes (poll_id, token, option_index, created_at) VALUES (:poll, :token, :option, :now) "
            + "ON CONFLICT DO NOTHING")
    int voteOption(@Bind("poll") long pollId, @Bind("token") String token, @Bind("option") int option, @Bind("now") long now);

    /** Votes per option as {@code "index count"}. */
    @SqlQuery("SELECT option_index || ' ' || count(*) FROM poll_votes WHERE poll_id = :poll GROUP BY option_index")
    List<String> counts(@Bind("poll") long pollId);

    @SqlQuery("SELECT count(DISTINCT token) FROM poll_votes WHERE poll_id = :poll")
    int voters(@Bind("poll") long pollId);

    @SqlQuery("SELECT option_index FROM poll_votes WHERE poll_id = :poll AND token = :token ORDER BY option_index")
    List<Integer> votesOf(@Bind("poll") long pollId, @Bind("token") String token);

    /**
     * A stored poll.
     *
     * @param options JSON array of the option texts
     * @param closesAt epoch ms, or null for no deadline
     * @param closedAt epoch ms when closed by hand, or null
     */
    record PollRow(long id, String room, String creatorToken, String creatorPublic, String creatorName, String question,
                   String options, boolean multiple, Long closesAt, Long closedAt, long createdAt) {
    }
}
