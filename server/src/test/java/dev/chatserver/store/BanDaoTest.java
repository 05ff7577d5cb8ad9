package dev.chatserver.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.HashSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BanDao on a real SQLite file: ban (idempotent), allTokens, unban row counts. */
class BanDaoTest {
    @TempDir
    Path dir;
    Database db;
    BanDao bans;

    @BeforeEach
    void open() {
        db = dev.chatserver.support.TestDatabases.open(dir);
        bans = db.jdbi().onDemand(BanDao.class);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void bannedTokensAreListed() {
        assertEquals(List.of(), bans.allTokens());
        bans.ban("t1", "spam", 100L);
        bans.ban("t2", null, 200L);
        assertEquals(Set.of("t1", "t2"), new HashSet<>(bans.allTokens()));
    }

    @Test
    void banningTwiceKeepsOneRowWithTheNewReason() {
        bans.ban("t1", "spam", 100L);
        bans.ban("t1", "abuse", 200L);
        assertEquals(List.of("t1"), bans.allTokens());
        assertEquals("abuse", db.jdbi().withHandle(h ->
                h.createQuery("SELECT reason FROM bans WHERE value = 't1'").mapTo(String.class).one()));
    }

    @Test
    void unbanReturnsTheRowsRemoved() {
        bans.ban("t1", "spam", 100L);
        assertEquals(1, bans.unban("t1"));
        assertEquals(0, bans.unban("t1"));
        assertEquals(0, bans.unban("never-banned"));
        assertEquals(List.of(), bans.allTokens());
    }
}
