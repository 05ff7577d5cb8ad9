package dev.chatserver.rooms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatserver.common.ChatException;
import dev.chatserver.store.Database;
import dev.chatserver.store.RoomDao;
import dev.chatserver.store.RoomRow;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RoomService with a real database: code validation, the lobby, ensure (create on visit or room_not_found), create ids. */
class RoomServiceTest {
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(42_000L), ZoneOffset.UTC);

    @TempDir
    Path dir;
    Database db;
    RoomDao dao;
    RoomService rooms;

    @BeforeEach
    void open() {
        db = dev.chatserver.support.TestDatabases.open(dir);
        dao = db.jdbi().onDemand(RoomDao.class);
        rooms = new RoomService(dao, CLOCK);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"lobby", "A", "ABC123", "my-room_2", "0123456789012345678901234567890123456789012345678901234567890123"})
    void validateCodeAcceptsLettersDigitsDashAndUnderscoreUpTo64(String code) {
        assertEquals(code, RoomService.validateCode(code));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "a b", "a/b", "../etc", "room!", "caf\u00e9", "ROOM\n",
            "01234567890123456789012345678901234567890123456789012345678901234"})
    void validateCodeRefusesEverythingElse(String code) {
        ChatException e = assertThrows(ChatException.class, () -> RoomService.validateCode(code));
        assertEquals("invalid_room", e.code());
    }

    @Test
    void validateCodeRefusesNull() {
        assertEquals("invalid_room", assertThrows(ChatException.class, () -> RoomService.validateCode(null)).code());
    }

    @Test
    void lobbyExistsAndASecondServiceOnTheSameDatabaseKeepsIt() {
        assertEquals(Optional.of(new RoomRow("lobby", "Lobby", null, 42_000L)), dao.find(RoomService.LOBBY));
        new RoomService(dao, Clock.fixed(Instant.ofEpochMilli(99_000L), ZoneOffset.UTC));
        assertEquals(42_000L, dao.find(RoomService.LOBBY).orElseThrow().createdAt());
    }

    @Test
    void createReturnsASixCharacterUppercaseIdWithoutLookAlikes() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            RoomRow row = rooms.create(null, "host");
            assertTrue(row.code().matches("[A-HJ-NP-Z2-9]{6}"), row.code());
            assertEquals(row.code(), row.name(), "no name: the id is the name");
            assertEquals(Optional.of(row), dao.find(row.code()));
            ids.add(row.code());
        }
        assertEquals(200, ids.size(), "ids are distinct");
    }

    @Test
    void createKeepsTheTrimmedNameAndTheHost() {
        RoomRow row = rooms.create("  Book club ", "host-token");
        assertEquals("Book club", row.name());
        assertEquals("host-token", row.hostToken());
        assertEquals(42_000L, row.createdAt());
        RoomRow blank = rooms.create(" ", null);
        assertEquals(blank.code(), blank.name(), "a blank name uses the id");
    }

    @Test
    void createRefusesANameLongerThan64Characters() {
        assertEquals("bad_request", assertThrows(ChatException.class, () -> rooms.create("n".repeat(65), null)).code());
        assertEquals("n".repeat(64), rooms.create("n".repeat(64), null).name());
    }

    @Test
    void ensureWithoutCreateRefusesAnUnknownRoom() {
        ChatException e = assertThrows(ChatException.class, () -> rooms.ensure("NOPE", "host", false));
        assertEquals("room_not_found", e.code());
        assertEquals(404, e.httpStatus());
        assertEquals(Optional.empty(), dao.find("NOPE"));
    }

    @Test
    void ensureWithCreateMakesTheVisitorTheHost() {
        rooms.ensure("NEW", "visitor", true);
        assertEquals(Optional.of(new RoomRow("NEW", "NEW", "visitor", 42_000L)), dao.find("NEW"));
        rooms.ensure("NEW", "someone-else", true);
        assertEquals("visitor", dao.find("NEW").orElseThrow().hostToken(), "an existing room keeps its host");
        rooms.ensure("NEW", "someone-else", false);
        rooms.ensure(RoomService.LOBBY, null, false);
    }
}
