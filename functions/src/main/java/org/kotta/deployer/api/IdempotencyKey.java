package org.kotta.deployer.api;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.kotta.deployer.core.FieldError;

/** The optional {@code Idempotency-Key} header: 1–128 printable ASCII characters. */
public final class IdempotencyKey {
    public static final String HEADER = "Idempotency-Key";
    public static final int MAX_LENGTH = 128;
    private static final Pattern PRINTABLE = Pattern.compile("^[\\x21-\\x7E]([\\x20-\\x7E]*[\\x21-\\x7E])?$");

    private IdempotencyKey() {}

    public static Optional<String> from(ApiRequest request) {
        return request.header(HEADER).map(IdempotencyKey::parse);
    }

    static String parse(String raw) {
        String key = raw.trim();
        if (key.isEmpty()
                || key.length() > MAX_LENGTH
                || !PRINTABLE.matcher(key).matches()) {
            throw new ApiException(Problem.of(
                    ProblemType.INVALID_PARAMETER,
                    "the Idempotency-Key header is invalid",
                    List.of(new FieldError(
                            HEADER,
                            "must be 1 to " + MAX_LENGTH + " printable ASCII characters (a UUID is a good choice)"))));
        }
        return key;
    }
}
