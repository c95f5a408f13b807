package org.kotta.deployer.localcloud;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.IntFunction;
import org.kotta.deployer.core.FieldError;
import org.kotta.deployer.core.Json;
import org.kotta.deployer.validate.RequestValidator;

/**
 * The limits of docs/openapi.yaml's {@code DeploymentRequest} against the validator's rule
 * book, so the two cannot drift. Each limit the schema states (maxLength, minLength, minimum,
 * maximum, minItems, maxItems, patterns, defaults, required) is probed on both sides of its
 * boundary, on an otherwise valid request: the schema (networknt) and {@link RequestValidator}
 * must both accept the value at the limit and both refuse the one past it. The validator is
 * reached only through {@code validate} and its public constants, whatever its inside looks like.
 */
final class RequestSchemaLimits {
    private static final String SCHEMA = "/components/schemas/DeploymentRequest";
    private static final String ISSUER = "https://issuer.example.org/";

    /** For each field with a length limit: a valid request whose field has the given length. */
    private static final Map<String, BiConsumer<ObjectNode, Integer>> OF_LENGTH = Map.of(
            "stackName", (r, n) -> r.put("stackName", "k" + "a".repeat(n - 1)),
            "jobsBucketName", (r, n) -> r.put("jobsBucketName", "b".repeat(n)),
            "domainName", (r, n) -> r.put("domainName", domainOfLength(n)),
            "oauthClientId", (r, n) -> r.put("oidcIssuer", ISSUER).put("oauthClientId", "c".repeat(n)),
            "oidcIssuer",
                    (r, n) -> r.put("oauthClientId", "plain-id")
                            .put("oidcIssuer", ISSUER + "p".repeat(n - ISSUER.length())),
            "keyPairName", (r, n) -> r.put("keyPairName", "k".repeat(n)),
            "adminUsers.name", (r, n) -> ((ObjectNode) r.withArray("adminUsers").get(0)).put("name", "n".repeat(n)));

    /** For each field with numeric bounds: a request whose field has the given value. */
    private static final Map<String, BiConsumer<ObjectNode, JsonNode>> OF_VALUE = Map.of(
            "prodMinWorkers", (r, v) -> r.setAll(Map.of("prodMinWorkers", v, "prodMaxWorkers", v)),
            "prodMaxWorkers", (r, v) -> r.setAll(Map.of("prodMinWorkers", v, "prodMaxWorkers", v)),
            "testMinWorkers", (r, v) -> r.setAll(Map.of("testMinWorkers", v, "testMaxWorkers", v)),
            "testMaxWorkers", (r, v) -> r.setAll(Map.of("testMinWorkers", v, "testMaxWorkers", v)),
            "spotPrice", (r, v) -> r.set("spotPrice", v));

    /** Values either side of each documented pattern (both sides must agree on each). */
    private static final Map<String, List<String>> PATTERN_PROBES = Map.of(
            "stackName", List.of("k", "Kotta-2", "kotta-", "1kotta", "-kotta", "kotta_x", "kotta x", "kötta"),
            "spotPrice", List.of("0.10", "1", "100", "0.0001", "1e2", "0x10", ".5", "5.", "abc", "", " 1"));

    private final OpenApiSchemas openApi;
    private final ObjectNode example;
    private final RequestValidator validator = new RequestValidator("us-east-1");
    private final List<String> disagreements = new ArrayList<>();

    private RequestSchemaLimits(OpenApiSchemas openApi, ObjectNode example) {
        this.openApi = openApi;
        this.example = example;
    }

    static void assertAgree(OpenApiSchemas openApi, ObjectNode example) {
        RequestSchemaLimits limits = new RequestSchemaLimits(openApi, example);
        assertThat(limits.schemaRefuses(example))
                .as("the example request against the schema")
                .isEmpty();
        assertThat(limits.validator.validate(example).errors())
                .as("the example request")
                .isEmpty();
        limits.check();
        assertThat(limits.disagreements).as("schema and validator disagree").isEmpty();
    }

    private void check() {
        JsonNode schema = openApi.at(SCHEMA);
        schema.path("properties")
                .fields()
                .forEachRemaining(p -> property(p.getKey(), openApi.at(SCHEMA + "/properties/" + p.getKey())));
        openApi.at(SCHEMA + "/properties/adminUsers/items")
                .path("properties")
                .fields()
                .forEachRemaining(p -> property("adminUsers." + p.getKey(), p.getValue()));
        adminUserCount(schema.path("properties").path("adminUsers"));
        schema.path("required")
                .forEach(name -> agree(
                        "without " + name.asText(),
                        name.asText(),
                        example.deepCopy().without(name.asText())));
        defaults(schema.path("properties"));
    }

    private void property(String name, JsonNode property) {
        if (property.has("maxLength") || property.has("minLength")) {
            BiConsumer<ObjectNode, Integer> ofLength = OF_LENGTH.get(name);
            assertThat(ofLength)
                    .as("a length probe for %s (it has a length limit in the schema)", name)
                    .isNotNull();
            if (property.has("maxLength")) {
                lengthProbe(name, ofLength, property.get("maxLength").asInt());
                lengthProbe(name, ofLength, property.get("maxLength").asInt() + 1);
            }
            if (property.has("minLength")) {
                lengthProbe(name, ofLength, property.get("minLength").asInt());
                lengthProbe(name, ofLength, property.get("minLength").asInt() - 1);
            }
        }
        List<JsonNode> bounded = new ArrayList<>(List.of(property));
        property.path("oneOf").forEach(bounded::add);
        for (JsonNode b : bounded) {
            if (b.has("maximum") || b.has("minimum")) {
                BiConsumer<ObjectNode, JsonNode> ofValue = OF_VALUE.get(name);
                assertThat(ofValue)
                        .as("a value probe for %s (it has bounds in the schema)", name)
                        .isNotNull();
                boolean integer = "integer".equals(b.path("type").asText());
                for (String bound : List.of("minimum", "maximum")) {
                    if (b.has(bound)) {
                        double limit = b.get(bound).asDouble();
                        double step = (integer ? 1 : 0.0001) * (bound.equals("minimum") ? -1 : 1);
                        valueProbe(name, ofValue, limit, integer);
                        valueProbe(name, ofValue, limit + step, integer);
                    }
                }
            }
            if (b.has("pattern")) {
                List<String> probes = PATTERN_PROBES.get(name);
                assertThat(probes)
                        .as("pattern probes for %s (it has a pattern in the schema)", name)
                        .isNotNull();
                BiConsumer<ObjectNode, JsonNode> set = (r, v) -> r.set(name, v);
                for (String probe : probes) {
                    ObjectNode request = example.deepCopy();
                    set.accept(request, Json.MAPPER.getNodeFactory().textNode(probe));
                    agree(name + " = \"" + probe + "\"", name, request);
                }
            }
        }
    }

    private void lengthProbe(String name, BiConsumer<ObjectNode, Integer> ofLength, int length) {
        ObjectNode request = example.deepCopy();
        ofLength.accept(request, length);
        agree(name + " of " + length + " characters", topLevel(name), request);
    }

    private void valueProbe(String name, BiConsumer<ObjectNode, JsonNode> ofValue, double value, boolean integer) {
        ObjectNode request = example.deepCopy();
        ofValue.accept(
                request,
                integer
                        ? Json.MAPPER.getNodeFactory().numberNode((int) Math.round(value))
                        : Json.MAPPER
                                .getNodeFactory()
                                .numberNode(java.math.BigDecimal.valueOf(value).stripTrailingZeros()));
        agree(name + " = " + request.get(name), name, request);
    }

    private void adminUserCount(JsonNode adminUsers) {
        IntFunction<ObjectNode> withUsers = n -> {
            ObjectNode request = example.deepCopy();
            ArrayNode users = request.putArray("adminUsers");
            for (int i = 0; i < n; i++) {
                users.addObject().put("email", "admin" + i + "@demo.example.org");
            }
            return request;
        };
        int max = adminUsers.path("maxItems").asInt();
        int min = adminUsers.path("minItems").asInt();
        same("adminUsers maxItems", max, RequestValidator.MAX_ADMIN_USERS);
        for (int n : List.of(min - 1, min, max, max + 1)) {
            agree(n + " admin users", "adminUsers", withUsers.apply(n));
        }
    }

    /** The schema's defaults are the validator's. */
    private void defaults(JsonNode properties) {
        Map<String, Object> rules = Map.of(
                "webServerInstanceType", RequestValidator.DEFAULT_WEB_SERVER_INSTANCE_TYPE,
                "taskExecutorInstanceType", RequestValidator.DEFAULT_TASK_EXECUTOR_INSTANCE_TYPE,
                "prodMinWorkers", RequestValidator.DEFAULT_PROD_MIN_WORKERS,
                "prodMaxWorkers", RequestValidator.DEFAULT_PROD_MAX_WORKERS,
                "testMinWorkers", RequestValidator.DEFAULT_TEST_MIN_WORKERS,
                "testMaxWorkers", RequestValidator.DEFAULT_TEST_MAX_WORKERS,
                "spotPrice", RequestValidator.DEFAULT_SPOT_PRICE);
        properties.fields().forEachRemaining(p -> {
            JsonNode documented = p.getValue().get("default");
            if (documented != null && !p.getKey().equals("refreshImage")) {
                same("default of " + p.getKey(), documented.asText(), String.valueOf(rules.get(p.getKey())));
            }
            if (p.getValue().has("maximum") && p.getKey().endsWith("Workers")) {
                same("maximum of " + p.getKey(), p.getValue().get("maximum").asInt(), RequestValidator.MAX_WORKERS);
            }
            if (p.getKey().equals("stackName")) {
                same(
                        "maxLength of stackName",
                        p.getValue().path("maxLength").asInt(),
                        org.kotta.deployer.validate.AwsNames.MAX_STACK_NAME_LENGTH);
            }
        });
    }

    /** Records a disagreement when the schema states another value than the validator's public constant. */
    private void same(String what, Object documented, Object rule) {
        if (!String.valueOf(documented).equals(String.valueOf(rule))) {
            disagreements.add(what + ": the schema says " + documented + ", the validator " + rule);
        }
    }

    /** Records a disagreement when one side refuses {@code field} of {@code request} and the other does not. */
    private void agree(String probe, String field, ObjectNode request) {
        boolean schemaRefuses = schemaRefuses(request).stream().anyMatch(f -> f.equals(field));
        boolean validatorRefuses = validator.validate(request).errors().stream()
                .map(FieldError::field)
                .anyMatch(f -> topLevel(f).equals(field));
        if (schemaRefuses != validatorRefuses) {
            disagreements.add(probe + ": the schema " + (schemaRefuses ? "refuses" : "accepts") + ", the validator "
                    + (validatorRefuses ? "refuses" : "accepts"));
        }
    }

    /** The top-level request fields the schema finds fault with. */
    private List<String> schemaRefuses(ObjectNode request) {
        List<String> fields = new ArrayList<>();
        for (Error error : openApi.schema(SCHEMA).validate(request)) {
            String location = error.getInstanceLocation().toString().replaceFirst("^[$/.]+", "");
            fields.add(location.isEmpty() ? String.valueOf(error.getProperty()) : topLevel(location));
        }
        return fields;
    }

    /** "adminUsers[0].name", "adminUsers/0/name", "adminUsers.name" → "adminUsers". */
    private static String topLevel(String field) {
        return field.split("[\\[./]", 2)[0];
    }

    /** A valid domain name of exactly {@code length} characters: 63-letter labels, then a last label. */
    private static String domainOfLength(int length) {
        StringBuilder domain = new StringBuilder();
        while (length - domain.length() > 64) {
            domain.append("a".repeat(63)).append('.');
        }
        return domain.append("z".repeat(length - domain.length())).toString();
    }
}
