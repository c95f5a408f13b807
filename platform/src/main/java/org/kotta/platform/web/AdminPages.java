package org.kotta.platform.web;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.kotta.platform.core.UserRecord;
import org.kotta.platform.core.UserStore;

/** {@code /admin/users}: users and sign-in requests; approve, change role, remove, add ahead. Admins only. */
final class AdminPages extends Pages {
    AdminPages(Web web) {
        super(web);
    }

    private Optional<Signed> admin(Request r, Optional<Signed> signed) throws IOException {
        if (signed.isPresent() && !signed.get().user().isAdmin()) {
            error(r, 403, "Only admins may manage users.");
            return Optional.empty();
        }
        return signed;
    }

    void users(Request r) throws IOException {
        Optional<Signed> signed = admin(r, signedIn(r));
        if (signed.isEmpty()) {
            return;
        }
        List<Map<String, Object>> active = new ArrayList<>();
        List<Map<String, Object>> requests = new ArrayList<>();
        for (UserRecord user : web.users().list()) {
            Map<String, Object> row = Map.of(
                    "email",
                    user.email(),
                    "name",
                    JobPages.nonNull(user.name()),
                    "role",
                    user.role().wireName(),
                    "isAdmin",
                    user.role() == UserRecord.Role.ADMIN,
                    "providerUserId",
                    JobPages.nonNull(user.providerUserId()),
                    "requestedAt",
                    user.requestedAt() == null
                            ? ""
                            : JobSubmission.STAMP.format(Instant.ofEpochSecond(user.requestedAt())) + " UTC");
            (user.mayUseKotta() ? active : requests).add(row);
        }
        Map<String, Object> model = model(signed.get());
        model.put("users", active);
        model.put("requests", requests);
        model.put("noRequests", requests.isEmpty());
        render(r, 200, "admin_users", model);
    }

    void act(Request r, String action) throws IOException {
        Optional<Signed> signed = admin(r, postedForm(r));
        if (signed.isEmpty()) {
            return;
        }
        String email = UserStore.normalizeEmail(r.field("email"));
        if (email == null || !email.matches("[^\\s@]+@[^\\s@]+")) {
            error(r, 400, "email: an e-mail address is needed");
            return;
        }
        Optional<UserRecord.Role> role =
                UserRecord.Role.fromWire(r.field("role") == null ? "researcher" : r.field("role"));
        if (role.isEmpty()) {
            error(r, 400, "role: must be admin or researcher");
            return;
        }
        long now = Instant.now().getEpochSecond();
        String me = signed.get().user().email();
        switch (action) {
            case "approve", "role" -> {
                if (email.equals(me) && role.get() != UserRecord.Role.ADMIN) {
                    error(r, 400, "role: an admin cannot take their own admin role away");
                    return;
                }
                web.users().approve(email, role.get(), me, now);
            }
            case "remove" -> {
                if (email.equals(me)) {
                    error(r, 400, "email: an admin cannot remove themselves");
                    return;
                }
                web.users().remove(email);
            }
            case "add" -> {
                if (!web.users().register(email, r.field("name"), role.get(), me, now)) {
                    web.users().approve(email, role.get(), me, now);
                }
            }
            default -> {
                error(r, 404, "No such page.");
                return;
            }
        }
        r.redirect("/admin/users");
    }
}
