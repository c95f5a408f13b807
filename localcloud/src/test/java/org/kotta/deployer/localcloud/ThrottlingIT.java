package org.kotta.deployer.localcloud;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kotta.deployer.core.Settings;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * Throttling from AWS APIs: the SDK inside each function retries it with back-off (the state
 * machine never sees it), the deployment succeeds, and every retried attempt is in the log.
 */
class ThrottlingIT {
    private static final Duration LIMIT = Duration.ofMinutes(4);
    /** More than the SDK's default 3 attempts would survive: the 4th attempt succeeds. */
    private static final int DESCRIBE_STACKS_THROTTLED = 3;

    private static final int UPDATE_ITEM_THROTTLED = 2;
    private static final List<String> STEP_FUNCTIONS = List.of(
            "ValidateInputsFunction",
            "CreateBaseStackFunction",
            "WaitForStackFunction",
            "PackageAndUploadCodeFunction",
            "CreateKottaStackFunction",
            "PublishOutputsFunction",
            "RecordFailureFunction");

    @Test
    void throttledDescribeStacksAndUpdateItem_areRetriedWithBackOff_theDeploymentSucceeds_andTheRetriesAreLogged()
            throws Exception {
        LocalOrchestrator orchestrator = LocalCloud.orchestrator();
        ObjectNode request = Fixtures.validRequest(orchestrator.aws(), Fixtures.shortId());
        Instant started = Instant.now();
        try (ThrottlingProxy proxy = new ThrottlingProxy(
                LocalCloud.endpoint(),
                Map.of("DescribeStacks", DESCRIBE_STACKS_THROTTLED, "UpdateItem", UPDATE_ITEM_THROTTLED))) {
            long logStart = LocalCloud.functionLogSize();
            STEP_FUNCTIONS.forEach(f -> orchestrator.setFunctionEnvironment(f, Settings.ENDPOINT_URL, proxy.url()));
            try {
                int exchanges = FaultChecks.exchangeMark();
                String id = LocalCloud.newDeploymentId();
                String executionArn = LocalCloud.startExecution(id, request);
                DescribeExecutionResponse execution = LocalCloud.endOrLatest(executionArn, LIMIT);
                String recordStatus = FaultChecks.records()
                        .get(id)
                        .map(r -> r.path("status").asText())
                        .orElse("none");

                List<JsonNode> retries = LocalCloud.functionLogLinesSince(logStart).stream()
                        .filter(line -> line.path("message").asText().equals("AWS call retried"))
                        .toList();
                List<JsonNode> describeRetries = retries.stream()
                        .filter(l -> l.path("operation").asText().equals("DescribeStacks")
                                && l.path("errorCode").asText().equals("Throttling"))
                        .toList();
                List<JsonNode> updateRetries = retries.stream()
                        .filter(l -> l.path("operation").asText().equals("UpdateItem")
                                && l.path("errorCode").asText().equals("ThrottlingException"))
                        .toList();
                long backedOffMillis = retries.stream()
                        .mapToLong(l -> l.path("backedOffMillis").asLong())
                        .sum();
                List<String> lost = FaultChecks.lostRecords(List.of(id));
                List<String> stuck = FaultChecks.stuckDeployments(List.of(id));
                long serverErrors = FaultChecks.serverErrors(FaultChecks.answersSince(exchanges));

                Map<String, Object> counts = new LinkedHashMap<>();
                counts.put("throttledDescribeStacks", proxy.throttled("DescribeStacks"));
                counts.put("retriedDescribeStacks", proxy.retried("DescribeStacks"));
                counts.put("throttledUpdateItem", proxy.throttled("UpdateItem"));
                counts.put("retriedUpdateItem", proxy.retried("UpdateItem"));
                counts.put("retryLogLines", describeRetries.size() + updateRetries.size());
                counts.put("backedOffSeconds", Math.round(backedOffMillis / 100.0) / 10.0);
                counts.put(
                        "deploymentSeconds",
                        Duration.between(started, Instant.now()).toSeconds());
                counts.put("succeeded", execution.status() == ExecutionStatus.SUCCEEDED ? 1 : 0);
                counts.put("lostRecords", lost.size());
                counts.put("stuckDeployments", stuck.size());
                counts.put("serverErrors", serverErrors);
                ReliabilityReport.record(
                        "3-throttling",
                        "AWS APIs throttle (CloudFormation DescribeStacks 3×, "
                                + "DynamoDB UpdateItem 2×, through a throttling proxy)",
                        "retried inside the SDK with back-off (5 attempts), the deployment succeeds, and every "
                                + "retried attempt is one log line (service, operation, attempt, error code)",
                        counts);

                assertThat(execution.status())
                        .as("%s %s", execution.error(), execution.cause())
                        .isEqualTo(ExecutionStatus.SUCCEEDED);
                assertThat(recordStatus).isEqualTo("SUCCEEDED");
                assertThat(lost).isEmpty();
                assertThat(stuck).isEmpty();
                assertThat(serverErrors).isZero();

                assertThat(proxy.throttled("DescribeStacks")).isEqualTo(DESCRIBE_STACKS_THROTTLED);
                assertThat(proxy.retried("DescribeStacks")).isEqualTo(DESCRIBE_STACKS_THROTTLED);
                assertThat(proxy.throttled("UpdateItem")).isEqualTo(UPDATE_ITEM_THROTTLED);
                assertThat(proxy.retried("UpdateItem")).isEqualTo(UPDATE_ITEM_THROTTLED);

                assertThat(describeRetries).as("retry log lines %s", retries).hasSize(DESCRIBE_STACKS_THROTTLED);
                assertThat(describeRetries)
                        .extracting(l -> l.path("attempt").asInt())
                        .containsExactly(2, 3, 4);
                assertThat(describeRetries).allSatisfy(l -> {
                    assertThat(l.path("service").asText()).isEqualTo("CloudFormation");
                    assertThat(l.path("httpStatus").asInt()).isEqualTo(400);
                    assertThat(l.path("maxAttempts").asInt()).isEqualTo(5);
                });
                assertThat(updateRetries).as("retry log lines %s", retries).hasSize(UPDATE_ITEM_THROTTLED);
                assertThat(updateRetries)
                        .allSatisfy(l -> assertThat(l.path("service").asText()).isEqualTo("DynamoDb"));
            } finally {
                STEP_FUNCTIONS.forEach(f -> orchestrator.setFunctionEnvironment(f, Settings.ENDPOINT_URL, null));
            }
        }
    }
}
