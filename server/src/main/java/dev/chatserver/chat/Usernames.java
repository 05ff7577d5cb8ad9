package dev.chatserver.chat;

import dev.chatserver.common.ChatException;

/** Username rules: 1-20 characters after trimming, no control or bidi-override characters (seed 002: maxlength 20). */
public final class Usernames {
    /** Longest name, characters (seed 002 page: maxlength="20"). */
    public static final int MAX_CHARS = 20;

    private Usernames() {
    }

    /**
     * @param raw the name as sent
     * @return the trimmed name
     * @throws ChatException {@code invalid_username} when empty, too long, or containing control characters,
     *     line/paragraph separators or bidirectional overrides/isolates (U+202A-202E, U+2066-2069: name
     *     spoofing); other format characters such as ZWNJ stay allowed (Persian spelling needs it)
     */
    public static String validate(String raw) {
        if (raw == null) {
            throw new ChatException("invalid_username", "a username is required");
        }
        String name = raw.strip();
        if (name.isEmpty()) {
            throw new ChatException("invalid_username", "the username is empty");
        }
        if (name.codePointCount(0, name.length()) > MAX_CHARS) {
            throw new ChatException("invalid_username", "the username is longer than " + MAX_CHARS + " characters");
        }
        boolean bad = name.codePoints().anyMatch(cp -> Character.isISOControl(cp)
                || Character.getType(cp) == Character.LINE_SEPARATOR
                || Character.getType(cp) == Character.PARAGRAPH_SEPARATOR
                || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069));
        if (bad) {
            throw new ChatException("invalid_username", "the username contains control characters");
        }
        return name;
    }
}
