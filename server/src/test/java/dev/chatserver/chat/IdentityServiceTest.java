package dev.chatserver.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatserver.common.ChatException;
import dev.chatserver.moderation.BanService;
import dev.chatserver.store.BanDao;
import dev.chatserver.store.Database;
import dev.chatserver.store.TokenDao;
import dev.chatserver.store.TokenRow;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IdentityService with a real database: new identities, known tokens, bans, name suggestion by IP, rename. */
class IdentityServiceTest {
    @TempDir
    Path dir;
    Database db;
    TokenDao tokens;
    BanService bans;
    IdentityService identities;
    final StepClock clock = new StepClock();

    /** A clock that the test moves forward. */
    static final class StepClock extends Clock {
        final AtomicLong millis = new AtomicLong(1_000_000L);

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }

        void advance(long ms) {
            millis.addAndGet(ms);
        }
    }

    @BeforeEach
    void open() {
        db = dev.chatserver.support.TestDatabases.open(dir);
        tokens = db.jdbi().onDemand(TokenDao.class);
        bans = new BanService(db.jdbi().onDemand(BanDao.class), clock);
        identities = new IdentityService(tokens, bans, clock);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void noTokenGetsANewGuestIdentityWithA256BitToken() {
        IdentityService.Resolved r = identities.resolve(null, "10.0.0.1");
        Identity id = r.identity();
        assertEquals(32, Base64.getUrlDecoder().decode(id.token()).length, "256-bit secret token, base64url");
        assertFalse(id.token().contains("="), "no padding");
        assertFalse(id.publicToken().isEmpty());
        assertNotEquals(id.token(), id.publicToken());
        assertTrue(id.username().matches("Guest-[A-Za-z0-9_-]{4}"), id.username());
        assertFalse(id.named());
        assertNull(r.suggestedUsername());

        TokenRow stored = tokens.find(id.token()).orElseThrow();
        assertEquals(id.publicToken(), stored.publicToken());
        assertEquals(id.username(), stored.username());
        assertEquals("10.0.0.1", stored.lastIp());
        assertEquals(clock.millis(), stored.createdAt());
    }

    @Test
    void everyNewIdentityIsDifferent() {
        Identity a = identities.resolve(null, "10.0.0.1").identity();
        Identity b = identities.resolve("", "10.0.0.1").identity();
        assertNotEquals(a.token(), b.token());
        assertNotEquals(a.publicToken(), b.publicToken());
    }

    @Test
    void knownTokenReturnsTheSameIdentityAndRecordsTheVisit() {
        Identity first = identities.resolve(null, "10.0.0.1").identity();
        clock.advance(5_000);
        IdentityService.Resolved again = identities.resolve(first.token(), "10.0.0.2");
        assertEquals(first, again.identity());
        assertNull(again.suggestedUsername());
        TokenRow stored = tokens.find(first.token()).orElseThrow();
        assertEquals("10.0.0.2", stored.lastIp());
        assertEquals(clock.millis(), stored.lastSeen());
    }

    @Test
    void renamedIdentityIsReturnedWithItsChosenName() {
        Identity first = identities.resolve(null, "10.0.0.1").identity();
        Identity renamed = identities.rename(first, "  alice ");
        assertEquals("alice", renamed.username());
        assertTrue(renamed.named());
        assertEquals(renamed, identities.resolve(first.token(), "10.0.0.1").identity());
    }

    @Test
    void invalidNameIsRefusedAndNotStored() {
        Identity first = identities.resolve(null, "10.0.0.1").identity();
        ChatException e = assertThrows(ChatException.class, () -> identities.rename(first, "x".repeat(21)));
        assertEquals("invalid_username", e.code());
        assertEquals(first.username(), tokens.find(first.token()).orElseThrow().username());
    }

    @Test
    void bannedTokenIsRefused() {
        Identity id = identities.resolve(null, "10.0.0.1").identity();
        bans.ban(id.token(), "spam");
        ChatException e = assertThrows(ChatException.class, () -> identities.resolve(id.token(), "10.0.0.1"));
        assertEquals("banned", e.code());
        assertEquals(403, e.httpStatus());
    }

    @Test
    void banSurvivesARestartOfTheService() {
        Identity id = identities.resolve(null, "10.0.0.1").identity();
        bans.ban(id.token(), "spam");
        BanService reloaded = new BanService(db.jdbi().onDemand(BanDao.class), clock);
        IdentityService restarted = new IdentityService(tokens, reloaded, clock);
        assertEquals("banned", assertThrows(ChatException.class, () -> restarted.resolve(id.token(), null)).code());
        assertTrue(reloaded.unban(id.token()));
        assertEquals(id.token(), restarted.resolve(id.token(), null).identity().token());
    }

    @Test
    void newIdentityFromTheSameIpIsOfferedTheNameChosenThere() {
        Identity earlier = identities.resolve(null, "10.0.0.1").identity();
        identities.rename(earlier, "alice");
        clock.advance(1_000);

        IdentityService.Resolved fresh = identities.resolve(null, "10.0.0.1");
        assertEquals("alice", fresh.suggestedUsername());
        assertNotEquals(earlier.token(), fresh.identity().token());
        assertTrue(fresh.identity().username().startsWith("Guest-"), "the suggestion is not applied by itself");

        assertNull(identities.resolve(null, "10.0.0.2").suggestedUsername(), "another IP gets no suggestion");
        assertNull(identities.resolve(null, null).suggestedUsername(), "unknown IP gets no suggestion");
    }

    @Test
    void unnamedIdentitiesFromTheSameIpAreNotSuggested() {
        identities.resolve(null, "10.0.0.1");
        assertNull(identities.resolve(null, "10.0.0.1").suggestedUsername());
    }

    @Test
    void unknownPresentedTokenGetsAFreshIdentityNotThePresentedOne() {
        String presented = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        Identity id = identities.resolve(presented, "10.0.0.1").identity();
        assertNotEquals(presented, id.token());
        assertEquals(32, Base64.getUrlDecoder().decode(id.token()).length);
        assertEquals(Optional.empty(), tokens.find(presented), "a client cannot choose its own token");
    }
}
