package org.kotta.deployer.localcloud;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kotta.deployer.localcloud.SignedApi.Exchange;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * docs/openapi.yaml against the running API: every documented (method, path, status) was
 * answered by the API with a body holding the schema's required properties, and every
 * status the API answered is documented. The answers are ApiIT's; when ApiIT has not run in
 * this JVM, its scenarios are run here first.
 */
class OpenApiConformanceIT {
    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");
    private static JsonNode spec;

    @BeforeAll
    static void exerciseTheApi() throws Exception {
        spec = new YAMLMapper().readTree(LocalOrchestrator.findRoot().resolve("docs/openapi.yaml").toFile());
        if (!SignedApi.EXCHANGES.isEmpty()) {
            return;
        }
        ApiIT.install();
        ApiIT scenarios = new ApiIT();
        scenarios.post_validRequest_answers202_theExecutionSucceeds_andGetShowsIt();
        scenarios.post_withBadFields_answers400_listingEachField_andWritesAndStartsNothing();
        scenarios.post_malformedJson_answers400_withoutEchoingTheBody();
        scenarios.post_over64KB_answers413();
        scenarios.post_notJson_answers415();
        scenarios.get_unknownOrImplausibleId_answers404();
        scenarios.unknownRoute_answers404_andUnservedMethod_answers405WithAllow();
        scenarios.unsignedRequest_isRefusedByTheGateway();
        scenarios.post_whileTheStackIsDeployed_answers409_namingTheRunningDeployment();
        scenarios.sameIdempotencyKey_sameBody_replaysTheFirstAnswer_otherBody_answers422();
        scenarios.list_isNewestFirst_andPagesWithNextToken();
        scenarios.unexpectedFailure_answers500Problem_withRequestId_andNoTrace();
    }

    @Test
    void everyDocumentedStatus_wasAnswered_withTheRequiredProperties() {
        List<String> missing = new ArrayList<>();
        spec.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(operation -> {
            if (!METHODS.contains(operation.getKey())) {
                return;
            }
            String method = operation.getKey().toUpperCase(Locale.ROOT);
            operation.getValue().path("responses").fields().forEachRemaining(documented -> {
                int status = Integer.parseInt(documented.getKey());
                List<Exchange> answered = SignedApi.EXCHANGES.stream()
                        .filter(e -> e.method().equals(method) && e.route().equals(path.getKey())
                                && e.response().status() == status)
                        .toList();
                if (answered.isEmpty()) {
                    missing.add(method + " " + path.getKey() + " " + status);
                }
                answered.forEach(exchange -> assertConforms(exchange, documented.getValue()));
            });
        }));
        assertThat(missing).as("documented but never answered").isEmpty();
    }

    @Test
    void everyAnsweredStatus_isDocumented() {
        List<String> undocumented = new ArrayList<>();
        for (Exchange exchange : SignedApi.EXCHANGES) {
            String status = Integer.toString(exchange.response().status());
            JsonNode operation = spec.path("paths").path(exchange.route())
                    .path(exchange.method().toLowerCase(Locale.ROOT));
            JsonNode documented = operation.isMissingNode()
                    ? spec.path("x-unrouted-responses").path(status)
                    : operation.path("responses").path(status);
            if (documented.isMissingNode()) {
                undocumented.add(exchange.method() + " " + exchange.route() + " " + status);
            } else {
                assertConforms(exchange, documented);
            }
        }
        assertThat(undocumented).as("answered but not documented").isEmpty();
    }

    private static void assertConforms(Exchange exchange, JsonNode documentedResponse) {
        JsonNode response = resolve(documentedResponse);
        var content = response.path("content").fields();
        if (!content.hasNext()) {
            return;
        }
        var media = content.next();
        String context = exchange.method() + " " + exchange.route() + " " + exchange.response();
        if (exchange.response().status() == 403) {
            // API Gateway's own refusal: the local cloud ignores the template's gateway responses
            // (docs/local-cloud.md, "The admin API"), so its body is not the documented one
            return;
        }
        assertThat(exchange.response().header("Content-Type")).as(context).startsWith(media.getKey());
        JsonNode body = exchange.response().json();
        for (String property : requiredProperties(media.getValue().path("schema"))) {
            assertThat(body.has(property)).as(context + " lacks " + property).isTrue();
        }
    }

    /** Required properties of a schema, through $ref and allOf. */
    private static List<String> requiredProperties(JsonNode schema) {
        JsonNode resolved = resolve(schema);
        List<String> required = new ArrayList<>();
        resolved.path("required").forEach(name -> required.add(name.asText()));
        resolved.path("allOf").forEach(part -> required.addAll(requiredProperties(part)));
        return required;
    }

    private static JsonNode resolve(JsonNode node) {
        JsonNode current = node;
        while (current.has("$ref")) {
            String pointer = current.get("$ref").asText().substring(1);
            current = spec.at(pointer);
        }
        return current;
    }
}
