package org.kotta.deployer.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.kotta.deployer.core.FieldError;
import org.kotta.deployer.core.Json;

/** Renders every error in one shape: RFC 7807 problem+json, with {@code errors} for field errors. */
public final class Problem {
    private Problem() {}

    public static ApiResponse of(ProblemType type, String detail) {
        return of(type, detail, List.of());
    }

    public static ApiResponse of(ProblemType type, String detail, List<FieldError> errors) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("type", type.uri());
        body.put("title", type.title());
        body.put("status", type.status());
        body.put("detail", detail);
        if (!errors.isEmpty()) {
            ArrayNode list = body.putArray("errors");
            errors.forEach(error -> list.addObject().put("field", error.field()).put("message", error.message()));
        }
        return new ApiResponse(type.status(), java.util.Map.of("Content-Type", ApiResponse.PROBLEM_JSON), body);
    }

    /** A copy of the problem with one more member (e.g. the running deployment, the request id). */
    public static ApiResponse with(ApiResponse problem, String member, String value) {
        ObjectNode body = ((ObjectNode) problem.body()).deepCopy();
        body.put(member, value);
        return new ApiResponse(problem.status(), problem.headers(), body);
    }
}
