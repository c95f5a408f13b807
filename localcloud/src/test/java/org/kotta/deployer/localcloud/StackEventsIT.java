package org.kotta.deployer.localcloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kotta.deployer.core.AwsClients;
import org.kotta.deployer.core.Json;
import org.kotta.deployer.stacks.StackWaits;
import software.amazon.awssdk.services.cloudformation.model.StackEvent;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * The event-driven stack waits in the local cloud: CloudFormation's status-change events (relayed
 * by {@link StackEventRelay}, MiniStack emits none) complete a waiting deployment at once; without
 * them the waits' timeouts find the stacks; repeated, late and stale events do nothing.
 */
class StackEventsIT {
    private static final Duration LIMIT = Duration.ofMinutes(4);
    private static final int BASE_STACK_SECONDS = 8;
    private static LocalOrchestrator orchestrator;
    private static AwsClients aws;
    private static StackWaits waits;

    @BeforeAll
    static void install() {
        orchestrator = LocalCloud.orchestrator();
        aws = orchestrator.aws();
        waits = new StackWaits(aws.dynamoDb(), orchestrator.output("DeploymentsTableName"), Clock.systemUTC());
    }

    @AfterEach
    void relayAndRealTemplatesAgain() {
        orchestrator.stackEvents().relay(true);
        SlowTemplates.use(orchestrator, null);
    }

    @Test
    void aStacksStatusChange_completesItsWait_withinASecond() throws Exception {
        SlowTemplates.use(orchestrator, SlowTemplates.withBaseStackDelay(BASE_STACK_SECONDS));
        ObjectNode request = Fixtures.validRequest(aws, Fixtures.shortId());
        long log = LocalCloud.functionLogSize();

        String id = LocalCloud.newDeploymentId();
        String executionArn = LocalCloud.startExecution(id, request);
        DescribeExecutionResponse execution = LocalCloud.awaitEnd(executionArn, LIMIT);

        assertThat(execution.status())
                .as("%s %s", execution.error(), execution.cause())
                .isEqualTo(ExecutionStatus.SUCCEEDED);
        List<String> states = LocalCloud.statesEntered(executionArn);
        assertThat(states).as("no timeout, no ordinary check").doesNotContain("Check the base stack");
        assertThat(states.stream().filter("Wait for the base stack"::equals)).hasSize(1);
        Instant settled = stackSettledAt(request.path("stackName").asText() + "-base", "CREATE_COMPLETE");
        Instant waitEnded = exitedAt(executionArn, "Wait for the base stack");
        assertThat(Duration.between(settled, waitEnded))
                .as("from CREATE_COMPLETE at %s to the wait's end at %s", settled, waitEnded)
                .isBetween(Duration.ZERO, Duration.ofSeconds(1));
        assertThat(LocalCloud.functionLogLinesSince(log))
                .as("the status-change function completed the wait")
                .anyMatch(line -> id.equals(line.path("correlation_id").asText())
                        && line.path("message").asText().contains("CREATE_COMPLETE: wait completed"));
        JsonNode record = LocalCloud.record(id);
        assertThat(record.path("baseStack").path("phase").asText()).isEqualTo("SUCCEEDED");
        assertThat(record.path("baseStack")
                        .path("outputs")
                        .path("JobsBucketName")
                        .asText())
                .isEqualTo(request.path("jobsBucketName").asText());
    }

    @Test
    void withTheRelayOff_theWaitsTimeoutChecksTheStack_andTheDeploymentSucceeds() throws Exception {
        orchestrator.stackEvents().relay(false);
        SlowTemplates.use(orchestrator, SlowTemplates.withBaseStackDelay(BASE_STACK_SECONDS));
        ObjectNode request = Fixtures.validRequest(aws, Fixtures.shortId());

        String id = LocalCloud.newDeploymentId();
        String executionArn = LocalCloud.startExecution(id, request);
        DescribeExecutionResponse execution = LocalCloud.awaitEnd(executionArn, LIMIT);

        assertThat(execution.status())
                .as("%s %s", execution.error(), execution.cause())
                .isEqualTo(ExecutionStatus.SUCCEEDED);
        List<String> states = LocalCloud.statesEntered(executionArn);
        assertThat(states)
                .as("states entered")
                .containsSubsequence(
                        "Wait for the base stack",
                        "Check the base stack",
                        "Is the base stack done?",
                        "Package and upload the code");
        assertThat(LocalCloud.history(executionArn))
                .as("the wait ended by its timeout")
                .anyMatch(e -> e.taskFailedEventDetails() != null
                        && "States.Timeout".equals(e.taskFailedEventDetails().error()));
        assertThat(LocalCloud.record(id).path("status").asText()).isEqualTo("SUCCEEDED");
    }

    @Test
    void staleDuplicateAndLateEvents_doNothing() throws Exception {
        SlowTemplates.use(orchestrator, SlowTemplates.withBaseStackDelay(BASE_STACK_SECONDS));
        ObjectNode request = Fixtures.validRequest(aws, Fixtures.shortId());
        String baseStack = request.path("stackName").asText() + "-base";

        String id = LocalCloud.newDeploymentId();
        String executionArn = LocalCloud.startExecution(id, request);
        String stackId = await("the base stack")
                .atMost(LIMIT)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> stackId(baseStack), Optional::isPresent)
                .orElseThrow();
        StackWaits.Waiting waiting = await("the base stack's wait")
                .atMost(LIMIT)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> waits.find(stackId), Optional::isPresent)
                .orElseThrow();
        assertThat(LocalCloud.stackStatus(baseStack)).isEqualTo("CREATE_IN_PROGRESS");

        // stale: an event saying the stack is complete while it is still being created
        assertThat(outcomes(StackEventRelay.event(stackId, "CREATE_COMPLETE", "")))
                .containsExactly("NOT_SETTLED");
        // a stack nobody waits on (an earlier stack of the same name)
        String earlierStack = stackId.substring(0, stackId.lastIndexOf('/') + 1) + "0000-earlier";
        assertThat(outcomes(StackEventRelay.event(earlierStack, "DELETE_COMPLETE", "")))
                .containsExactly("NOBODY_WAITS");
        assertThat(waits.find(stackId)).as("the wait is untouched").contains(waiting);

        DescribeExecutionResponse execution = LocalCloud.awaitEnd(executionArn, LIMIT);
        assertThat(execution.status())
                .as("%s %s", execution.error(), execution.cause())
                .isEqualTo(ExecutionStatus.SUCCEEDED);
        int historyAfterTheEnd = LocalCloud.history(executionArn).size();
        JsonNode recordAfterTheEnd = LocalCloud.record(id);

        // a duplicate of the event that completed the wait
        assertThat(outcomes(StackEventRelay.event(stackId, "CREATE_COMPLETE", "")))
                .containsExactly("NOBODY_WAITS");
        // a late event for a token completed already (its item still there, as if the delete had not been seen)
        waits.put(waiting.taskToken(), id, waiting.stack());
        assertThat(outcomes(StackEventRelay.event(stackId, "CREATE_COMPLETE", "")))
                .containsExactly("ALREADY_COMPLETED");

        assertThat(LocalCloud.history(executionArn)).hasSize(historyAfterTheEnd);
        assertThat(LocalCloud.statesEntered(executionArn).stream().filter("Wait for the base stack"::equals))
                .hasSize(1);
        assertThat(LocalCloud.record(id).path("status")).isEqualTo(recordAfterTheEnd.path("status"));
    }

    /** What the rule's function answered to one event, delivered as EventBridge would. */
    private static List<String> outcomes(ObjectNode event) {
        return orchestrator.stackEvents().deliver(event).stream()
                .map(answer -> {
                    try {
                        return Json.MAPPER.readTree(answer).path("outcome").asText();
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                })
                .toList();
    }

    private static Optional<String> stackId(String stackName) {
        try {
            return Optional.of(aws.cloudFormation()
                    .describeStacks(b -> b.stackName(stackName))
                    .stacks()
                    .get(0)
                    .stackId());
        } catch (software.amazon.awssdk.services.cloudformation.model.CloudFormationException missing) {
            return Optional.empty();
        }
    }

    /** When the stack itself reached {@code status} (its own stack event). */
    private static Instant stackSettledAt(String stackName, String status) {
        return aws.cloudFormation().describeStackEvents(b -> b.stackName(stackName)).stackEvents().stream()
                .filter(e -> "AWS::CloudFormation::Stack".equals(e.resourceType())
                        && status.equals(e.resourceStatusAsString()))
                .map(StackEvent::timestamp)
                .findFirst()
                .orElseThrow(() -> new AssertionError(stackName + " never reached " + status));
    }

    private static Instant exitedAt(String executionArn, String state) {
        return LocalCloud.history(executionArn).stream()
                .filter(e -> e.stateExitedEventDetails() != null
                        && state.equals(e.stateExitedEventDetails().name()))
                .map(HistoryEvent::timestamp)
                .findFirst()
                .orElseThrow(() -> new AssertionError("never left " + state));
    }
}
