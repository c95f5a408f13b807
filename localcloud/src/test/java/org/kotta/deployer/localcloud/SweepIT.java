package org.kotta.deployer.localcloud;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.kotta.deployer.core.DeploymentRecords;
import org.kotta.deployer.core.Json;
import org.kotta.deployer.core.StackLocks;
import org.kotta.deployer.localcloud.SignedApiClient.Response;
import org.kotta.deployer.testing.Waits;
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
        DeploymentRecords records =
                new DeploymentRecords(orchestrator.aws().dynamoDb(), orchestrator.output("DeploymentsTableName"));
        StackLocks locks = new StackLocks(orchestrator.aws().dynamoDb(), orchestrator.output("DeploymentsTableName"));
        SignedApi api = SignedApi.forLocalCloud(orchestrator);
        ObjectNode request = Fixtures.validRequest(orchestrator.aws(), Fixtures.shortId());
        String stackName = request.path("stackName").asText();

        int exchanges = FaultChecks.exchangeMark();
        String sweeper = orchestrator.functionName("SweepStaleDeploymentsFunction");
        SlowTemplates.use(orchestrator, SlowTemplates.withBaseStackDelay(8));
        String id;
        String executionArn;
        Instant stopped;
        int sweepsBefore;
        try {
            Response accepted = api.postJson("/deployments", request.toString(), Map.of());
            assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
            id = accepted.json().path("deploymentId").asText();
            executionArn = accepted.json().path("executionArn").asText();
            assertThat(awaitRecord(
                                    id,
                                    r -> "IN_PROGRESS"
                                            .equals(r.path("baseStack")
                                                    .path("phase")
                                                    .asText()))
                            .path("baseStack")
                            .path("phase")
                            .asText())
                    .as("the base stack is in progress")
                    .isEqualTo("IN_PROGRESS");
            sweepsBefore = orchestrator.host().invocationCount(sweeper);
            orchestrator
                    .aws()
                    .stepFunctions()
                    .stopExecution(b -> b.executionArn(executionArn)
                            .error("Operator.Stopped")
                            .cause("stopped by SweepIT"));
            stopped = Instant.now();
        } finally {
            SlowTemplates.use(orchestrator, null);
        }
        DescribeExecutionResponse aborted = LocalCloud.endOrLatest(executionArn, LIMIT);
        // no state of the workflow runs after a stop: only the sweep, on the execution's status-change event
        // (EventBridge → SweepStaleDeploymentsFunction, delivered by the local cloud as by AWS), ends the record
        JsonNode swept = awaitRecord(id, r -> !"RUNNING".equals(r.path("status").asText()));
        long sweepMillis = Duration.between(stopped, Instant.now()).toMillis();
        int sweepsOnTheEvent = orchestrator.host().invocationCount(sweeper) - sweepsBefore;
        boolean lockFreedBySweep = locks.holder(stackName).isEmpty();

        // the scheduled sweep finds nothing left to end, and leaves a finished record alone
        JsonNode scheduled = invokeSweep(
                orchestrator,
                Json.MAPPER.readTree("{\"source\":\"aws.events\",\"detail-type\":\"Scheduled Event\",\"detail\":{}}"));
        JsonNode afterScheduled = LocalCloud.record(id);

        // the lock is free: the next deployment of the stack starts and succeeds, once the stopped stack settles
        awaitStackSettled(stackName + "-base");
        Response next = api.postJson("/deployments", request.toString(), Map.of());
        List<String> ids = new ArrayList<>(List.of(id));
        DescribeExecutionResponse nextEnd = null;
        if (next.status() == 202) {
            ids.add(next.json().path("deploymentId").asText());
            nextEnd = LocalCloud.endOrLatest(next.json().path("executionArn").asText(), LIMIT);
        }
        List<String> lost = FaultChecks.lostRecords(records, ids);
        List<String> stuck = FaultChecks.stuckDeployments(records, ids);
        long serverErrors = FaultChecks.serverErrors(FaultChecks.answersSince(exchanges));
        boolean markedOnTheEvent = "FAILED".equals(swept.path("status").asText())
                && "ExecutionEnded".equals(swept.path("error").asText());

        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("executionsAborted", aborted.status() == ExecutionStatus.ABORTED ? 1 : 0);
        counts.put("sweepInvocationsOnTheEvent", sweepsOnTheEvent);
        counts.put("markedFailedBySweepOnTheEvent", markedOnTheEvent ? 1 : 0);
        counts.put("stopToFailedRecordMillis", sweepMillis);
        counts.put("scheduledSweepExamined", scheduled.path("examined").asInt());
        counts.put("scheduledSweepMarked", scheduled.path("markedFailed").size());
        counts.put("locksFreed", lockFreedBySweep ? 1 : 0);
        counts.put("nextDeploymentSucceeded", nextEnd != null && nextEnd.status() == ExecutionStatus.SUCCEEDED ? 1 : 0);
        counts.put("lostRecords", lost.size());
        counts.put("stuckDeployments", stuck.size());
        counts.put("serverErrors", serverErrors);
        ReliabilityReport.record(
                "4a-execution-ended-unrecorded",
                "A deployment's execution is stopped (ABORTED) " + "mid-deployment, so no state records its end",
                "the sweep (on the execution's status-change event, and every 5 minutes) marks the record FAILED "
                        + "(ExecutionEnded, at its step) and frees the stack lock; the next deployment of the stack succeeds",
                counts);

        assertThat(aborted.status()).isEqualTo(ExecutionStatus.ABORTED);
        assertThat(sweepsOnTheEvent)
                .as("sweeper invocations between the stop and the record's end")
                .isPositive();
        assertThat(swept.path("status").asText()).isEqualTo("FAILED");
        assertThat(swept.path("error").asText()).isEqualTo("ExecutionEnded");
        assertThat(swept.path("failedStep").asText()).isEqualTo("createBaseStack");
        assertThat(swept.path("cause").asText()).contains("ABORTED");
        assertThat(lockFreedBySweep).isTrue();
        assertThat(scheduled.path("markedFailed")).extracting(JsonNode::asText).doesNotContain(id);
        assertThat(afterScheduled.path("error").asText()).isEqualTo("ExecutionEnded");
        assertThat(next.status()).as(next.body()).isEqualTo(202);
        assertThat(nextEnd.status())
                .as("%s %s", nextEnd.error(), nextEnd.cause())
                .isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(lost).isEmpty();
        assertThat(stuck).isEmpty();
        assertThat(serverErrors).isZero();
    }

    static JsonNode invokeSweep(LocalOrchestrator orchestrator, JsonNode event) throws Exception {
        InvokeResponse response = invokeSweepFunction(orchestrator, event);
        String payload = response.payload().asUtf8String();
        assertThat(response.functionError()).as(payload).isNull();
        return Json.MAPPER.readTree(payload);
    }

    /** The sweeper invoked through the Lambda API, its answer unchecked. */
    static InvokeResponse invokeSweepFunction(LocalOrchestrator orchestrator, JsonNode event) {
        LambdaClient lambda = orchestrator.aws().build(LambdaClient.builder());
        return lambda.invoke(b -> b.functionName(orchestrator.functionName("SweepStaleDeploymentsFunction"))
                .qualifier("live")
                .payload(SdkBytes.fromString(event.toString(), StandardCharsets.UTF_8)));
    }

    /** The record once it meets {@code condition}, or as it is after two minutes. */
    private static JsonNode awaitRecord(String id, Predicate<JsonNode> condition) {
        return Waits.untilOrLatest(Duration.ofMinutes(2), FaultChecks.POLL, () -> LocalCloud.record(id), condition);
    }

    /** Until the stack has no operation in progress, or a minute has passed (the next deployment then says why). */
    private static void awaitStackSettled(String stackName) {
        Waits.untilOrLatest(
                Duration.ofMinutes(1),
                FaultChecks.POLL,
                () -> LocalCloud.stackStatus(stackName),
                status -> !status.endsWith("_IN_PROGRESS"));
    }
}
