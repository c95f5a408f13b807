package org.kotta.platform.core;

/**
 * One UsersTable item, keyed by lower-cased e-mail: exactly what sign-in reads and what the
 * deployer's admin seeding writes ({@link UserStore#seedAdmin}).
 *
 * <pre>
 * email            S  key, lower case
 * name             S  display name
 * role             S  admin | researcher
 * status           S  active (may sign in) | requested (signed in once, waits for an admin)
 * provider_user_id S  the identity provider's id for them, learnt at their first sign-in
 * requested_at     N  epoch seconds, when an unregistered identity first signed in
 * approved_at      N  epoch seconds
 * approved_by      S  the admin's e-mail, or "kotta-deployer" for seeded admins
 * </pre>
 */
public record UserRecord(
        String email,
        String name,
        Role role,
        Status status,
        String providerUserId,
        Long requestedAt,
        Long approvedAt,
        String approvedBy) {

    public enum Role {
        ADMIN("admin"),
        RESEARCHER("researcher");

        private final String wireName;

        Role(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        public static java.util.Optional<Role> fromWire(String value) {
            return java.util.Arrays.stream(values())
                    .filter(r -> r.wireName.equals(value))
                    .findFirst();
        }
    }

    public enum Status {
        ACTIVE("active"),
        REQUESTED("requested");

        private final String wireName;

        Status(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        public static java.util.Optional<Status> fromWire(String value) {
            return java.util.Arrays.stream(values())
                    .filter(s -> s.wireName.equals(value))
                    .findFirst();
        }
    }

    public boolean mayUseKotta() {
        return status == Status.ACTIVE;
    }

    public boolean isAdmin() {
        return status == Status.ACTIVE && role == Role.ADMIN;
    }
}
