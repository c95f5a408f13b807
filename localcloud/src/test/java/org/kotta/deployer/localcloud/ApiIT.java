package org.kotta.deployer.localcloud;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kotta.deployer.core.AwsClients;
import org.kotta.deployer.core.DeploymentRecords;
import org.kotta.deployer.core.Executions;
import org.kotta.deployer.core.Json;
import org.kotta.deployer.core.StackLocks;
import org.kotta.deployer.localcloud.SignedApiClient.Response;
import org.kotta.deployer.validate.RequestValidator;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/** The admin API, deployed from template.yaml into the local cloud and called over HTTP with SigV4. */
class ApiIT {
    private static final Duration LIMIT = Duration.ofMinutes(4);
    private static final String PROBLEM_JSON = "application/problem+json";
    private static LocalOrchestrator orchestrator;
    private static AwsClients aws;
    private static SignedApi api;
    private static DeploymentRecords records;
    private static StackLocks locks;

    @BeforeAll
    static void install() {
        orchestrator = LocalCloud.orchestrator();
        aws = orchestrator.aws();
        api = SignedApi.forLocalCloud(orchestrator);
        records = new DeploymentRecords(aws.dynamoDb(), orchestrator.output("DeploymentsTableName"));
        locks = new StackLocks(aws.dynamoDb(), orchestrator.output("DeploymentsTableName"));
    }

    @Test
    void post_validRequest_answers202_theExecutionSucceeds_andGetShowsIt() throws Exception {
        ObjectNode request = Fixtures.validRequest(aws, Fixtures.shortId());
        Response accepted = api.postJson(
                "/deployments", request.toString(), Map.of("Content-Type", "application/json; charset=utf-8"));

        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        JsonNode body = accepted.json();
        String id = body.path("deploymentId").asText();
        assertThat(id).matches("dep-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        assertThat(body.path("status").asText()).isEqualTo("PENDING");
        assertThat(body.path("executionArn").asText()).endsWith(":" + id);
        assertThat(body.path("url").asText()).startsWith("https://").endsWith("/deployments/" + id);
        assertThat(accepted.header("Location")).isEqualTo(body.path("url").asText());

        DescribeExecutionResponse execution =
                LocalCloud.awaitEnd(body.path("executionArn").asText(), LIMIT);
        assertThat(execution.status())
                .as("%s %s", execution.error(), execution.cause())
                .isEqualTo(ExecutionStatus.SUCCEEDED);

        Response got = api.get("/deployments/" + id);
        assertThat(got.status()).isEqualTo(200);
        JsonNode deployment = got.json();
        assertThat(deployment.path("deploymentId").asText()).isEqualTo(id);
        assertThat(deployment.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(deployment.path("trigger").asText()).isEqualTo("api");
        assertThat(deployment
                        .path("steps")
                        .path("validateInputs")
                        .path("seconds")
                        .isNumber())
                .isTrue();
        assertThat(deployment.path("execution").path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(deployment.path("execution").path("currentState").asText()).isEqualTo("Deployment succeeded");
        assertThat(got.body()).doesNotContain(Fixtures.CLIENT_SECRET_VALUE);
    }

    @Test
    void post_withBadFields_answers400_listingEachField_andWritesAndStartsNothing() {
        ObjectNode request = Fixtures.validRequest(aws, Fixtures.shortId());
        request.put("jobsBucketName", "Bad_Bucket");
        request.put("prodMinWorkers", 5);
        request.put("prodMaxWorkers", 2);
        request.put("oauthClientSecretArn", "hunter2-plain-secret");
        int itemsBefore = FaultChecks.deploymentTableItemCount();
        int executionsBefore = FaultChecks.executionCount();

        Response refused = api.postJson("/deployments", request.toString(), Map.of());

        assertProblem(refused, 400, "invalid-request");
        List<String> fields = new ArrayList<>();
        refused.json()
                .path("errors")
                .forEach(error -> fields.add(error.path("field").asText()));
        assertThat(fields).contains("jobsBucketName", "prodMinWorkers", "oauthClientSecretArn");
        refused.json()
                .path("errors")
                .forEach(error -> assertThat(error.path("message").asText()).isNotBlank());
        assertThat(refused.body()).doesNotContain("hunter2-plain-secret");
        assertThat(FaultChecks.deploymentTableItemCount()).isEqualTo(itemsBefore);
        assertThat(FaultChecks.executionCount()).isEqualTo(executionsBefore);
    }

    @Test
    void post_malformedJson_answers400_withoutEchoingTheBody() {
        int executionsBefore = FaultChecks.executionCount();
        Response refused = api.postJson("/deployments", "{\"stackName\": \"kotta-x\", oops", Map.of());
        assertProblem(refused, 400, "malformed-body");
        assertThat(refused.body()).doesNotContain("oops");
        assertThat(api.postJson("/deployments", "", Map.of()).status()).isEqualTo(400);
        assertThat(FaultChecks.executionCount()).isEqualTo(executionsBefore);
    }

    @Test
    void post_over64KB_answers413() {
        ObjectNode request = Fixtures.validRequest(aws, Fixtures.shortId());
        request.put("padding", "x".repeat(65 * 1024));
        assertProblem(api.postJson("/deployments", request.toString(), Map.of()), 413, "payload-too-large");
    }

    @Test
    void post_notJson_answers415() {
        ObjectNode request = Fixtures.validRequest(aws, Fixtures.shortId());
        assertProblem(
                api.postJson("/deployments", request.toString(), Map.of("Content-Type", "text/plain")),
                415,
                "unsupported-media-type");
        assertProblem(
                api.postJson(
                        "/deployments", request.toString(), Map.of("Content-Type", "application/json; charset=latin1")),
                415,
                "unsupported-media-type");
    }

    @Test
    void get_unknownOrImplausibleId_answers404() {
        assertProblem(api.get("/deployments/dep-" + UUID.randomUUID()), 404, "not-found");
        assertProblem(api.get("/deployments/lock%23kotta-it-x"), 404, "not-found");
        assertProblem(api.get("/deployments/idem%23some-key"), 404, "not-found");
        assertProblem(api.get("/deployments/dep-" + "a".repeat(80)), 404, "not-found");
    }

    @Test
    void unknownRoute_answers404_andUnservedMethod_answers405WithAllow() {
        assertProblem(api.get("/nothing-here"), 404, "not-found");
        Response deleteAll = api.send("DELETE", "/deployments", null, Map.of(), true);
        assertProblem(deleteAll, 405, "method-not-allowed");
        assertThat(deleteAll.header("Allow")).isEqualTo("GET, POST");
        Response putOne = api.send("PUT", "/deployments/dep-" + UUID.randomUUID(), null, Map.of(), true);
        assertProblem(putOne, 405, "method-not-allowed");
        assertThat(putOne.header("Allow")).isEqualTo("GET");
        // each routed explicitly (AWS does not fall through to {proxy+} for a path that exists)
        for (String method : List.of("PUT", "PATCH")) {
            assertProblem(api.send(method, "/deployments", null, Map.of(), true), 405, "method-not-allowed");
        }
        for (String method : List.of("POST", "PATCH", "DELETE")) {
            assertProblem(
                    api.send(method, "/deployments/dep-" + UUID.randomUUID(), null, Map.of(), true),
                    405,
                    "method-not-allowed");
        }
    }

    @Test
    void unsignedRequest_isRefusedByTheGateway() {
        Response refused = api.send("GET", "/deployments", null, Map.of(), false);
        // the body is the template's problem+json gateway response in AWS; the local cloud does not
        // import gateway responses (docs/local-cloud.md, "The admin API"), so only the status is checked
        assertThat(refused.status()).isEqualTo(403);
        assertThat(api.send("GET", "/deployments/dep-" + UUID.randomUUID(), null, Map.of(), false)
                        .status())
                .isEqualTo(403);
        int executionsBefore = FaultChecks.executionCount();
        byte[] body = Fixtures.validRequest(aws, Fixtures.shortId())
                .toString()
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(api.send("POST", "/deployments", body, Map.of("Content-Type", "application/json"), false)
                        .status())
                .isEqualTo(403);
        assertThat(FaultChecks.executionCount()).isEqualTo(executionsBefore);
    }

    @Test
    void post_whileTheStackIsDeployed_answers409_namingTheRunningDeployment() {
        ObjectNode request = Fixtures.validRequest(aws, Fixtures.shortId());
        String stackName = request.path("stackName").asText();
        // a deployment of the stack that is RUNNING and holds the stack's lock
        String running = LocalCloud.newDeploymentId();
        var validated = new RequestValidator("us-east-1").validate(request).request();
        assertThat(locks.acquire(stackName, running)).isEmpty();
        records.createPending(running, validated, "test");
        String executionArn = "arn:aws:states:us-east-1:000000000000:execution:x:" + running;
        records.markRunning(running, validated, "test", executionArn, Executions.consoleUrl("us-east-1", executionArn));
        int executionsBefore = FaultChecks.executionCount();
        try {
            Response busy = api.postJson("/deployments", request.toString(), Map.of());
            assertProblem(busy, 409, "stack-busy");
            assertThat(busy.json().path("runningDeployment").asText()).isEqualTo(running);
            assertThat(busy.json().path("detail").asText()).contains(stackName, running);
            assertThat(FaultChecks.executionCount()).isEqualTo(executionsBefore);
        } finally {
            records.failed(running, "test", "Test", "ended by the test", null);
            locks.release(stackName, running);
        }
    }

    @Test
    void sameIdempotencyKey_sameBody_replaysTheFirstAnswer_otherBody_answers422() throws Exception {
        ObjectNode request = Fixtures.validRequest(aws, Fixtures.shortId());
        String stackName = request.path("stackName").asText();
        Map<String, String> key = Map.of("idempotency-key", "it-" + UUID.randomUUID());

        Response first = api.postJson("/deployments", request.toString(), key);
        assertThat(first.status()).as(first.body()).isEqualTo(202);
        // the same document with its fields in another order is the same request
        ObjectNode reordered = Json.MAPPER.createObjectNode();
        List<String> names = new ArrayList<>();
        request.fieldNames().forEachRemaining(names::add);
        for (int i = names.size() - 1; i >= 0; i--) {
            reordered.set(names.get(i), request.get(names.get(i)));
        }
        Response replay = api.postJson("/deployments", reordered.toString(), key);
        assertThat(replay.status()).isEqualTo(202);
        assertThat(replay.json().path("deploymentId").asText())
                .isEqualTo(first.json().path("deploymentId").asText());
        assertThat(replay.header("Idempotent-Replayed")).isEqualTo("true");

        ObjectNode other = request.deepCopy().put("prodMaxWorkers", 3);
        assertProblem(api.postJson("/deployments", other.toString(), key), 422, "idempotency-key-reused");

        LocalCloud.awaitEnd(first.json().path("executionArn").asText(), LIMIT);
        assertThat(records.deploymentsOfStack(stackName, 10, null, null)).hasSize(1);
        assertThat(executionsOfStack(stackName)).isEqualTo(1);
        assertProblem(
                api.postJson("/deployments", request.toString(), Map.of("Idempotency-Key", "x".repeat(129))),
                400,
                "invalid-parameter");
    }

    @Test
    void list_isNewestFirst_andPagesWithNextToken() throws Exception {
        ObjectNode request = Fixtures.validRequest(aws, Fixtures.shortId());
        String stackName = request.path("stackName").asText();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Response accepted = api.postJson("/deployments", request.toString(), Map.of());
            assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
            ids.add(accepted.json().path("deploymentId").asText());
            LocalCloud.awaitEnd(accepted.json().path("executionArn").asText(), LIMIT);
        }

        Response firstPage = api.get("/deployments?stackName=" + stackName + "&limit=1");
        assertThat(firstPage.status()).isEqualTo(200);
        assertThat(idsOf(firstPage)).containsExactly(ids.get(1));
        String token = firstPage.json().path("nextToken").asText();
        assertThat(token).isNotEmpty();
        Response secondPage = api.get("/deployments?stackName=" + stackName + "&limit=1&nextToken=" + token);
        assertThat(idsOf(secondPage)).containsExactly(ids.get(0));
        assertThat(secondPage.json().has("nextToken")).isFalse();

        // every stack: newest first across pages, never a lock or idempotency item
        List<JsonNode> all = new ArrayList<>();
        String next = null;
        for (int page = 0; page < 3; page++) {
            Response listed = api.get("/deployments?limit=2" + (next == null ? "" : "&nextToken=" + next));
            assertThat(listed.status()).isEqualTo(200);
            listed.json().path("items").forEach(all::add);
            next = listed.json().path("nextToken").asText(null);
            if (next == null) {
                break;
            }
        }
        assertThat(all)
                .isNotEmpty()
                .allSatisfy(
                        item -> assertThat(item.path("deploymentId").asText()).doesNotContain("#"));
        for (int i = 1; i < all.size(); i++) {
            assertThat(all.get(i - 1).path("createdAt").asText())
                    .isGreaterThanOrEqualTo(all.get(i).path("createdAt").asText());
        }

        assertProblem(api.get("/deployments?limit=0"), 400, "invalid-parameter");
        assertProblem(api.get("/deployments?limit=101"), 400, "invalid-parameter");
        assertProblem(api.get("/deployments?limit=ten"), 400, "invalid-parameter");
        assertProblem(api.get("/deployments?nextToken=not-a-token"), 400, "invalid-parameter");
        // a token of one stack's listing is refused for another
        assertProblem(api.get("/deployments?stackName=other&nextToken=" + token), 400, "invalid-parameter");
    }

    @Test
    void unexpectedFailure_answers500Problem_withRequestId_andNoTrace() {
        String table = orchestrator.output("DeploymentsTableName");
        List<String> functions = List.of("StartDeploymentFunction", "GetDeploymentFunction", "ListDeploymentsFunction");
        functions.forEach(f ->
                orchestrator.setFunctionEnvironment(f, "DEPLOYMENTS_TABLE", "no-such-table-" + Fixtures.shortId()));
        try {
            List<Response> failures = List.of(
                    api.postJson(
                            "/deployments",
                            Fixtures.validRequest(aws, Fixtures.shortId()).toString(),
                            Map.of()),
                    api.get("/deployments/dep-" + UUID.randomUUID()),
                    api.get("/deployments"));
            for (Response failure : failures) {
                assertProblem(failure, 500, "internal");
                assertThat(failure.json().path("requestId").asText()).isNotBlank();
                assertThat(failure.body()).doesNotContain("at org.", "Exception", "no-such-table");
            }
        } finally {
            functions.forEach(f -> orchestrator.setFunctionEnvironment(f, "DEPLOYMENTS_TABLE", table));
        }
    }

    static void assertProblem(Response response, int status, String type) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.header("Content-Type")).startsWith(PROBLEM_JSON);
        JsonNode problem = response.json();
        assertThat(problem.path("type").asText()).isEqualTo("urn:kotta-deployer:problem:" + type);
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        assertThat(problem.path("title").asText()).isNotBlank();
        assertThat(problem.path("detail").asText()).isNotBlank();
    }

    private static List<String> idsOf(Response page) {
        List<String> ids = new ArrayList<>();
        page.json()
                .path("items")
                .forEach(item -> ids.add(item.path("deploymentId").asText()));
        return ids;
    }

    /** Executions whose deployment (named after the execution) is of the stack. */
    private static long executionsOfStack(String stackName) {
        List<String> ids = records.deploymentsOfStack(stackName, 100, null, null).stream()
                .map(r -> r.path("deploymentId").asText())
                .toList();
        List<String> names = new ArrayList<>();
        aws.stepFunctions()
                .listExecutionsPaginator(b -> b.stateMachineArn(orchestrator.output("StateMachineArn")))
                .executions()
                .forEach(e -> names.add(e.name()));
        return names.stream().filter(ids::contains).count();
    }
}
