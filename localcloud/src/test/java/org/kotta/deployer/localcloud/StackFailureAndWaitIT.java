package org.kotta.deployer.localcloud;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kotta.deployer.core.AwsClients;
import org.kotta.deployer.core.DeploymentRecords;
import org.kotta.deployer.core.StackLocks;
import org.kotta.deployer.localcloud.FaultChecks.StackState;
import org.kotta.deployer.localcloud.SignedApiClient.Response;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * A Kotta stack that fails, and a stack that takes a while: the orchestrator reads its
 * templates from another folder here (the test-only {@code KOTTA_TEMPLATES_DIR} setting,
 * set on the deployed functions).
 */
class StackFailureAndWaitIT {
    private static final Duration LIMIT = Duration.ofMinutes(4);
    private static LocalOrchestrator orchestrator;
    private static AwsClients aws;

    @BeforeAll
    static void install() {
        orchestrator = LocalCloud.orchestrator();
        aws = orchestrator.aws();
    }

    @AfterEach
    void useTheRealTemplatesAgain() throws Exception {
        SlowTemplates.use(orchestrator, null);
        orchestrator.stackEvents().relay(true);
        orchestrator.stackWaitTimeout(null);
    }

    /** A failing Kotta stack, through the signed API: the figures go to docs/reliability.md. */
    @Test
    void failingKottaStack_throughTheApi_isFailedWithTheStacksReason_keepsTheBase_andTheSameBodyThenSucceeds()
            throws Exception {
        SignedApi api = SignedApi.forLocalCloud(orchestrator);
        DeploymentRecords records = FaultChecks.records();
        StackLocks locks = FaultChecks.locks();
        ObjectNode request = Fixtures.validRequest(aws, "fail-" + Fixtures.shortId());
        String stackName = request.path("stackName").asText();
        List<Response> answers = new ArrayList<>();
        int executionsBefore = FaultChecks.executionCount();

        SlowTemplates.use(orchestrator, SlowTemplates.withFailingKottaStack());
        Response failedPost = api.postJson("/deployments", request.toString(), Map.of());
        answers.add(failedPost);
        assertThat(failedPost.status()).as(failedPost.body()).isEqualTo(202);
        String failedId = failedPost.json().path("deploymentId").asText();
        DescribeExecutionResponse failed =
                LocalCloud.awaitEnd(failedPost.json().path("executionArn").asText(), LIMIT);
        Response failedView = api.get("/deployments/" + failedId);
        answers.add(failedView);
        StackState baseAfterFailure = FaultChecks.stack(stackName + "-base");
        String kottaAfterFailure = statusOrAbsent(stackName);
        Optional<String> lockAfterFailure = locks.holder(stackName);

        SlowTemplates.use(orchestrator, null);
        Response fixedPost = api.postJson("/deployments", request.toString(), Map.of());
        answers.add(fixedPost);
        assertThat(fixedPost.status()).as(fixedPost.body()).isEqualTo(202);
        String fixedId = fixedPost.json().path("deploymentId").asText();
        DescribeExecutionResponse fixed =
                LocalCloud.awaitEnd(fixedPost.json().path("executionArn").asText(), LIMIT);
        Response fixedView = api.get("/deployments/" + fixedId);
        answers.add(fixedView);
        StackState baseAfterFix = FaultChecks.stack(stackName + "-base");

        JsonNode failedRecord = records.get(failedId).orElse(null);
        JsonNode fixedRecord = records.get(fixedId).orElse(null);
        boolean failedWithReason = failedRecord != null
                && "FAILED".equals(failedRecord.path("status").asText())
                && "createKottaStack".equals(failedRecord.path("failedStep").asText())
                && failedRecord
                        .path("stackReason")
                        .asText()
                        .contains("Invalid value for the parameter VisibilityTimeout")
                && failedView
                        .json()
                        .path("stackReason")
                        .asText()
                        .equals(failedRecord.path("stackReason").asText());
        boolean baseIntact = baseAfterFailure.status().equals("CREATE_COMPLETE")
                && baseAfterFix.status().endsWith("_COMPLETE")
                && !baseAfterFix.status().contains("ROLLBACK")
                && baseAfterFix.outputs().equals(baseAfterFailure.outputs());
        boolean fixedSucceeded = fixed.status() == ExecutionStatus.SUCCEEDED
                && fixedRecord != null
                && "SUCCEEDED".equals(fixedRecord.path("status").asText())
                && "SUCCEEDED".equals(fixedView.json().path("status").asText())
                && LocalCloud.stackStatus(stackName).equals("CREATE_COMPLETE");
        long lost = (failedRecord == null ? 1 : 0) + (fixedRecord == null ? 1 : 0);
        long stuck = Stream.of(failedRecord, fixedRecord)
                .filter(r -> r != null && !FaultChecks.isFinal(r))
                .count();
        Optional<String> lockLeft = locks.holder(stackName);

        ReliabilityReport.record(
                "1-kotta-stack-fails",
                "The Kotta stack fails (a bad template parameter), deployed through the API",
                "the record is FAILED with the stack's own reason, the base stack is intact, and the same"
                        + " request with the fault fixed then succeeds",
                FaultChecks.counts(
                        "deployments",
                        2,
                        "executionsStarted",
                        FaultChecks.executionCount() - executionsBefore,
                        "failedWithStackReason",
                        failedWithReason ? 1 : 0,
                        "baseStackIntact",
                        baseIntact ? 1 : 0,
                        "fixedRequestSucceeded",
                        fixedSucceeded ? 1 : 0,
                        "lockLeftHeld",
                        lockAfterFailure.isPresent() || lockLeft.isPresent() ? 1 : 0,
                        "lostRecords",
                        lost,
                        "stuckDeployments",
                        stuck,
                        "serverErrors",
                        FaultChecks.serverErrors(answers)));

        assertThat(failed.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(failed.error()).isEqualTo("StackFailed");
        assertThat(failed.cause()).contains(stackName, "VisibilityTimeout");
        assertThat(failedRecord).isNotNull();
        assertThat(failedRecord.path("status").asText()).isEqualTo("FAILED");
        assertThat(failedRecord.path("failedStep").asText()).isEqualTo("createKottaStack");
        assertThat(failedRecord.path("stackReason").asText())
                .contains("Invalid value for the parameter VisibilityTimeout");
        assertThat(failedRecord.path("baseStack").path("phase").asText()).isEqualTo("SUCCEEDED");
        assertThat(failedRecord.path("release").path("releaseKey").asText()).startsWith("releases/");
        assertThat(failedView.status()).isEqualTo(200);
        assertThat(failedView.json().path("stackReason").asText())
                .contains("Invalid value for the parameter VisibilityTimeout");
        assertThat(failedView.body()).doesNotContain(Fixtures.CLIENT_SECRET_VALUE);
        assertThat(kottaAfterFailure).isIn("ROLLBACK_COMPLETE", "ABSENT");
        assertThat(lockAfterFailure).isEmpty();
        assertThat(baseAfterFailure.status()).isEqualTo("CREATE_COMPLETE");
        assertThat(baseAfterFix.outputs()).isEqualTo(baseAfterFailure.outputs());
        assertThat(fixed.status()).as("%s %s", fixed.error(), fixed.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(fixedId).isNotEqualTo(failedId);
        assertThat(fixedSucceeded).isTrue();
        assertThat(FaultChecks.executionCount() - executionsBefore).isEqualTo(2);
        assertThat(records.deploymentsOfStack(stackName, 10, null, null)).hasSize(2);
        assertThat(lockLeft).isEmpty();
        assertThat(FaultChecks.serverErrors(answers)).isZero();
    }

    /**
     * Without events (the relay off) the wait loop goes round on its timeout: wait, time out, one
     * check, wait again. A 2 s timeout against an 8 s stack makes it go round several times.
     */
    @Test
    void slowBaseStack_makesTheWaitLoopGoRoundAtLeastThreeTimes() throws Exception {
        orchestrator.stackEvents().relay(false);
        orchestrator.stackWaitTimeout(Duration.ofSeconds(2));
        SlowTemplates.use(orchestrator, SlowTemplates.withBaseStackDelay(8));
        ObjectNode request = Fixtures.validRequest(aws, Fixtures.shortId());

        String id = LocalCloud.newDeploymentId();
        String executionArn = LocalCloud.startExecution(id, request);
        DescribeExecutionResponse execution = LocalCloud.awaitEnd(executionArn, LIMIT);
        assertThat(execution.status())
                .as("%s %s", execution.error(), execution.cause())
                .isEqualTo(ExecutionStatus.SUCCEEDED);

        List<String> states = LocalCloud.statesEntered(executionArn);
        long waits = states.stream().filter("Wait for the base stack"::equals).count();
        long checks = states.stream().filter("Check the base stack"::equals).count();
        assertThat(waits).as("states entered: %s", states).isGreaterThanOrEqualTo(3);
        // every wait but possibly the last (which found the stack settled when it began) timed out into a check
        assertThat(checks).isBetween(waits - 1, waits);
        JsonNode record = LocalCloud.record(id);
        // each check looks once, and so does the wait that found the stack settled
        assertThat(record.path("baseStack").path("checks").asInt()).isEqualTo((int) waits);
    }

    /** The stack's status, or ABSENT when a failed create left none (the local cloud removes it). */
    private static String statusOrAbsent(String stackName) {
        try {
            return LocalCloud.stackStatus(stackName);
        } catch (CloudFormationException e) {
            if (e.getMessage().contains("does not exist")) {
                return "ABSENT";
            }
            throw e;
        }
    }
}
