package org.kotta.deployer.validate;

import java.util.Set;

/**
 * What {@link RequestValidator}'s messages may repeat of what a request gave: a value only when it
 * is short, free of control characters and from a field that cannot hold a secret; a field name
 * cut short and with control characters replaced.
 */
final class EchoedValues {
    /**
     * Values longer than this are never repeated in a message: shorter than a Login-with-Amazon
     * client secret (64 characters), in case one is pasted into the wrong field.
     */
    static final int MAX_LENGTH = 63;
    /** Fields whose value might be a secret pasted by mistake: their values are never repeated. */
    private static final Set<String> MAYBE_SECRET_FIELDS = Set.of("oauthClientId", "oauthClientSecretArn");

    private EchoedValues() {}

    /** " (got 'value')" when the value is safe and short enough to repeat, else nothing. */
    static String got(String field, String value) {
        if (MAYBE_SECRET_FIELDS.contains(field)
                || value.length() > MAX_LENGTH
                || JsonFields.hasControlCharacters(value)) {
            return "";
        }
        return " (got '" + value + "')";
    }

    /** A field name the request gave, as it may appear in a message's path. */
    static String name(String name) {
        return JsonFields.printable(name, MAX_LENGTH);
    }
}
