package dev.chatserver.polls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatserver.common.ChatException;
import dev.chatserver.store.Database;
import dev.chatserver.store.PollDao;
import dev.chatserver.store.RoomDao;
import dev.chatserver.store.RoomRow;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Poll rules on a temp SQLite file with a movable clock. */
class PollServiceTest {
    private static final long T0 = 1_800_000_000_000L;
    private Database db;
    private long now = T0;
    private PollService polls;

    @BeforeEach
    void open(@TempDir Path dir) {
        db = new Database(dir.resolve("p.sqlite3"), "NORMAL", 2);
        db.jdbi().onDemand(RoomDao.class).insertIfAbsent(new RoomRow("R", "R", null, T0));
        Clock clock = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochMilli(now);
            }
        };
        polls = new PollService(db.jdbi().onDemand(PollDao.class), clock);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private static String code(Runnable r) {
        return assertThrows(ChatException.class, r::run).code();
    }

    @Test
    void badPollsAreRefused() {
        assertEquals("bad_request", code(() -> polls.create("R", "t", "q", List.of("one"), false, null)));
        assertEquals("bad_request", code(() -> polls.create("R", "t", "q", List.of("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"), false, null)));
        assertEquals("bad_request", code(() -> polls.create("R", "t", "q", List.of("Tea", "tea "), false, null)), "duplicates");
        assertEquals("bad_request", code(() -> polls.create("R", "t", "  ", List.of("a", "b"), false, null)), "no question");
        assertEquals("bad_request", code(() -> polls.create("R", "t", "q", List.of("a", ""), false, null)), "empty option");
        assertEquals("bad_request", code(() -> polls.create("R", "t", "q", List.of("a", "b"), false, T0 - 1)), "deadline passed");
        assertEquals("bad_request", code(() -> polls.create("R", "t", "q", List.of("a", "b"), false, T0 + PollService.MAX_OPEN_MS + 1)));
    }

    @Test
    void aDeadlineClosesThePollAndVotesAreCountedAnonymously() {
        long id = polls.create("R", "creator", "Which?", List.of("a", "b"), false, T0 + 60_000).id();
        polls.vote(id, "v1", 0);
        polls.vote(id, "v2", 0);
        assertEquals("already_voted", code(() -> polls.vote(id, "v1", 1)));
        assertEquals("bad_request", code(() -> polls.vote(id, "v3", 2)), "no such option");
        Map<String, Object> p = polls.payload(polls.find(id));
        assertEquals(2, p.get("total_votes"));
        assertFalse((Boolean) p.get("closed"));
        assertFalse(p.toString().contains("v1"), "voters are not listed");
        now = T0 + 60_000;
        assertTrue((Boolean) polls.payload(polls.find(id)).get("closed"));
        assertEquals("poll_closed", code(() -> polls.vote(id, "v3", 1)));
        assertEquals("not_allowed", code(() -> polls.close(id, "v1", false)));
        assertEquals("poll_not_found", code(() -> polls.vote(id + 99, "v1", 0)));
    }
}
