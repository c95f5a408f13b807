package org.kotta.deployer.validate;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.kotta.deployer.core.FieldError;

/**
 * Reads values out of the request's JSON tree for the rule book, and collects the field
 * errors: a missing value, a wrong type or control characters become a {@link FieldError},
 * never an exception, so that every bad field is reported at once.
 */
final class JsonFields {

    private final List<FieldError> errors = new ArrayList<>();

    void add(String field, String message) {
        errors.add(new FieldError(field, message));
    }

    /** Records each of {@code problems} (messages of a rule) against {@code field}. */
    void addAll(String field, List<String> problems) {
        problems.forEach(problem -> add(field, problem));
    }

    /** Records {@code problem} against {@code field} unless it is null (the rule passed). */
    void addIfAny(String field, String problem) {
        if (problem != null) {
            add(field, problem);
        }
    }

    List<FieldError> errors() {
        return List.copyOf(errors);
    }

    boolean hasErrors() {
        return !errors.isEmpty();
    }

    /** A JSON string, or null after recording why not (absent, null, wrong type, control chars, empty). */
    String requiredText(JsonNode node, String field) {
        if (!present(node)) {
            add(field, "is required");
            return null;
        }
        if (!node.isTextual()) {
            add(field, "must be a string, not " + describeType(node));
            return null;
        }
        String value = node.textValue();
        if (hasControlCharacters(value)) {
            add(field, "must not contain control characters (U+0000 to U+001F, U+007F)");
            return null;
        }
        if (value.isEmpty()) {
            add(field, "must not be empty");
            return null;
        }
        return value;
    }

    /** Like {@link #requiredText}, but absent or JSON null gives {@code whenAbsent} without an error. */
    String optionalText(JsonNode node, String field, String whenAbsent) {
        return present(node) ? requiredText(node, field) : whenAbsent;
    }

    /** A JSON integer from 0 to {@code max}, {@code whenAbsent} if absent, or null after recording why not. */
    Integer wholeNumber(JsonNode node, String field, int whenAbsent, int max) {
        if (!present(node)) {
            return whenAbsent;
        }
        if (!node.isIntegralNumber()) {
            add(field, "must be a whole number (a JSON integer such as 3), not " + describeType(node));
            return null;
        }
        if (!node.canConvertToInt() || node.intValue() < 0 || node.intValue() > max) {
            add(field, "must be between 0 and " + max + outOfRangeValue(node.bigIntegerValue()));
            return null;
        }
        return node.intValue();
    }

    /**
     * A JSON number or string, as text: the string (read as by {@link #requiredText}) or the
     * number's plain digits; null after recording why not: a number too large to read is
     * {@code tooLarge}, any other type is not what the field {@code expected}.
     */
    String numberOrText(JsonNode node, String field, String expected, String tooLarge) {
        if (node.isTextual()) {
            return requiredText(node, field);
        }
        if (!node.isNumber()) {
            add(field, expected + ", not " + describeType(node));
            return null;
        }
        BigDecimal number = decimalOf(node);
        if (number == null) {
            add(field, tooLarge);
            return null;
        }
        return number.toPlainString();
    }

    /** A JSON boolean, false if absent, or false after recording why not ({@code meaning} says what true does). */
    boolean flag(JsonNode node, String field, String meaning) {
        if (!present(node)) {
            return false;
        }
        if (!node.isBoolean()) {
            add(field, "must be true or false, not " + describeType(node) + " (" + meaning + ")");
            return false;
        }
        return node.booleanValue();
    }

    static boolean present(JsonNode node) {
        return node != null && !node.isNull() && !node.isMissingNode();
    }

    /** A finite JSON number as a decimal, or null when it overflowed (e.g. 1e400 read as infinity). */
    static BigDecimal decimalOf(JsonNode number) {
        if (number.isIntegralNumber()) {
            return new BigDecimal(number.bigIntegerValue());
        }
        if (number.isBigDecimal()) {
            return number.decimalValue();
        }
        double value = number.doubleValue();
        return Double.isFinite(value) ? new BigDecimal(Double.toString(value)) : null;
    }

    static String describeType(JsonNode node) {
        return switch (node.getNodeType()) {
            case STRING -> "a string";
            case BOOLEAN -> "a boolean";
            case NUMBER -> node.isIntegralNumber() ? "an integer" : "a decimal number";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            default -> "a " + node.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }

    private static String outOfRangeValue(BigInteger value) {
        String digits = value.toString();
        return digits.length() <= 12 ? " (got " + digits + ")" : "";
    }

    /** {@code name} as it may appear in a path: control characters replaced, at most {@code max} code points. */
    static String printable(String name, int max) {
        StringBuilder out = new StringBuilder();
        name.codePoints().limit(max).forEach(c -> out.appendCodePoint(isControl(c) ? '?' : c));
        if (name.codePointCount(0, name.length()) > max) {
            out.append("...");
        }
        return out.toString();
    }

    static boolean hasControlCharacters(String value) {
        return value.chars().anyMatch(JsonFields::isControl);
    }

    private static boolean isControl(int c) {
        return c <= 0x1F || c == 0x7F;
    }
}
