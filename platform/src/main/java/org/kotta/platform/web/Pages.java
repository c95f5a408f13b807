package org.kotta.platform.web;

import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.kotta.platform.core.UserRecord;

/** What every page handler shares: who is signed in, the CSRF check, rendering. */
abstract class Pages {
    final Web web;

    record Signed(Session session, UserRecord user) {
        String userId() {
            return session.userId();
        }
    }

    Pages(Web web) {
        this.web = web;
    }

    /** The signed-in, still active user; otherwise answers (to the sign-in page) and gives empty. */
    Optional<Signed> signedIn(Request r) throws IOException {
        Optional<Signed> signed = current(r);
        if (signed.isEmpty()) {
            r.redirect("/");
        }
        return signed;
    }

    Optional<Signed> current(Request r) {
        return r.cookie(Session.COOKIE)
                .flatMap(cookie ->
                        Session.open(web.codec(), cookie, Instant.now().getEpochSecond()))
                .flatMap(session -> web.users()
                        .find(session.email())
                        .filter(UserRecord::mayUseKotta)
                        .map(user -> new Signed(session, user)));
    }

    /**
     * A POSTed form: its CSRF field must match the session's token, else 403 (also without a
     * session: there is nothing such a post may do).
     */
    Optional<Signed> postedForm(Request r) throws IOException {
        Optional<Session> session = r.cookie(Session.COOKIE)
                .flatMap(cookie ->
                        Session.open(web.codec(), cookie, Instant.now().getEpochSecond()));
        if (session.isEmpty() || !session.get().csrfMatches(r.field("csrf"))) {
            forgedForm(r);
            return Optional.empty();
        }
        return signedIn(r);
    }

    /** 403 for a form post whose CSRF token does not match the session's. */
    void forgedForm(Request r) throws IOException {
        error(r, 403, "This form is out of date or was not sent by this site. Reload the page and try again.");
    }

    Map<String, Object> model(Signed signed) {
        Map<String, Object> model = new HashMap<>();
        if (signed != null) {
            model.put(
                    "user",
                    Map.of(
                            "email",
                            signed.user().email(),
                            "name",
                            signed.session().name() == null
                                    ? signed.user().email()
                                    : signed.session().name()));
            model.put("csrf", signed.session().csrf());
            model.put("isAdmin", signed.user().isAdmin());
        }
        return model;
    }

    void render(Request r, int code, String view, Map<String, Object> model) throws IOException {
        r.html(code, web.views().render(view, model));
    }

    void error(Request r, int code, String message) throws IOException {
        Map<String, Object> model = model(current(r).orElse(null));
        model.put("code", code);
        model.put("message", message);
        render(r, code, "error", model);
    }
}
