package org.kotta.deployer.localcloud;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kotta.deployer.core.DeploymentRecords;
import org.kotta.deployer.core.Settings;
import org.kotta.deployer.localcloud.SignedApiClient.Response;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

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

    @BeforeAll
    static void install() {
        orchestrator = LocalCloud.orchestrator();
        api = SignedApi.forLocalCloud(orchestrator);
        records = new DeploymentRecords(orchestrator.aws().dynamoDb(), orchestrator.output("DeploymentsTableName"));
    }

    @Test
    void unreachableAwsInEachHandler_endsFailedAtItsStep_namingSdkClientException_andFreesTheLock() throws Exception {
        String unreachable = "http://127.0.0.1:" + closedPort();
        ObjectNode request = Fixtures.validRequest(orchestrator.aws(), Fixtures.shortId());
        String stackName = request.path("stackName").asText();
        int failedAtStep = 0;
        int typeVisible = 0;
        int typeInErrorField = 0;
        int locksFreed = 0;
        int stuck = 0;
        int serverErrors = 0;
        long slowestSeconds = 0;
        Map<String, String> recordedErrors = new LinkedHashMap<>();

        // every deployment here is of one stack: each start after a failure proves the lock was freed
        for (Map.Entry<String, String> fault : FUNCTIONS) {
            String function = fault.getKey();
            orchestrator.setFunctionEnvironment(function, Settings.ENDPOINT_URL, unreachable);
            try {
                Instant started = Instant.now();
                Response accepted = api.postJson("/deployments", request.toString(), Map.of());
                serverErrors += accepted.status() >= 500 ? 1 : 0;
                assertThat(accepted.status()).as("start with %s failing: %s", function, accepted.body()).isEqualTo(202);
                locksFreed++;
                String id = accepted.json().path("deploymentId").asText();
                DescribeExecutionResponse execution =
                        LocalCloud.awaitEnd(accepted.json().path("executionArn").asText(), LIMIT);
                slowestSeconds = Math.max(slowestSeconds, Duration.between(started, Instant.now()).toSeconds());

                assertThat(execution.status()).as(function).isEqualTo(ExecutionStatus.FAILED);
                JsonNode record = LocalCloud.record(id);
                String status = record.path("status").asText();
                stuck += status.equals("PENDING") || status.equals("RUNNING") ? 1 : 0;
                assertThat(status).as(function).isEqualTo("FAILED");
                assertThat(record.path("failedStep").asText()).as(function).isEqualTo(fault.getValue());
                failedAtStep++;
                String error = record.path("error").asText();
                String cause = record.path("cause").asText();
                recordedErrors.put(function, error);
                assertThat(error + " " + cause).as(function).contains("SdkClientException");
                assertThat(execution.error() + " " + execution.cause()).as(function).contains("SdkClientException");
                typeVisible++;
                // the local cloud reports every function error as Runtime.HandlerError with our type inside its
                // message; RecordFailure records the innermost type, as AWS would report it
                assertThat(error).as(function).endsWith("SdkClientException");
                typeInErrorField++;
                assertThat(records.lockHolder(stackName)).as("lock after %s failed", function).isEmpty();
            } finally {
                orchestrator.setFunctionEnvironment(function, Settings.ENDPOINT_URL, null);
            }
        }

        Response again = api.postJson("/deployments", request.toString(), Map.of());
        assertThat(again.status()).as(again.body()).isEqualTo(202);
        locksFreed++;
        DescribeExecutionResponse healed = LocalCloud.awaitEnd(again.json().path("executionArn").asText(), LIMIT);
        assertThat(healed.status()).as("%s %s", healed.error(), healed.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
        System.out.println("errors recorded per failing function: " + recordedErrors);

        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("cases", FUNCTIONS.size());
        counts.put("failedAtTheirStep", failedAtStep);
        counts.put("exceptionTypeInCause", typeVisible);
        counts.put("exceptionTypeAsError", typeInErrorField);
        counts.put("locksFreed", locksFreed);
        counts.put("slowestFailureSeconds", slowestSeconds);
        counts.put("lostRecords", 0);
        counts.put("stuckDeployments", stuck);
        counts.put("serverErrors", serverErrors);
        ReliabilityReport.record("2-handler-exception", "An unexpected exception in each Task handler in turn "
                + "(its AWS endpoint unreachable: SdkClientException)",
                "FAILED at that step with the exception type in the record and the execution; never left PENDING or "
                + "RUNNING; the stack lock freed (the next deployment of the stack starts, the last one succeeds)",
                counts);
    }

    @Test
    void startExecutionFails_recordIsFailedAtStart_notPending_andTheLockIsFreed() {
        ObjectNode request = Fixtures.validRequest(orchestrator.aws(), Fixtures.shortId());
        String stackName = request.path("stackName").asText();
        String missingStateMachine = orchestrator.output("StateMachineArn") + "-missing";
        orchestrator.setFunctionEnvironment("StartDeploymentFunction", Settings.STATE_MACHINE_ARN, missingStateMachine);
        Response refused;
        try {
            refused = api.postJson("/deployments", request.toString(), Map.of());
        } finally {
            orchestrator.setFunctionEnvironment("StartDeploymentFunction", Settings.STATE_MACHINE_ARN,
                    orchestrator.output("StateMachineArn"));
        }
        assertThat(refused.status()).as(refused.body()).isEqualTo(500);
        assertThat(refused.body()).doesNotContain("StateMachineDoesNotExist");

        List<ObjectNode> ofStack = records.deploymentsOfStack(stackName, 10, null, null);
        assertThat(ofStack).hasSize(1);
        JsonNode record = ofStack.get(0);
        assertThat(record.path("status").asText()).isEqualTo("FAILED");
        assertThat(record.path("failedStep").asText()).isEqualTo("start");
        assertThat(record.path("error").asText()).isEqualTo("StateMachineDoesNotExistException");
        assertThat(record.path("cause").asText()).startsWith("the execution could not be started");
        assertThat(records.lockHolder(stackName)).isEmpty();

        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("startsRefused", 1);
        counts.put("answer", refused.status());
        counts.put("recordedFailedAtStart", 1);
        counts.put("locksFreed", records.lockHolder(stackName).isEmpty() ? 1 : 0);
        counts.put("lostRecords", 0);
        counts.put("stuckDeployments", 0);
        // the one 500 is the answer this fault calls for (the API cannot start executions), not an unexpected one
        counts.put("serverErrors", 0);
        ReliabilityReport.record("2b-start-execution-fails", "StartExecution fails after the PENDING record is "
                + "written (the API's state machine ARN points nowhere)",
                "the API answers 500 with a request id; the record is FAILED at step start with the error type, "
                + "never left PENDING; the lock is freed", counts);
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
