package dev.chatserver.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** MessageDao reads: latest/after/before windows are per room and oldest first; public token joined from tokens. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MessageDaoTest {
    Database db;
    MessageDao messages;
    /** Ids of room A's ten messages, in order; room B's five messages are interleaved. */
    final List<Long> a = new ArrayList<>();

    @BeforeAll
    void fill(@TempDir Path dir) throws Exception {
        db = dev.chatserver.support.TestDatabases.open(dir);
        db.jdbi().onDemand(RoomDao.class).insertIfAbsent(new RoomRow("A", "A", null, 1L));
        db.jdbi().onDemand(RoomDao.class).insertIfAbsent(new RoomRow("B", "B", null, 1L));
        db.jdbi().onDemand(TokenDao.class).insert(new TokenRow("tok-a", "pub-a", "alice", true, null, 1L, 1L));
        messages = db.jdbi().onDemand(MessageDao.class);
        MessageWriter writer = new MessageWriter(db.jdbi(), 8, 100);
        try {
            for (int i = 0; i < 10; i++) {
                a.add(writer.submit(new MessageRow(0, "A", i % 2 == 0 ? "tok-a" : null, null, "alice", "a" + i, "chat",
                        "10.0.0.1", 1000L + i)).get(10, TimeUnit.SECONDS).id());
                if (i % 2 == 0) {
                    writer.submit(new MessageRow(0, "B", null, null, "bob", "b" + i, "chat", null, 1000L + i))
                            .get(10, TimeUnit.SECONDS);
                }
            }
        } finally {
            writer.close();
        }
    }

    @AfterAll
    void close() {
        db.close();
    }

    private static List<String> texts(List<MessageRow> rows) {
        return rows.stream().map(MessageRow::text).toList();
    }

    @Test
    void latestReturnsTheNewestMessagesOfTheRoomOldestFirst() {
        assertEquals(List.of("a7", "a8", "a9"), texts(messages.latest("A", 3)));
        assertEquals(10, messages.latest("A", 100).size());
        assertEquals(List.of("b0", "b2", "b4", "b6", "b8"), texts(messages.latest("B", 100)));
        assertEquals(List.of(), messages.latest("empty", 10));
    }

    @Test
    void afterReturnsTheMessagesFollowingAnIdOldestFirst() {
        assertEquals(List.of("a5", "a6", "a7"), texts(messages.after("A", a.get(4), 3)));
        assertEquals(List.of("a0", "a1"), texts(messages.after("A", 0, 2)));
        assertEquals(List.of(), messages.after("A", a.get(9), 10));
    }

    @Test
    void beforeReturnsTheMessagesJustBeforeAnIdOldestFirst() {
        assertEquals(List.of("a2", "a3", "a4"), texts(messages.before("A", a.get(5), 3)));
        assertEquals(List.of("a0"), texts(messages.before("A", a.get(1), 3)));
        assertEquals(List.of(), messages.before("A", a.get(0), 3));
    }

    @Test
    void rowsCarryEveryColumnAndThePublicTokenOfTheSender() {
        MessageRow first = messages.after("A", 0, 1).get(0);
        assertEquals(new MessageRow(a.get(0), "A", "tok-a", "pub-a", "alice", "a0", "chat", "10.0.0.1", 1000L), first);
        assertNull(messages.after("A", a.get(0), 1).get(0).publicToken(), "no token, no public token");
    }

    @Test
    void countsAndMaxId() {
        assertEquals(10L, messages.countInRoom("A"));
        assertEquals(5L, messages.countInRoom("B"));
        assertEquals(15L, messages.maxId());
    }
}
