package dev.chatserver.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.chatserver.common.ChatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Usernames.validate: trimming, 1-20 code points, no control or line/paragraph separator characters. */
class UsernamesTest {

    private static void assertRefused(String raw) {
        ChatException e = assertThrows(ChatException.class, () -> Usernames.validate(raw));
        assertEquals("invalid_username", e.code());
        assertEquals(400, e.httpStatus());
    }

    @Test
    void trimsSurroundingWhitespace() {
        assertEquals("alice", Usernames.validate("  alice\t"));
        assertEquals("a b", Usernames.validate(" a b "), "inner spaces are kept");
    }

    @Test
    void twentyCharactersAreAcceptedAndTwentyOneRefused() {
        assertEquals("a".repeat(20), Usernames.validate("a".repeat(20)));
        assertEquals("a".repeat(20), Usernames.validate("  " + "a".repeat(20) + "  "), "length is counted after trimming");
        assertRefused("a".repeat(21));
    }

    @Test
    void nullIsRefused() {
        assertRefused(null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t\n ", "\u2003"})
    void emptyOrBlankIsRefused(String raw) {
        assertRefused(raw);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\u0000b", "a\nb", "a\rb", "a\u0007b", "a\u007fb", "a\u0085b", "a\u2028b", "a\u2029b"})
    void controlAndSeparatorCharactersAreRefused(String raw) {
        assertRefused(raw);
    }

    @Test
    void emojiAreAllowedAndCountedByCodePoints() {
        String twenty = "\uD83D\uDE00".repeat(20); // 20 code points, 40 UTF-16 units
        assertEquals(twenty, Usernames.validate(twenty));
        assertRefused("\uD83D\uDE00".repeat(21));
    }

    @Test
    void persianLettersAreAllowedAndCountedByCodePoints() {
        assertEquals("سارا", Usernames.validate("سارا"));
        assertEquals("نیلوفر\u200cها", Usernames.validate("نیلوفر\u200cها"), "zero-width non-joiner is part of Persian spelling");
        assertEquals("ش".repeat(20), Usernames.validate("ش".repeat(20)));
        assertRefused("ش".repeat(21));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u202Eevil", "a\u202Db", "x\u2066y", "name\u2069"})
    void bidiOverridesAndIsolatesAreRefused(String raw) {
        assertRefused(raw);
    }
}
