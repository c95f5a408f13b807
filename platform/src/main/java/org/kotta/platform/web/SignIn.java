package org.kotta.platform.web;

import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.kotta.platform.core.UserRecord;

/**
 * {@code /login} → the provider → {@code /handle_login} → a session cookie; {@code /logout}.
 * The state and PKCE verifier travel in a short-lived sealed cookie of their own. Only active
 * users of the UsersTable get a session; anyone else is recorded as a request for an admin.
 */
final class SignIn extends Pages {
    static final String LOGIN_COOKIE = "kotta_login";
    private static final long LOGIN_SECONDS = 600;

    SignIn(Web web) {
        super(web);
    }

    void home(Request r) throws IOException {
        if (current(r).isPresent()) {
            r.redirect("/jobs");
            return;
        }
        render(r, 200, "index", model(null));
    }

    void start(Request r) throws IOException {
        String state = Session.randomToken();
        String verifier = Session.randomToken() + Session.randomToken();
        long now = Instant.now().getEpochSecond();
        r.setCookie(
                LOGIN_COOKIE,
                web.codec().seal(LOGIN_COOKIE, state + " " + verifier, now + LOGIN_SECONDS),
                LOGIN_SECONDS,
                web.secureCookies());
        r.redirect(web.provider().authorizeUrl(web.redirectUri(), state, verifier));
    }

    void callback(Request r) throws IOException {
        long now = Instant.now().getEpochSecond();
        Optional<String[]> login = r.cookie(LOGIN_COOKIE)
                .flatMap(cookie -> web.codec().open(LOGIN_COOKIE, cookie, now))
                .map(value -> value.split(" ", 2));
        String state = r.queryParam("state");
        String code = r.queryParam("code");
        r.setCookie(LOGIN_COOKIE, "", 0, web.secureCookies());
        if (login.isEmpty()
                || login.get().length != 2
                || state == null
                || !state.equals(login.get()[0])
                || code == null) {
            error(r, 400, "This sign-in link is out of date or was not started here. Please sign in again.");
            return;
        }
        Identity identity;
        try {
            String token = web.provider().exchange(code, web.redirectUri(), login.get()[1]);
            identity = web.provider().identify(token);
        } catch (IdentityProvider.Refused refused) {
            error(r, 403, "The identity provider refused the sign-in: " + refused.getMessage());
            return;
        }
        Optional<UserRecord> user = web.users().find(identity.email());
        if (user.isEmpty() || !user.get().mayUseKotta()) {
            web.users().recordRequest(identity.email(), identity.name(), identity.userId(), now);
            Map<String, Object> model = model(null);
            model.put("email", identity.email());
            model.put("providerUserId", identity.userId());
            render(r, 403, "not_registered", model);
            return;
        }
        web.users().rememberProviderUserId(identity.email(), identity.userId());
        Session session = Session.start(identity);
        long lifetime = Web.SESSION_LIFETIME.toSeconds();
        r.setCookie(Session.COOKIE, session.seal(web.codec(), now + lifetime), lifetime, web.secureCookies());
        r.redirect("/jobs");
    }

    void logout(Request r) throws IOException {
        Optional<Session> session = r.cookie(Session.COOKIE)
                .flatMap(cookie ->
                        Session.open(web.codec(), cookie, Instant.now().getEpochSecond()));
        if (session.isEmpty() || !session.get().csrfMatches(r.field("csrf"))) {
            error(r, 403, "This form is out of date or was not sent by this site.");
            return;
        }
        r.setCookie(Session.COOKIE, "", 0, web.secureCookies());
        r.redirect("/");
    }
}
