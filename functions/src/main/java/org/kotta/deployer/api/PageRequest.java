package org.kotta.deployer.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.kotta.deployer.core.DeploymentIds;
import org.kotta.deployer.core.FieldError;
import org.kotta.deployer.core.Json;

/**
 * The query of {@code GET /deployments}: an optional stack name, a page size, and where the
 * previous page ended. The next token is opaque to callers: base64url JSON of the last
 * deployment returned (createdAt, id) and the stack name it was listed for.
 */
public record PageRequest(Optional<String> stackName, int limit, Optional<Cursor> after) {
    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 100;

    /** The last deployment of a page: the next page starts strictly after it (newest first). */
    public record Cursor(String createdAt, String deploymentId) {}

    public static PageRequest from(ApiRequest request) {
        List<FieldError> errors = new ArrayList<>();
        Optional<String> stackName =
                request.queryParameter("stackName").map(String::trim).filter(s -> !s.isEmpty());
        if (stackName.isPresent() && stackName.get().length() > 128) {
            errors.add(new FieldError("stackName", "must be at most 128 characters"));
        }
        int limit = parseLimit(request.queryParameter("limit").orElse(null), errors);
        Optional<Cursor> after =
                request.queryParameter("nextToken").flatMap(token -> decode(token, stackName.orElse(null), errors));
        if (!errors.isEmpty()) {
            throw new ApiException(
                    Problem.of(ProblemType.INVALID_PARAMETER, "the query parameters are invalid", errors));
        }
        return new PageRequest(stackName, limit, after);
    }

    static int parseLimit(String raw, List<FieldError> errors) {
        if (raw == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(raw.trim());
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        errors.add(new FieldError("limit", "must be a whole number from 1 to " + MAX_LIMIT));
        return DEFAULT_LIMIT;
    }

    public static String encode(Cursor cursor, String stackName) {
        ObjectNode token = Json.MAPPER.createObjectNode();
        token.put("c", cursor.createdAt());
        token.put("d", cursor.deploymentId());
        if (stackName != null) {
            token.put("s", stackName);
        }
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(token.toString().getBytes(StandardCharsets.UTF_8));
    }

    static Optional<Cursor> decode(String token, String stackName, List<FieldError> errors) {
        try {
            JsonNode node = Json.MAPPER.readTree(Base64.getUrlDecoder().decode(token.trim()));
            JsonNode createdAt = node == null ? null : node.get("c");
            JsonNode id = node == null ? null : node.get("d");
            String tokenStack = node == null || !node.path("s").isTextual()
                    ? null
                    : node.get("s").asText();
            if (createdAt != null
                    && createdAt.isTextual()
                    && id != null
                    && id.isTextual()
                    && DeploymentIds.isPlausible(id.asText())
                    && Objects.equals(tokenStack, stackName)) {
                return Optional.of(new Cursor(createdAt.asText(), id.asText()));
            }
        } catch (IllegalArgumentException | java.io.IOException unreadable) {
            // reported below
        }
        errors.add(new FieldError(
                "nextToken",
                "is not a token this listing returned (use the nextToken of the"
                        + " previous page, with the same stackName)"));
        return Optional.empty();
    }
}
