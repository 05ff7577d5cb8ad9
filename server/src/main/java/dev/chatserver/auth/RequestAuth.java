package dev.chatserver.auth;

import dev.chatserver.http.HttpRequestData;
import dev.chatserver.store.UserRow;
import java.util.Optional;

/**
 * Who an HTTP request comes from: the account of a full login session (cookie {@code chat_session}), else
 * the anonymous secret token sent as header {@code X-Chat-Token} or cookie {@code chat_token}. Blocking.
 */
public final class RequestAuth {
    private final SessionService sessions;
    private final AccountService accounts;

    public RequestAuth(SessionService sessions, AccountService accounts) {
        this.sessions = sessions;
        this.accounts = accounts;
    }

    /** The signed-in account, if any. */
    public Optional<UserRow> user(HttpRequestData req) {
        return sessions.find(req.cookie(SessionService.COOKIE)).filter(SessionService.Session::full)
                .flatMap(s -> accounts.byId(s.userId()));
    }

    /** The chat token the request acts as: the account's, else an anonymous one (not an account's), else null. */
    public String token(HttpRequestData req) {
        Optional<UserRow> u = user(req);
        if (u.isPresent()) {
            return u.get().token();
        }
        String t = req.headers().get("X-Chat-Token");
        if (t == null || t.isBlank()) {
            t = req.cookie("chat_token");
        }
        if (t == null || t.isBlank() || accounts.byToken(t).isPresent()) {
            return null;
        }
        return t;
    }
}
