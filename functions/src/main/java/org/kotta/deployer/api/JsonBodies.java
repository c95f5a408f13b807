package org.kotta.deployer.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import org.kotta.deployer.core.Json;

/** Reading a JSON request body: media type, size, syntax; and its canonical hash. */
public final class JsonBodies {
    public static final int MAX_BYTES = 64 * 1024;

    private static final ObjectReader STRICT = Json.MAPPER
            .reader()
            .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final ObjectMapper CANONICAL =
            new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private JsonBodies() {}

    /** The body as JSON, or the problem to answer (415, 413, 400). */
    public static JsonNode read(ApiRequest request) {
        String contentType = request.header("Content-Type").orElse(null);
        if (!isJson(contentType)) {
            throw new ApiException(Problem.of(
                    ProblemType.UNSUPPORTED_MEDIA_TYPE, "send the body as Content-Type: application/json (UTF-8)"));
        }
        if (request.body().length > MAX_BYTES) {
            throw new ApiException(Problem.of(
                    ProblemType.PAYLOAD_TOO_LARGE,
                    "the body is " + request.body().length + " bytes; at most " + MAX_BYTES + " are accepted"));
        }
        return parse(request.body());
    }

    /** {@code application/json}, optionally with {@code charset=utf-8}; nothing else. */
    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String[] parts = contentType.split(";");
        if (!parts[0].trim().equalsIgnoreCase("application/json")) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].trim().toLowerCase(Locale.ROOT).replace(" ", "");
            if (parameter.isEmpty()) {
                continue;
            }
            if (!parameter.equals("charset=utf-8") && !parameter.equals("charset=\"utf-8\"")) {
                return false;
            }
        }
        return true;
    }

    static JsonNode parse(byte[] body) {
        if (body.length == 0) {
            throw new ApiException(Problem.of(ProblemType.MALFORMED_BODY, "the request body is empty"));
        }
        try {
            JsonNode node = STRICT.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw new ApiException(Problem.of(ProblemType.MALFORMED_BODY, "the request body is empty"));
            }
            return node;
        } catch (IOException e) {
            // the parser's message quotes the body; say only where it broke
            String where = e instanceof com.fasterxml.jackson.core.JsonProcessingException p && p.getLocation() != null
                    ? " (line " + p.getLocation().getLineNr() + ", column "
                            + p.getLocation().getColumnNr() + ")"
                    : "";
            throw new ApiException(
                    Problem.of(ProblemType.MALFORMED_BODY, "the request body is not valid JSON" + where));
        }
    }

    /** sha256 of the JSON with object keys sorted and no whitespace: equal for equal documents. */
    public static String canonicalSha256(JsonNode body) {
        try {
            Object plain = CANONICAL.treeToValue(body, Object.class);
            byte[] canonical = CANONICAL.writeValueAsString(plain).getBytes(StandardCharsets.UTF_8);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot hash a parsed body", e);
        }
    }
}
