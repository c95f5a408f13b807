package org.kotta.deployer.core;

import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Builds one DynamoDB UpdateItem expression: every attribute name and value goes through a
 * placeholder ({@code #n0}, {@code :v1}), so reserved words ({@code status}) and any text are safe.
 */
final class UpdateExpression {
    private final StringBuilder sets = new StringBuilder();
    private final StringBuilder removes = new StringBuilder();
    private final Map<String, String> names = new HashMap<>();
    private final Map<String, AttributeValue> values = new HashMap<>();
    private int counter;

    UpdateExpression set(String attribute, AttributeValue value) {
        append(sets, name(attribute) + " = " + value(value));
        return this;
    }

    UpdateExpression setIfAbsent(String attribute, AttributeValue value) {
        String n = name(attribute);
        append(sets, n + " = if_not_exists(" + n + ", " + value(value) + ")");
        return this;
    }

    /** Sets {@code map.key.field}; the map and its entry {@code key} must exist. */
    UpdateExpression setNested(String map, String key, String field, AttributeValue value) {
        append(sets, path(map, key, field) + " = " + value(value));
        return this;
    }

    UpdateExpression setNestedIfAbsent(String map, String key, String field, AttributeValue value) {
        String path = path(map, key, field);
        append(sets, path + " = if_not_exists(" + path + ", " + value(value) + ")");
        return this;
    }

    UpdateExpression remove(String attribute) {
        append(removes, name(attribute));
        return this;
    }

    String expression() {
        return "SET " + sets + (removes.length() > 0 ? " REMOVE " + removes : "");
    }

    /** The placeholder of an attribute name, made on first use (also for condition expressions). */
    String name(String attribute) {
        for (var entry : names.entrySet()) {
            if (entry.getValue().equals(attribute)) {
                return entry.getKey();
            }
        }
        String placeholder = "#n" + counter++;
        names.put(placeholder, attribute);
        return placeholder;
    }

    Map<String, String> names() {
        return Map.copyOf(names);
    }

    Map<String, AttributeValue> values() {
        return Map.copyOf(values);
    }

    private String path(String map, String key, String field) {
        return name(map) + "." + name(key) + "." + name(field);
    }

    private String value(AttributeValue value) {
        String placeholder = ":v" + counter++;
        values.put(placeholder, value);
        return placeholder;
    }

    private static void append(StringBuilder target, String clause) {
        if (target.length() > 0) {
            target.append(", ");
        }
        target.append(clause);
    }
}
