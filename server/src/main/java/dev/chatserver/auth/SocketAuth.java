package dev.chatserver.auth;

import dev.chatserver.chat.Identity;
import dev.chatserver.chat.IdentityService;
import dev.chatserver.common.ChatException;
import dev.chatserver.moderation.BanService;
import dev.chatserver.store.UserRow;
import java.util.Optional;

/**
 * Who a new socket is: the account of a login session (cookie {@code chat_session} or {@code auth.session}),
 * else, where anonymous chat is allowed (seed 000, default), the anonymous token identity. An account's own
 * chat token is not accepted as a bearer credential: accounts sign in with a session, so logout and bans
 * revoke them. Blocking (database): blocking executor only.
 */
public final class SocketAuth {
    private final SessionService sessions;
    private final AccountService accounts;
    private final IdentityService identities;
    private final BanService bans;
    private final boolean allowAnonymous;
    private final boolean require2fa;

    public SocketAuth(SessionService sessions, AccountService accounts, IdentityService identities, BanService bans,
                      boolean allowAnonymous, boolean require2fa) {
        this.sessions = sessions;
        this.accounts = accounts;
        this.identities = identities;
        this.bans = bans;
        this.allowAnonymous = allowAnonymous;
        this.require2fa = require2fa;
    }

    /**
     * The result.
     *
     * @param identity          chat identity
     * @param suggestedUsername name suggested to a new anonymous identity, or null
     * @param userId            account id, or null when anonymous
     * @param sessionHash       SHA-256 of the login session id, or null
     * @param admin             account has the admin role
     */
    public record Result(Identity identity, String suggestedUsername, Long userId, String sessionHash, boolean admin) {
    }

    /**
     * @param rawSession     login session id from the cookie or {@code auth.session}, or null
     * @param presentedToken anonymous secret token, or null
     * @param ip             client IP
     * @throws ChatException {@code banned}, {@code login_required} (anonymous chat off), {@code 2fa_required}
     */
    public Result authenticate(String rawSession, String presentedToken, String ip) {
        Optional<SessionService.Session> session = sessions.find(rawSession).filter(SessionService.Session::full);
        if (session.isPresent()) {
            Optional<UserRow> user = accounts.byId(session.get().userId());
            if (user.isPresent()) {
                UserRow u = user.get();
                if (bans.isBanned(u.token())) {
                    throw new ChatException("banned", "this account is banned", 403);
                }
                if (require2fa && !u.twoFactor()) {
                    throw new ChatException("2fa_required", "set up two-factor authentication first (/2fa/setup)", 403);
                }
                IdentityService.Resolved r = identities.resolve(u.token(), ip);
                return new Result(r.identity(), null, u.id(), session.get().idHash(), u.isAdmin());
            }
        }
        if (!allowAnonymous) {
            throw new ChatException("login_required", "please sign in to chat (/login)", 401);
        }
        String token = presentedToken;
        if (token != null && (bans.isBanned(token) ? false : accounts.byToken(token).isPresent())) {
            token = null; // an account's token is no bearer credential
        }
        IdentityService.Resolved r = identities.resolve(token, ip);
        return new Result(r.identity(), r.suggestedUsername(), null, null, false);
    }
}
