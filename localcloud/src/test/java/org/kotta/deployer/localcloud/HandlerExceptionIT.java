package org.kotta.deployer.localcloud;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kotta.deployer.core.DeploymentRecords;
import org.kotta.deployer.core.Settings;
import org.kotta.deployer.core.StackLocks;
import org.kotta.deployer.localcloud.SignedApiClient.Response;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * An unexpected exception in any handler: each Task state's function in turn gets an AWS
 * endpoint nobody listens on (no product hook — its SDK calls really fail, after the SDK's
 * own retries, with SdkClientException). The deployment must end FAILED at that step with the
 * exception's type, never stay PENDING or RUNNING, and free the stack's lock.
 */
class HandlerExceptionIT {
    private static final Duration LIMIT = Duration.ofMinutes(3);
    /** Each Task state's function, and the step its failure is recorded against. */
    private static final List<Map.Entry<String, String>> FUNCTIONS = List.of(
            Map.entry("ValidateInputsFunction", "validateInputs"),
            Map.entry("CreateBaseStackFunction", "createBaseStack"),
            Map.entry("WaitForStackFunction", "createBaseStack"),
            Map.entry("PackageAndUploadCodeFunction", "packageAndUploadCode"),
            Map.entry("CreateKottaStackFunction", "createKottaStack"),
            Map.entry("PublishOutputsFunction", "publishOutputs"));

    private static LocalOrchestrator orchestrator;
    private static SignedApi api;
    private static DeploymentRecords records;
    private static StackLocks locks;

    @BeforeAll
    static void install() {
        orchestrator = LocalCloud.orchestrator();
        api = SignedApi.forLocalCloud(orchestrator);
        records = new DeploymentRecords(orchestrator.aws().dynamoDb(), orchestrator.output("DeploymentsTableName"));
        locks = new StackLocks(orchestrator.aws().dynamoDb(), orchestrator.output("DeploymentsTableName"));
    }

    /** What one fault case left behind, read from the services once it ended. */
    private record FaultAftermath(
            String function,
            String expectedStep,
            Response accepted,
            DescribeExecutionResponse execution,
            JsonNode record,
            boolean lockFree) {
        String recordStatus() {
            return record == null ? "none" : record.path("status").asText();
        }

        String recordError() {
            return record == null ? "" : record.path("error").asText();
        }

        String recordCause() {
            return record == null ? "" : record.path("cause").asText();
        }

        String executionErrorAndCause() {
            return execution == null ? "" : execution.error() + " " + execution.cause();
        }
    }

    @Test
    void unreachableAwsInEachHandler_endsFailedAtItsStep_namingSdkClientException_andFreesTheLock() throws Exception {
        String unreachable = "http://127.0.0.1:" + closedPort();
        ObjectNode request = Fixtures.validRequest(orchestrator.aws(), Fixtures.shortId());
        String stackName = request.path("stackName").asText();
        int exchanges = FaultChecks.exchangeMark();
        long slowestSeconds = 0;
        List<FaultAftermath> outcomes = new ArrayList<>();
        List<String> ids = new ArrayList<>();

        // every deployment here is of one stack: each start after a failure proves the lock was freed
        for (Map.Entry<String, String> fault : FUNCTIONS) {
            String function = fault.getKey();
            orchestrator.setFunctionEnvironment(function, Settings.ENDPOINT_URL, unreachable);
            try {
                Instant started = Instant.now();
                Response accepted = api.postJson("/deployments", request.toString(), Map.of());
                DescribeExecutionResponse execution = null;
                JsonNode record = null;
                if (accepted.status() == 202) {
                    String id = accepted.json().path("deploymentId").asText();
                    ids.add(id);
                    execution = LocalCloud.endOrLatest(
                            accepted.json().path("executionArn").asText(), LIMIT);
                    slowestSeconds = Math.max(
                            slowestSeconds,
                            Duration.between(started, Instant.now()).toSeconds());
                    record = records.get(id).orElse(null);
                }
                outcomes.add(new FaultAftermath(
                        function,
                        fault.getValue(),
                        accepted,
                        execution,
                        record,
                        locks.holder(stackName).isEmpty()));
            } finally {
                orchestrator.setFunctionEnvironment(function, Settings.ENDPOINT_URL, null);
            }
        }

        Response again = api.postJson("/deployments", request.toString(), Map.of());
        DescribeExecutionResponse healed = null;
        if (again.status() == 202) {
            ids.add(again.json().path("deploymentId").asText());
            healed = LocalCloud.endOrLatest(again.json().path("executionArn").asText(), LIMIT);
        }
        Map<String, String> recordedErrors = new LinkedHashMap<>();
        outcomes.forEach(o -> recordedErrors.put(o.function(), o.recordError()));
        System.out.println("errors recorded per failing function: " + recordedErrors);

        long failedAtStep = outcomes.stream()
                .filter(o -> o.recordStatus().equals("FAILED")
                        && o.record().path("failedStep").asText().equals(o.expectedStep()))
                .count();
        long typeVisible = outcomes.stream()
                .filter(o -> (o.recordError() + " " + o.recordCause()).contains("SdkClientException")
                        && o.executionErrorAndCause().contains("SdkClientException"))
                .count();
        // the local cloud reports every function error as Runtime.HandlerError with our type inside its
        // message; RecordFailure records the innermost type, as AWS would report it
        long typeInErrorField = outcomes.stream()
                .filter(o -> o.recordError().endsWith("SdkClientException"))
                .count();
        long locksFreed = outcomes.stream()
                .filter(o -> o.execution() != null && o.execution().status() != ExecutionStatus.RUNNING && o.lockFree())
                .count();
        List<String> lost = FaultChecks.lostRecords(records, ids);
        List<String> stuck = FaultChecks.stuckDeployments(records, ids);
        long serverErrors = FaultChecks.serverErrors(FaultChecks.answersSince(exchanges));

        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("cases", FUNCTIONS.size());
        counts.put("failedAtTheirStep", failedAtStep);
        counts.put("exceptionTypeInCause", typeVisible);
        counts.put("exceptionTypeAsError", typeInErrorField);
        counts.put("locksFreed", locksFreed);
        counts.put("nextDeploymentSucceeded", healed != null && healed.status() == ExecutionStatus.SUCCEEDED ? 1 : 0);
        counts.put("slowestFailureSeconds", slowestSeconds);
        counts.put("lostRecords", lost.size());
        counts.put("stuckDeployments", stuck.size());
        counts.put("serverErrors", serverErrors);
        ReliabilityReport.record(
                "2-handler-exception",
                "An unexpected exception in each Task handler in turn "
                        + "(its AWS endpoint unreachable: SdkClientException)",
                "FAILED at that step with the exception type in the record and the execution; never left PENDING or "
                        + "RUNNING; the stack lock freed (the next deployment of the stack starts, the last one succeeds)",
                counts);

        for (FaultAftermath o : outcomes) {
            String function = o.function();
            assertThat(o.accepted().status())
                    .as("start with %s failing: %s", function, o.accepted().body())
                    .isEqualTo(202);
            assertThat(o.execution().status()).as(function).isEqualTo(ExecutionStatus.FAILED);
            assertThat(o.record())
                    .as("record of the deployment with %s failing", function)
                    .isNotNull();
            assertThat(o.recordStatus()).as(function).isEqualTo("FAILED");
            assertThat(o.record().path("failedStep").asText()).as(function).isEqualTo(o.expectedStep());
            assertThat(o.recordError() + " " + o.recordCause()).as(function).contains("SdkClientException");
            assertThat(o.executionErrorAndCause()).as(function).contains("SdkClientException");
            assertThat(o.recordError()).as(function).endsWith("SdkClientException");
            assertThat(o.lockFree()).as("lock after %s failed", function).isTrue();
        }
        assertThat(again.status()).as(again.body()).isEqualTo(202);
        assertThat(healed.status()).as("%s %s", healed.error(), healed.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(failedAtStep).isEqualTo(FUNCTIONS.size());
        assertThat(locksFreed).isEqualTo(FUNCTIONS.size());
        assertThat(lost).isEmpty();
        assertThat(stuck).isEmpty();
        assertThat(serverErrors).isZero();
    }

    @Test
    void startExecutionFails_recordIsFailedAtStart_notPending_andTheLockIsFreed() {
        ObjectNode request = Fixtures.validRequest(orchestrator.aws(), Fixtures.shortId());
        String stackName = request.path("stackName").asText();
        String missingStateMachine = orchestrator.output("StateMachineArn") + "-missing";
        int exchanges = FaultChecks.exchangeMark();
        orchestrator.setFunctionEnvironment("StartDeploymentFunction", Settings.STATE_MACHINE_ARN, missingStateMachine);
        Response refused;
        try {
            refused = api.postJson("/deployments", request.toString(), Map.of());
        } finally {
            orchestrator.setFunctionEnvironment(
                    "StartDeploymentFunction", Settings.STATE_MACHINE_ARN, orchestrator.output("StateMachineArn"));
        }

        // the 500 carries no deployment id: the case's deployments are the records of its (fresh) stack
        List<ObjectNode> ofStack = records.deploymentsOfStack(stackName, 10, null, null);
        List<String> ids =
                ofStack.stream().map(r -> r.path("deploymentId").asText()).toList();
        boolean lockFree = locks.holder(stackName).isEmpty();
        List<Response> answers = FaultChecks.answersSince(exchanges);
        // the one 500 this fault calls for (the API cannot start executions) is reported apart from unexpected ones
        long expected500 = refused.status() == 500 ? 1 : 0;
        long serverErrors = FaultChecks.serverErrors(answers) - expected500;
        long recordedFailedAtStart = ofStack.stream()
                .filter(r -> r.path("status").asText().equals("FAILED")
                        && r.path("failedStep").asText().equals("start"))
                .count();

        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("startsRefused", refused.status() >= 400 ? 1 : 0);
        counts.put("answer", refused.status());
        counts.put("recordedFailedAtStart", recordedFailedAtStart);
        counts.put("locksFreed", lockFree ? 1 : 0);
        counts.put("lostRecords", ofStack.isEmpty() ? 1 : 0);
        counts.put(
                "stuckDeployments", FaultChecks.stuckDeployments(records, ids).size());
        counts.put("expected500", expected500);
        counts.put("serverErrors", serverErrors);
        ReliabilityReport.record(
                "2b-start-execution-fails",
                "StartExecution fails after the PENDING record is "
                        + "written (the API's state machine ARN points nowhere)",
                "the API answers 500 with a request id; the record is FAILED at step start with the error type, "
                        + "never left PENDING; the lock is freed",
                counts);

        assertThat(refused.status()).as(refused.body()).isEqualTo(500);
        assertThat(refused.body()).doesNotContain("StateMachineDoesNotExist");
        assertThat(ofStack).hasSize(1);
        JsonNode record = ofStack.get(0);
        assertThat(record.path("status").asText()).isEqualTo("FAILED");
        assertThat(record.path("failedStep").asText()).isEqualTo("start");
        assertThat(record.path("error").asText()).isEqualTo("StateMachineDoesNotExistException");
        assertThat(record.path("cause").asText()).startsWith("the execution could not be started");
        assertThat(lockFree).isTrue();
        assertThat(FaultChecks.stuckDeployments(records, ids)).isEmpty();
        assertThat(serverErrors).isZero();
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
