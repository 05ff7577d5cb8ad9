package dev.chatserver.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TokenDao on a real SQLite file: insert/find, touch, rename, and name recovery by IP (lastNamedAt). */
class TokenDaoTest {
    @TempDir
    Path dir;
    Database db;
    TokenDao tokens;

    @BeforeEach
    void open() {
        db = dev.chatserver.support.TestDatabases.open(dir);
        tokens = db.jdbi().onDemand(TokenDao.class);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private static TokenRow row(String token, String name, boolean named, String ip, long seen) {
        return new TokenRow(token, "pub-" + token, name, named, ip, seen, seen);
    }

    @Test
    void insertedRowIsFoundWithEveryField() {
        TokenRow r = new TokenRow("secret1", "public1", "Guest-abcd", false, "10.0.0.1", 100L, 200L);
        tokens.insert(r);
        assertEquals(Optional.of(r), tokens.find("secret1"));
        assertEquals(Optional.empty(), tokens.find("missing"));
    }

    @Test
    void publicTokenIsUnique() {
        tokens.insert(new TokenRow("a", "same", "A", false, null, 1, 1));
        assertThrowsUnable(() -> tokens.insert(new TokenRow("b", "same", "B", false, null, 1, 1)));
    }

    private static void assertThrowsUnable(Runnable r) {
        org.junit.jupiter.api.Assertions.assertThrows(UnableToExecuteStatementException.class, r::run);
    }

    @Test
    void touchRecordsIpAndTime() {
        tokens.insert(row("t", "Guest-1", false, "10.0.0.1", 100));
        tokens.touch("t", "10.0.0.2", 500);
        TokenRow r = tokens.find("t").orElseThrow();
        assertEquals("10.0.0.2", r.lastIp());
        assertEquals(500L, r.lastSeen());
        assertEquals(100L, r.createdAt(), "created_at is unchanged");
    }

    @Test
    void renameSetsTheNameAndMarksItChosen() {
        tokens.insert(row("t", "Guest-1", false, "10.0.0.1", 100));
        assertEquals(1, tokens.rename("t", "alice"));
        TokenRow r = tokens.find("t").orElseThrow();
        assertEquals("alice", r.username());
        assertTrue(r.named());
        assertEquals(0, tokens.rename("unknown", "bob"));
    }

    @Test
    void lastNamedAtReturnsTheMostRecentlySeenChosenNameForThatIp() {
        tokens.insert(row("old", "x", false, "10.0.0.1", 100));
        tokens.rename("old", "older-name");
        tokens.insert(row("new", "y", false, "10.0.0.1", 200));
        tokens.rename("new", "newer-name");
        tokens.insert(row("unnamed", "Guest-zz", false, "10.0.0.1", 300)); // most recent, but never named
        tokens.insert(row("elsewhere", "z", false, "10.0.0.9", 400));
        tokens.rename("elsewhere", "other-ip-name");

        assertEquals(Optional.of("newer-name"), tokens.lastNamedAt("10.0.0.1"));
        tokens.touch("old", "10.0.0.1", 1000);
        assertEquals(Optional.of("older-name"), tokens.lastNamedAt("10.0.0.1"), "ordered by last_seen");
        assertEquals(Optional.empty(), tokens.lastNamedAt("10.0.0.7"));
    }

    @Test
    void lastNamedAtIgnoresUnnamedTokens() {
        tokens.insert(row("a", "Guest-1", false, "10.0.0.1", 100));
        assertEquals(Optional.empty(), tokens.lastNamedAt("10.0.0.1"));
    }
}
