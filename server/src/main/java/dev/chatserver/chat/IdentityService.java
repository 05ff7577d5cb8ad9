package dev.chatserver.chat;

import dev.chatserver.common.ChatException;
import dev.chatserver.moderation.BanService;
import dev.chatserver.store.TokenDao;
import dev.chatserver.store.TokenRow;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Optional;

/**
 * Token identity of seed 000: finds the identity of a secret token, or creates a new one with a generated
 * name and, where the IP once chose a name, that name as a suggestion. Blocking (database): call it on
 * the blocking executor.
 */
public final class IdentityService {
    private final TokenDao tokens;
    private final BanService bans;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public IdentityService(TokenDao tokens, BanService bans, Clock clock) {
        this.tokens = tokens;
        this.bans = bans;
        this.clock = clock;
    }

    /**
     * What {@link #resolve} found.
     *
     * @param identity          the identity
     * @param suggestedUsername a name chosen earlier from this IP, for a new identity; else null
     */
    public record Resolved(Identity identity, String suggestedUsername) {
    }

    /**
     * @param presentedToken secret token the client presented, or null
     * @param ip             client IP
     * @throws ChatException {@code banned} when the token is banned
     */
    public Resolved resolve(String presentedToken, String ip) {
        long now = clock.millis();
        if (presentedToken != null && !presentedToken.isBlank()) {
            if (bans.isBanned(presentedToken)) {
                throw new ChatException("banned", "this identity is banned", 403);
            }
            Optional<TokenRow> row = tokens.find(presentedToken);
            if (row.isPresent()) {
                tokens.touch(presentedToken, ip, now);
                TokenRow r = row.get();
                return new Resolved(new Identity(r.token(), r.publicToken(), r.username(), r.named()), null);
            }
        }
        String token = randomToken(32);
        String publicToken = randomToken(9);
        String name = "Guest-" + publicToken.substring(0, 4);
        tokens.insert(new TokenRow(token, publicToken, name, false, ip, now, now));
        String suggested = ip == null ? null : tokens.lastNamedAt(ip).orElse(null);
        return new Resolved(new Identity(token, publicToken, name, false), suggested);
    }

    /** The secret token behind a public token (or an account id given as digits), if any. */
    public Optional<String> secretOfPublic(String publicTokenOrUserId) {
        return tokens.secretOfPublic(publicTokenOrUserId);
    }

    /**
     * Stores a chosen name. @return the renamed identity
     * @throws ChatException {@code invalid_username}
     */
    public Identity rename(Identity who, String rawName) {
        String name = Usernames.validate(rawName);
        tokens.rename(who.token(), name);
        return who.renamed(name);
    }

    private String randomToken(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
