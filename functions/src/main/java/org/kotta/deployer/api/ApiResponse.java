package org.kotta.deployer.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.kotta.deployer.core.Json;

/** A proxy-integration response: status, headers and a JSON body. */
public record ApiResponse(int status, Map<String, String> headers, JsonNode body) {
    public static final String JSON = "application/json";
    public static final String PROBLEM_JSON = "application/problem+json";

    public ApiResponse {
        headers = Map.copyOf(headers);
    }

    public static ApiResponse json(int status, JsonNode body) {
        return new ApiResponse(status, Map.of("Content-Type", JSON), body);
    }

    public ApiResponse withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new ApiResponse(status, more, body);
    }

    /** The event API Gateway expects back from a proxy integration. */
    public ObjectNode toProxyResponse() {
        ObjectNode event = Json.MAPPER.createObjectNode();
        event.put("statusCode", status);
        ObjectNode headerNode = event.putObject("headers");
        headers.forEach(headerNode::put);
        event.put("body", body == null ? "" : body.toString());
        event.put("isBase64Encoded", false);
        return event;
    }
}
