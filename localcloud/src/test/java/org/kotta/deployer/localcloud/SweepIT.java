package org.kotta.deployer.localcloud;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.kotta.deployer.core.DeploymentRecords;
import org.kotta.deployer.core.Json;
import org.kotta.deployer.localcloud.SignedApiClient.Response;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * An execution that ends without recording its outcome (stopped here; in AWS also timed out):
 * the sweep, run by the execution's status-change event through EventBridge, marks the record
 * FAILED and frees the stack's lock; the scheduled sweep (invoked through the Lambda API) then
 * leaves it alone.
 */
class SweepIT {
    private static final Duration LIMIT = Duration.ofMinutes(3);

    @Test
    void abortedExecution_leavesTheRecordRunning_untilTheSweepMarksItFailed_andFreesTheLock() throws Exception {
        LocalOrchestrator orchestrator = LocalCloud.orchestrator();
        DeploymentRecords records = new DeploymentRecords(orchestrator.aws().dynamoDb(),
                orchestrator.output("DeploymentsTableName"));
        SignedApi api = SignedApi.forLocalCloud(orchestrator);
        ObjectNode request = Fixtures.validRequest(orchestrator.aws(), Fixtures.shortId());
        String stackName = request.path("stackName").asText();

        SlowTemplates.use(orchestrator, SlowTemplates.withBaseStackDelay(8));
        String id;
        String executionArn;
        try {
            Response accepted = api.postJson("/deployments", request.toString(), Map.of());
            assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
            id = accepted.json().path("deploymentId").asText();
            executionArn = accepted.json().path("executionArn").asText();
            awaitRecord(id, r -> "IN_PROGRESS".equals(r.path("baseStack").path("phase").asText()));
            orchestrator.aws().stepFunctions().stopExecution(b -> b.executionArn(executionArn)
                    .error("Operator.Stopped").cause("stopped by SweepIT"));
        } finally {
            SlowTemplates.use(orchestrator, null);
        }
        Instant stopped = Instant.now();
        assertThat(LocalCloud.awaitEnd(executionArn, LIMIT).status()).isEqualTo(ExecutionStatus.ABORTED);
        // no state of the workflow runs after a stop: only the sweep, on the execution's status-change event
        // (EventBridge → SweepStaleDeploymentsFunction, delivered by the local cloud as by AWS), ends the record
        awaitRecord(id, r -> !"RUNNING".equals(r.path("status").asText()));
        long sweepMillis = Duration.between(stopped, Instant.now()).toMillis();

        JsonNode record = LocalCloud.record(id);
        assertThat(record.path("status").asText()).isEqualTo("FAILED");
        assertThat(record.path("error").asText()).isEqualTo("ExecutionEnded");
        assertThat(record.path("failedStep").asText()).isEqualTo("createBaseStack");
        assertThat(record.path("cause").asText()).contains("ABORTED");
        assertThat(records.lockHolder(stackName)).isEmpty();

        // the scheduled sweep finds nothing left to end, and leaves a finished record alone
        JsonNode scheduled = invokeSweep(orchestrator, Json.MAPPER.readTree(
                "{\"source\":\"aws.events\",\"detail-type\":\"Scheduled Event\",\"detail\":{}}"));
        assertThat(scheduled.path("markedFailed")).extracting(JsonNode::asText).doesNotContain(id);
        assertThat(LocalCloud.record(id).path("error").asText()).isEqualTo("ExecutionEnded");

        // the lock is free: the next deployment of the stack starts and succeeds, once the stopped stack settles
        awaitStackSettled(stackName + "-base");
        Response next = api.postJson("/deployments", request.toString(), Map.of());
        assertThat(next.status()).as(next.body()).isEqualTo(202);
        DescribeExecutionResponse nextEnd = LocalCloud.awaitEnd(next.json().path("executionArn").asText(), LIMIT);
        assertThat(nextEnd.status()).as("%s %s", nextEnd.error(), nextEnd.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);

        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("executionsAborted", 1);
        counts.put("markedFailedBySweepOnTheEvent", 1);
        counts.put("stopToFailedRecordMillis", sweepMillis);
        counts.put("scheduledSweepExamined", scheduled.path("examined").asInt());
        counts.put("scheduledSweepMarked", scheduled.path("markedFailed").size());
        counts.put("locksFreed", 1);
        counts.put("lostRecords", 0);
        counts.put("stuckDeployments", 0);
        counts.put("serverErrors", 0);
        ReliabilityReport.record("4a-execution-ended-unrecorded", "A deployment's execution is stopped (ABORTED) "
                + "mid-deployment, so no state records its end",
                "the sweep (on the execution's status-change event, and every 5 minutes) marks the record FAILED "
                + "(ExecutionEnded, at its step) and frees the stack lock; the next deployment of the stack succeeds",
                counts);
    }

    static JsonNode invokeSweep(LocalOrchestrator orchestrator, JsonNode event) throws Exception {
        LambdaClient lambda = orchestrator.aws().build(LambdaClient.builder());
        InvokeResponse response = lambda.invoke(b -> b.functionName(
                orchestrator.functionName("SweepStaleDeploymentsFunction")).qualifier("live")
                .payload(SdkBytes.fromString(event.toString(), StandardCharsets.UTF_8)));
        String payload = response.payload().asUtf8String();
        assertThat(response.functionError()).as(payload).isNull();
        return Json.MAPPER.readTree(payload);
    }

    private static void awaitRecord(String id, Predicate<JsonNode> condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (true) {
            JsonNode record = LocalCloud.record(id);
            if (condition.test(record)) {
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("record never got there: " + record);
            }
            Thread.sleep(200);
        }
    }

    private static void awaitStackSettled(String stackName) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
        while (LocalCloud.stackStatus(stackName).endsWith("_IN_PROGRESS") && Instant.now().isBefore(deadline)) {
            Thread.sleep(250);
        }
    }
}
