package org.kotta.deployer.stacks;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One stack to create or update.
 *
 * @param templateBody       the template text, or null when {@code templateUrl} is set
 * @param templateUrl        an S3 URL of the template (path-style), or null when {@code templateBody} is set
 * @param clientRequestToken unique per deployment and step; retries of that step reuse it
 * @param serviceRoleArn     the role CloudFormation acts as, or null for the caller's credentials
 */
public record StackSpec(
        String stackName,
        String templateBody,
        String templateUrl,
        Map<String, String> parameters,
        Map<String, String> tags,
        String clientRequestToken,
        String serviceRoleArn) {

    /** CloudFormation's rule for ClientRequestToken. */
    private static final Pattern TOKEN = Pattern.compile("[a-zA-Z0-9][-a-zA-Z0-9]{0,127}");

    public StackSpec {
        if (stackName == null || stackName.isBlank()) {
            throw new IllegalArgumentException("stackName is required");
        }
        if ((templateBody == null) == (templateUrl == null)) {
            throw new IllegalArgumentException("exactly one of templateBody and templateUrl is required");
        }
        Objects.requireNonNull(clientRequestToken, "clientRequestToken");
        if (!TOKEN.matcher(clientRequestToken).matches()) {
            throw new IllegalArgumentException(
                    "clientRequestToken must match [a-zA-Z0-9][-a-zA-Z0-9]* and be at most 128 characters");
        }
        parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }
}
