package org.kotta.deployer.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kotta.deployer.core.DeploymentIds;
import org.kotta.deployer.core.FieldError;
import org.kotta.deployer.core.Json;

class ApiPiecesTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "application/json",
                "Application/JSON",
                "application/json; charset=utf-8",
                "application/json;charset=UTF-8",
                "application/json; charset=\"utf-8\""
            })
    void acceptsJsonContentTypes(String contentType) {
        assertThat(JsonBodies.isJson(contentType)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "text/plain",
                "application/json-patch+json",
                "application/json; charset=latin1",
                "application/x-www-form-urlencoded",
                ""
            })
    void refusesOtherContentTypes(String contentType) {
        assertThat(JsonBodies.isJson(contentType)).isFalse();
        assertThat(JsonBodies.isJson(null)).isFalse();
    }

    @Test
    void bodyOver64KB_is413_andWrongMediaType_is415() {
        assertStatus(
                () -> JsonBodies.read(post("{\"a\":\"" + "x".repeat(JsonBodies.MAX_BYTES) + "\"}", "application/json")),
                413);
        assertStatus(() -> JsonBodies.read(post("{}", "text/plain")), 415);
        assertThat(JsonBodies.read(post("{\"a\":1}", "application/json"))
                        .path("a")
                        .asInt())
                .isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\": ", "{\"a\":1} trailing", "{\"a\":1,\"a\":2}", "   "})
    void malformedJson_is400_withoutQuotingTheBody(String body) {
        assertThatThrownBy(() -> JsonBodies.parse(body.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.response().status()).isEqualTo(400);
                    assertThat(e.response().body().toString()).doesNotContain("trailing");
                });
    }

    @Test
    void canonicalHash_ignoresKeyOrderAndWhitespace_butNotValues() {
        String a = JsonBodies.canonicalSha256(JsonBodies.parse("{\"b\":{\"y\":1,\"x\":[1,2]},\"a\":\"s\"}".getBytes()));
        String b = JsonBodies.canonicalSha256(
                JsonBodies.parse("{ \"a\" : \"s\", \"b\" : {\"x\":[1,2],\"y\":1} }".getBytes()));
        String c = JsonBodies.canonicalSha256(JsonBodies.parse("{\"a\":\"s\",\"b\":{\"x\":[2,1],\"y\":1}}".getBytes()));
        assertThat(a).isEqualTo(b).hasSize(64).isNotEqualTo(c);
    }

    @Test
    void base64Body_isDecoded_andBadBase64_is400() {
        ObjectNode event = event("POST", "/deployments", "application/json");
        event.put("body", Base64.getEncoder().encodeToString("{\"a\":1}".getBytes(StandardCharsets.UTF_8)));
        event.put("isBase64Encoded", true);
        assertThat(new String(ApiRequest.from(event).body(), StandardCharsets.UTF_8))
                .isEqualTo("{\"a\":1}");
        event.put("body", "***not base64***");
        assertStatus(() -> ApiRequest.from(event), 400);
    }

    @Test
    void headers_areCaseInsensitive_andTheUrlKeepsTheBasePath() {
        ObjectNode event = event("POST", "/deployments", "application/json");
        ((ObjectNode) event.get("headers")).put("host", "abc.execute-api.us-east-1.amazonaws.com");
        ((ObjectNode) event.get("headers")).put("IDEMPOTENCY-KEY", "k1");
        ApiRequest request = ApiRequest.from(event);
        assertThat(request.header("Content-Type")).contains("application/json");
        assertThat(IdempotencyKey.from(request)).contains("k1");
        assertThat(request.absoluteUrl("/deployments/dep-1"))
                .isEqualTo("https://abc.execute-api.us-east-1.amazonaws.com/v1/deployments/dep-1");
        assertThat(ApiRequest.basePath("/admin/deployments", "/deployments", "v1"))
                .isEqualTo("/admin");
        assertThat(ApiRequest.basePath(null, "/deployments", "v1")).isEqualTo("/v1");
    }

    @Test
    void idempotencyKey_isOneTo128PrintableCharacters() {
        assertThat(IdempotencyKey.parse("  0b7c2b6e-key  ")).isEqualTo("0b7c2b6e-key");
        assertThat(IdempotencyKey.parse("x".repeat(128))).hasSize(128);
        for (String bad : List.of("", "   ", "x".repeat(129), "tab\there", "caf\u00e9")) {
            assertThatThrownBy(() -> IdempotencyKey.parse(bad))
                    .as(bad)
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.response().status()).isEqualTo(400);
                        assertThat(e.response()
                                        .body()
                                        .path("errors")
                                        .get(0)
                                        .path("field")
                                        .asText())
                                .isEqualTo("Idempotency-Key");
                    });
        }
    }

    @Test
    void limit_defaultsTo20_andAllows1To100() {
        List<FieldError> errors = new ArrayList<>();
        assertThat(PageRequest.parseLimit(null, errors)).isEqualTo(20);
        assertThat(PageRequest.parseLimit("1", errors)).isEqualTo(1);
        assertThat(PageRequest.parseLimit("100", errors)).isEqualTo(100);
        assertThat(errors).isEmpty();
        for (String bad : List.of("0", "101", "-1", "ten", "1.5", "")) {
            List<FieldError> refused = new ArrayList<>();
            PageRequest.parseLimit(bad, refused);
            assertThat(refused).as(bad).extracting(FieldError::field).containsExactly("limit");
        }
    }

    @Test
    void nextToken_roundTrips_andIsRefusedForAnotherStackOrWhenTampered() {
        PageRequest.Cursor cursor = new PageRequest.Cursor("2030-01-01T00:00:00.123Z", "dep-1");
        String token = PageRequest.encode(cursor, "kotta-a");
        List<FieldError> errors = new ArrayList<>();
        assertThat(PageRequest.decode(token, "kotta-a", errors)).contains(cursor);
        assertThat(errors).isEmpty();
        assertThat(PageRequest.decode(token, "kotta-b", errors)).isEmpty();
        assertThat(PageRequest.decode(token, null, errors)).isEmpty();
        assertThat(PageRequest.decode("%%%", null, errors)).isEmpty();
        String lockCursor = PageRequest.encode(new PageRequest.Cursor("x", "lock#kotta-a"), null);
        assertThat(PageRequest.decode(lockCursor, null, errors)).isEmpty();
        assertThat(errors).hasSize(4).extracting(FieldError::field).containsOnly("nextToken");
    }

    @Test
    void problem_isRfc7807_withFieldErrors() {
        ApiResponse problem = Problem.of(
                ProblemType.INVALID_REQUEST,
                "2 fields are invalid",
                List.of(new FieldError("stackName", "is required"), new FieldError("region", "is required")));
        assertThat(problem.status()).isEqualTo(400);
        assertThat(problem.headers()).containsEntry("Content-Type", "application/problem+json");
        JsonNode body = problem.body();
        assertThat(body.path("type").asText()).isEqualTo("urn:kotta-deployer:problem:invalid-request");
        assertThat(body.path("title").asText()).isNotBlank();
        assertThat(body.path("status").asInt()).isEqualTo(400);
        assertThat(body.path("detail").asText()).isEqualTo("2 fields are invalid");
        assertThat(body.path("errors")).hasSize(2);
        assertThat(body.path("errors").get(0).path("field").asText()).isEqualTo("stackName");
        assertThat(Problem.of(ProblemType.NOT_FOUND, "none").body().has("errors"))
                .isFalse();
        JsonNode proxy = problem.toProxyResponse();
        assertThat(proxy.path("statusCode").asInt()).isEqualTo(400);
        assertThat(proxy.path("body").isTextual()).isTrue();
    }

    @Test
    void unroutedRequests_are404_or405WithAllow() {
        ApiResponse delete = Routes.unrouted(ApiRequest.from(event("DELETE", "/deployments", null)));
        assertThat(delete.status()).isEqualTo(405);
        assertThat(delete.headers()).containsEntry("Allow", "GET, POST");
        assertThat(Routes.unrouted(ApiRequest.from(event("PUT", "/deployments/dep-1", null)))
                        .headers())
                .containsEntry("Allow", "GET");
        assertThat(Routes.unrouted(ApiRequest.from(event("GET", "/elsewhere", null)))
                        .status())
                .isEqualTo(404);
    }

    @Test
    void unexpectedException_is500_withRequestId_andNoTrace() {
        ApiHandler failing = new ApiHandler() {
            @Override
            protected boolean serves(String method, String resource) {
                return true;
            }

            @Override
            protected ApiResponse handle(ApiRequest request) {
                throw new IllegalStateException("table secret-table-name is missing");
            }
        };
        ObjectNode event = event("GET", "/deployments", null);
        ((ObjectNode) event.get("requestContext")).put("requestId", "req-123");
        ApiResponse response = failing.respond(event, null);
        assertThat(response.status()).isEqualTo(500);
        assertThat(response.body().path("requestId").asText()).isEqualTo("req-123");
        assertThat(response.body().toString()).doesNotContain("secret-table-name", "IllegalState", "at org.");
    }

    @Test
    void deploymentIds_areDepUuids_andBookkeepingItemsAreImplausible() {
        assertThat(DeploymentIds.newId()).matches("dep-[0-9a-f-]{36}");
        assertThat(DeploymentIds.isPlausible("dep-1")).isTrue();
        assertThat(DeploymentIds.isPlausible("lock#kotta")).isFalse();
        assertThat(DeploymentIds.isPlausible("idem#key")).isFalse();
        assertThat(DeploymentIds.isPlausible("d".repeat(81))).isFalse();
        assertThat(DeploymentIds.isPlausible(null)).isFalse();
    }

    @Test
    void stepSeconds_areFinishedMinusStarted() {
        ObjectNode record = Json.MAPPER.createObjectNode();
        record.putObject("steps")
                .putObject("validateInputs")
                .put("startedAt", "2030-01-01T00:00:00Z")
                .put("finishedAt", "2030-01-01T00:00:01.250Z");
        ((ObjectNode) record.get("steps")).putObject("publishOutputs");
        ObjectNode view = DeploymentView.of(record);
        assertThat(view.path("steps").path("validateInputs").path("seconds").decimalValue())
                .isEqualByComparingTo("1.25");
        assertThat(view.path("steps").path("publishOutputs").has("seconds")).isFalse();
        assertThat(record.path("steps").path("validateInputs").has("seconds")).isFalse();
    }

    private static void assertStatus(Runnable call, int status) {
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(
                        ApiException.class,
                        e -> assertThat(e.response().status()).isEqualTo(status));
    }

    private static ApiRequest post(String body, String contentType) {
        ObjectNode event = event("POST", "/deployments", contentType);
        event.put("body", body);
        return ApiRequest.from(event);
    }

    private static ObjectNode event(String method, String path, String contentType) {
        ObjectNode event = Json.MAPPER.createObjectNode();
        event.put("httpMethod", method);
        event.put("resource", "/{proxy+}");
        event.put("path", path);
        ObjectNode headers = event.putObject("headers");
        if (contentType != null) {
            headers.put("content-type", contentType);
        }
        event.putObject("requestContext").put("stage", "v1").put("path", "/v1" + path);
        return event;
    }
}
