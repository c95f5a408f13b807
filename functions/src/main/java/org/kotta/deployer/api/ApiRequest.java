package org.kotta.deployer.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The parts of an API Gateway (REST, payload 1.0) proxy event the handlers use. Header
 * names are case-insensitive, as HTTP says (API Gateway keeps the client's casing, the
 * local cloud lowercases them). A base64-encoded body is decoded here.
 */
public record ApiRequest(
        String method,
        String resource,
        String path,
        Map<String, String> headers,
        Map<String, String> query,
        Map<String, String> pathParameters,
        byte[] body,
        String stage,
        String basePath,
        String requestId) {

    public static ApiRequest from(JsonNode event) {
        String path = event.path("path").asText("/");
        JsonNode context = event.path("requestContext");
        String stage = context.path("stage").asText("");
        return new ApiRequest(
                event.path("httpMethod").asText("GET").toUpperCase(java.util.Locale.ROOT),
                event.path("resource").asText(path),
                path,
                caseInsensitive(event.path("headers")),
                plain(event.path("queryStringParameters")),
                plain(event.path("pathParameters")),
                body(event),
                stage,
                basePath(context.path("path").asText(null), path, stage),
                context.path("requestId").asText(null));
    }

    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name));
    }

    public Optional<String> queryParameter(String name) {
        return Optional.ofNullable(query.get(name));
    }

    /**
     * The absolute URL of a path of this API, built from the Host the caller used and the
     * path prefix before the route (the stage, or a custom domain's base path).
     */
    public String absoluteUrl(String routePath) {
        String scheme = header("X-Forwarded-Proto").orElse("https");
        String host = header("Host").orElse("localhost");
        return scheme + "://" + host + basePath + routePath;
    }

    /**
     * requestContext.path is the path the caller used ("/v1/deployments", or a custom
     * domain's "/admin/deployments"); what precedes the route's own path is the base.
     */
    static String basePath(String contextPath, String path, String stage) {
        if (contextPath != null && contextPath.endsWith(path)) {
            return contextPath.substring(0, contextPath.length() - path.length());
        }
        return stage.isEmpty() ? "" : "/" + stage;
    }

    private static byte[] body(JsonNode event) {
        JsonNode body = event.get("body");
        if (body == null || body.isNull()) {
            return new byte[0];
        }
        if (event.path("isBase64Encoded").asBoolean(false)) {
            try {
                return Base64.getMimeDecoder().decode(body.asText());
            } catch (IllegalArgumentException e) {
                throw new ApiException(Problem.of(ProblemType.MALFORMED_BODY, "the body is not valid base64"));
            }
        }
        return body.asText().getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, String> caseInsensitive(JsonNode node) {
        Map<String, String> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        node.fields().forEachRemaining(field -> {
            if (!field.getValue().isNull()) {
                map.put(field.getKey(), field.getValue().asText());
            }
        });
        return Collections.unmodifiableMap(map);
    }

    private static Map<String, String> plain(JsonNode node) {
        Map<String, String> map = new TreeMap<>();
        node.fields().forEachRemaining(field -> {
            if (!field.getValue().isNull()) {
                map.put(field.getKey(), field.getValue().asText());
            }
        });
        return Collections.unmodifiableMap(map);
    }
}
