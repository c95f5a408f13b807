package org.kotta.deployer.localcloud;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kotta.deployer.localcloud.SignedApi.Exchange;

/**
 * docs/openapi.yaml against the running API and the request rules. Every documented
 * (method, path, status) is answered, and every answer's body validates against its
 * documented schema (networknt, OpenAPI 3.0 dialect); every status the API answered in this
 * JVM (these answers, and any other test's) is documented. The answers are made here, by
 * ApiIT's scenarios, whatever ran before. The request schema's limits are held against the
 * validator's rules ({@link RequestSchemaLimits}).
 */
class OpenApiConformanceIT {
    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");
    private static OpenApiSchemas openApi;
    private static JsonNode spec;
    /** The exchanges this class's own scenarios made. */
    private static List<Exchange> answered;

    @BeforeAll
    static void exerciseTheApi() throws Exception {
        openApi = OpenApiSchemas.read(org.kotta.deployer.testing.RepoRoot.path());
        spec = openApi.spec();
        int mark = SignedApi.EXCHANGES.size();
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
        answered = SignedApi.EXCHANGES.stream().skip(mark).toList();
    }

    @Test
    void everyDocumentedStatus_wasAnswered_withABodyOfItsSchema() {
        List<String> missing = new ArrayList<>();
        spec.path("paths")
                .fields()
                .forEachRemaining(path -> path.getValue().fields().forEachRemaining(operation -> {
                    if (!METHODS.contains(operation.getKey())) {
                        return;
                    }
                    String method = operation.getKey().toUpperCase(Locale.ROOT);
                    operation.getValue().path("responses").fields().forEachRemaining(documented -> {
                        int status = Integer.parseInt(documented.getKey());
                        List<Exchange> answers = answered.stream()
                                .filter(e -> e.method().equals(method)
                                        && e.route().equals(path.getKey())
                                        && e.response().status() == status)
                                .toList();
                        if (answers.isEmpty()) {
                            missing.add(method + " " + path.getKey() + " " + status);
                        }
                        String pointer = "/paths/" + OpenApiSchemas.step(path.getKey()) + "/" + operation.getKey()
                                + "/responses/" + status;
                        answers.forEach(exchange -> assertConforms(exchange, pointer));
                    });
                }));
        assertThat(missing).as("documented but never answered").isEmpty();
    }

    @Test
    void everyAnsweredStatus_isDocumented() {
        List<String> undocumented = new ArrayList<>();
        for (Exchange exchange : SignedApi.EXCHANGES) {
            String status = Integer.toString(exchange.response().status());
            String operation = "/paths/" + OpenApiSchemas.step(exchange.route()) + "/"
                    + exchange.method().toLowerCase(Locale.ROOT);
            String pointer = spec.at(operation).isMissingNode()
                    ? "/x-unrouted-responses/" + status
                    : operation + "/responses/" + status;
            if (spec.at(pointer).isMissingNode()) {
                undocumented.add(exchange.method() + " " + exchange.route() + " " + status);
            } else {
                assertConforms(exchange, pointer);
            }
        }
        assertThat(undocumented).as("answered but not documented").isEmpty();
    }

    @Test
    void theRequestSchemasLimits_areTheValidatorsRules() {
        RequestSchemaLimits.assertAgree(openApi, ExampleRequest.read(org.kotta.deployer.testing.RepoRoot.path()));
    }

    /** The answer's Content-Type is the documented media type and its body validates against that schema. */
    private static void assertConforms(Exchange exchange, String responsePointer) {
        String response = openApi.resolve(responsePointer);
        var content = spec.at(response + "/content").fieldNames();
        if (!content.hasNext()) {
            return;
        }
        String media = content.next();
        String context = exchange.method() + " " + exchange.route() + " " + exchange.response();
        if (exchange.response().status() == 403) {
            // API Gateway's own refusal: the local cloud ignores the template's gateway responses
            // (docs/local-cloud.md, "The admin API"), so its body is not the documented one
            return;
        }
        assertThat(exchange.response().header("Content-Type")).as(context).startsWith(media);
        JsonNode body = exchange.response().json();
        assertThat(openApi.violations(response + "/content/" + OpenApiSchemas.step(media) + "/schema", body))
                .as(context)
                .isEmpty();
    }
}
