package org.kotta.platform.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/** The one reader and writer of UsersTable items ({@link UserRecord} documents the shape). */
public final class UserStore {
    public static final String EMAIL = "email";
    public static final String NAME = "name";
    public static final String ROLE = "role";
    public static final String STATUS = "status";
    public static final String PROVIDER_USER_ID = "provider_user_id";
    public static final String REQUESTED_AT = "requested_at";
    public static final String APPROVED_AT = "approved_at";
    public static final String APPROVED_BY = "approved_by";
    public static final String SEEDED_BY = "kotta-deployer";

    private final DynamoDbClient dynamo;
    private final String table;

    public UserStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    public static String normalizeEmail(String email) {
        return email == null ? null : email.strip().toLowerCase(Locale.ROOT);
    }

    public Optional<UserRecord> find(String email) {
        String key = normalizeEmail(email);
        if (key == null || key.isEmpty()) {
            return Optional.empty();
        }
        Map<String, AttributeValue> item = dynamo.getItem(
                        b -> b.tableName(table).consistentRead(true).key(Map.of(EMAIL, AttributeValue.fromS(key))))
                .item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(fromItem(item));
    }

    /** Every user and request, by e-mail (an admin page: a research group is small). */
    public List<UserRecord> list() {
        List<UserRecord> users = new ArrayList<>();
        dynamo.scanPaginator(b -> b.tableName(table).consistentRead(true))
                .items()
                .forEach(item -> users.add(fromItem(item)));
        users.sort(java.util.Comparator.comparing(UserRecord::email));
        return users;
    }

    /**
     * The deployer's seeding: an active admin, unless a row for that e-mail exists (what the
     * platform recorded about a person is kept). Returns whether it was added.
     */
    public boolean seedAdmin(String email, String name, long now) {
        return addActive(email, name, UserRecord.Role.ADMIN, SEEDED_BY, now);
    }

    /** An unregistered identity signed in: recorded once as a request for an admin to see. */
    public void recordRequest(String email, String name, String providerUserId, long now) {
        Map<String, AttributeValue> item = item(email, name, UserRecord.Role.RESEARCHER, UserRecord.Status.REQUESTED);
        if (providerUserId != null) {
            item.put(PROVIDER_USER_ID, AttributeValue.fromS(providerUserId));
        }
        item.put(REQUESTED_AT, AttributeValue.fromN(Long.toString(now)));
        putIfAbsent(item); // false: already a user or a request
    }

    /** Remembers the provider's id for a registered user, at sign-in, if not yet known. */
    public void rememberProviderUserId(String email, String providerUserId) {
        try {
            dynamo.updateItem(b -> b.tableName(table)
                    .key(Map.of(EMAIL, AttributeValue.fromS(normalizeEmail(email))))
                    .updateExpression("SET #p = :p")
                    .conditionExpression("attribute_exists(#e) AND attribute_not_exists(#p)")
                    .expressionAttributeNames(Map.of("#p", PROVIDER_USER_ID, "#e", EMAIL))
                    .expressionAttributeValues(Map.of(":p", AttributeValue.fromS(providerUserId))));
        } catch (ConditionalCheckFailedException known) {
            // already known, or the row went away
        }
    }

    /** An admin approves a request (or changes a role): active with {@code role}. */
    public boolean approve(String email, UserRecord.Role role, String adminEmail, long now) {
        try {
            dynamo.updateItem(b -> b.tableName(table)
                    .key(Map.of(EMAIL, AttributeValue.fromS(normalizeEmail(email))))
                    .updateExpression("SET #s = :active, #r = :role, #at = :now, #by = :by")
                    .conditionExpression("attribute_exists(#e)")
                    .expressionAttributeNames(
                            Map.of("#s", STATUS, "#r", ROLE, "#at", APPROVED_AT, "#by", APPROVED_BY, "#e", EMAIL))
                    .expressionAttributeValues(Map.of(
                            ":active",
                            AttributeValue.fromS(UserRecord.Status.ACTIVE.wireName()),
                            ":role",
                            AttributeValue.fromS(role.wireName()),
                            ":now",
                            AttributeValue.fromN(Long.toString(now)),
                            ":by",
                            AttributeValue.fromS(normalizeEmail(adminEmail)))));
            return true;
        } catch (ConditionalCheckFailedException missing) {
            return false;
        }
    }

    /** An admin adds a person ahead of their first sign-in. */
    public boolean register(String email, String name, UserRecord.Role role, String adminEmail, long now) {
        return addActive(email, name, role, normalizeEmail(adminEmail), now);
    }

    /** An active user approved by {@code approvedBy}, unless a row for that e-mail exists; whether it was added. */
    private boolean addActive(String email, String name, UserRecord.Role role, String approvedBy, long now) {
        Map<String, AttributeValue> item = item(email, name, role, UserRecord.Status.ACTIVE);
        item.put(APPROVED_AT, AttributeValue.fromN(Long.toString(now)));
        item.put(APPROVED_BY, AttributeValue.fromS(approvedBy));
        return putIfAbsent(item);
    }

    private static Map<String, AttributeValue> item(
            String email, String name, UserRecord.Role role, UserRecord.Status status) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put(EMAIL, AttributeValue.fromS(normalizeEmail(email)));
        if (name != null && !name.isBlank()) {
            item.put(NAME, AttributeValue.fromS(name));
        }
        item.put(ROLE, AttributeValue.fromS(role.wireName()));
        item.put(STATUS, AttributeValue.fromS(status.wireName()));
        return item;
    }

    /** Writes {@code item} unless a row for its e-mail exists; whether it was written. */
    private boolean putIfAbsent(Map<String, AttributeValue> item) {
        try {
            dynamo.putItem(b -> b.tableName(table)
                    .item(item)
                    .conditionExpression("attribute_not_exists(#e)")
                    .expressionAttributeNames(Map.of("#e", EMAIL)));
            return true;
        } catch (ConditionalCheckFailedException exists) {
            return false;
        }
    }

    public void remove(String email) {
        dynamo.deleteItem(b -> b.tableName(table).key(Map.of(EMAIL, AttributeValue.fromS(normalizeEmail(email)))));
    }

    static UserRecord fromItem(Map<String, AttributeValue> item) {
        return new UserRecord(
                JobItems.s(item, EMAIL),
                JobItems.s(item, NAME),
                UserRecord.Role.fromWire(JobItems.s(item, ROLE)).orElse(UserRecord.Role.RESEARCHER),
                // rows written before the status attribute (by hand, as Cloud Kotta's admins did) are users
                UserRecord.Status.fromWire(JobItems.s(item, STATUS)).orElse(UserRecord.Status.ACTIVE),
                JobItems.s(item, PROVIDER_USER_ID),
                number(item, REQUESTED_AT),
                number(item, APPROVED_AT),
                JobItems.s(item, APPROVED_BY));
    }

    private static Long number(Map<String, AttributeValue> item, String name) {
        String value = JobItems.s(item, name);
        return value == null ? null : (long) Double.parseDouble(value);
    }
}
