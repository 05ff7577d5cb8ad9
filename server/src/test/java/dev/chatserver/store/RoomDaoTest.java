package dev.chatserver.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RoomDao on a real SQLite file: insertIfAbsent (1 then 0, first row wins), find, recent. */
class RoomDaoTest {
    @TempDir
    Path dir;
    Database db;
    RoomDao rooms;

    @BeforeEach
    void open() {
        db = dev.chatserver.support.TestDatabases.open(dir);
        rooms = db.jdbi().onDemand(RoomDao.class);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void insertIfAbsentReturnsOneThenZeroAndKeepsTheFirstRow() {
        RoomRow first = new RoomRow("ABC123", "First", "host-token", 100L);
        assertEquals(1, rooms.insertIfAbsent(first));
        assertEquals(0, rooms.insertIfAbsent(new RoomRow("ABC123", "Second", "other", 200L)));
        assertEquals(Optional.of(first), rooms.find("ABC123"));
    }

    @Test
    void findOfAnUnknownCodeIsEmpty() {
        assertEquals(Optional.empty(), rooms.find("nope"));
    }

    @Test
    void hostTokenMayBeNull() {
        rooms.insertIfAbsent(new RoomRow("lobby", "Lobby", null, 1L));
        assertEquals(null, rooms.find("lobby").orElseThrow().hostToken());
    }

    @Test
    void recentListsNewestFirstUpToTheLimit() {
        rooms.insertIfAbsent(new RoomRow("A", "A", null, 1L));
        rooms.insertIfAbsent(new RoomRow("B", "B", null, 3L));
        rooms.insertIfAbsent(new RoomRow("C", "C", null, 2L));
        assertEquals(List.of("B", "C"), rooms.recent(2).stream().map(RoomRow::code).toList());
    }
}
