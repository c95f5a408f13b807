package org.kotta.deployer.localcloud;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kotta.deployer.core.AwsClients;
import org.kotta.deployer.core.Settings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * A Kotta stack that fails, and a stack that takes a while: the orchestrator reads its
 * templates from another folder here (the test-only {@code KOTTA_TEMPLATES_DIR} setting,
 * set on the deployed functions).
 */
class StackFailureAndWaitIT {
    private static final Duration LIMIT = Duration.ofMinutes(4);
    private static final List<String> TEMPLATE_READERS =
            List.of("CreateBaseStackFunction", "PackageAndUploadCodeFunction", "CreateKottaStackFunction");
    private static LocalOrchestrator orchestrator;
    private static AwsClients aws;

    @BeforeAll
    static void install() {
        orchestrator = LocalCloud.orchestrator();
        aws = orchestrator.aws();
    }

    @AfterEach
    void useTheRealTemplatesAgain() {
        templatesFrom(null);
    }

    @Test
    void failingKottaStack_endsFailedWithTheStacksReason_keepsTheBase_andTheFixedRequestThenSucceeds()
            throws Exception {
        ObjectNode request = Fixtures.validRequest(aws, Fixtures.shortId());
        String stackName = request.path("stackName").asText();
        templatesFrom(LocalOrchestrator.findRoot().resolve("functions/src/test/resources/failing-templates"));

        String failedId = LocalCloud.newDeploymentId();
        DescribeExecutionResponse failed = LocalCloud.awaitEnd(LocalCloud.startExecution(failedId, request), LIMIT);
        assertThat(failed.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(failed.error()).isEqualTo("StackFailed");
        assertThat(failed.cause()).contains(stackName, "VisibilityTimeout");

        JsonNode record = LocalCloud.record(failedId);
        assertThat(record.path("status").asText()).isEqualTo("FAILED");
        assertThat(record.path("failedStep").asText()).isEqualTo("createKottaStack");
        assertThat(record.path("stackReason").asText()).contains("Invalid value for the parameter VisibilityTimeout");
        assertThat(record.path("baseStack").path("phase").asText()).isEqualTo("SUCCEEDED");
        assertThat(record.path("release").path("releaseKey").asText()).startsWith("releases/");
        assertThat(LocalCloud.stackStatus(stackName + "-base")).isEqualTo("CREATE_COMPLETE");

        templatesFrom(null);
        String fixedId = LocalCloud.newDeploymentId();
        DescribeExecutionResponse fixed = LocalCloud.awaitEnd(LocalCloud.startExecution(fixedId, request), LIMIT);
        assertThat(fixed.status()).as("%s %s", fixed.error(), fixed.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(LocalCloud.stackStatus(stackName)).isEqualTo("CREATE_COMPLETE");
        assertThat(LocalCloud.record(fixedId).path("status").asText()).isEqualTo("SUCCEEDED");
    }

    @Test
    void slowBaseStack_makesTheWaitLoopGoRoundAtLeastThreeTimes() throws Exception {
        Path slow = slowTemplates();
        templatesFrom(slow);
        ObjectNode request = Fixtures.validRequest(aws, Fixtures.shortId());

        String id = LocalCloud.newDeploymentId();
        String executionArn = LocalCloud.startExecution(id, request);
        DescribeExecutionResponse execution = LocalCloud.awaitEnd(executionArn, LIMIT);
        assertThat(execution.status()).as("%s %s", execution.error(), execution.cause())
                .isEqualTo(ExecutionStatus.SUCCEEDED);

        List<String> states = LocalCloud.statesEntered(executionArn);
        long waits = states.stream().filter("Wait for the base stack"::equals).count();
        long checks = states.stream().filter("Check the base stack"::equals).count();
        assertThat(waits).as("states entered: %s", states).isGreaterThanOrEqualTo(3);
        assertThat(checks).isEqualTo(waits);
        JsonNode record = LocalCloud.record(id);
        assertThat(record.path("baseStack").path("checks").asInt()).isEqualTo((int) checks);
    }

    /** The real templates, with a base stack that waits ~8 s on a Lambda-backed custom resource. */
    private static Path slowTemplates() throws IOException {
        Path root = LocalOrchestrator.findRoot();
        Path dir = Files.createTempDirectory("kotta-slow-templates");
        String slowStack = Files.readString(root.resolve("functions/src/test/resources/stack-templates/slow-stack.yaml"));
        String delayResources = slowStack.substring(slowStack.indexOf("Resources:\n") + "Resources:\n".length(),
                slowStack.indexOf("Outputs:")).replace("!Ref DelaySeconds", "'8'");
        String base = Files.readString(root.resolve("infrastructure/kotta-base.yaml"));
        base = base.replaceFirst("\nResources:\n", java.util.regex.Matcher.quoteReplacement("\nResources:\n" + delayResources));
        Files.writeString(dir.resolve("kotta-base.yaml"), base);
        Files.copy(root.resolve("infrastructure/kotta.yaml"), dir.resolve("kotta.yaml"));
        return dir;
    }

    private static void templatesFrom(Path dir) {
        for (String function : TEMPLATE_READERS) {
            orchestrator.setFunctionEnvironment(function, Settings.TEMPLATES_DIR, dir == null ? null : dir.toString());
        }
    }
}
