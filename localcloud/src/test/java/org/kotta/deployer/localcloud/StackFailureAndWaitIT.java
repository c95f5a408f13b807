package org.kotta.deployer.localcloud;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.kotta.deployer.core.Settings;
import org.kotta.deployer.localcloud.FaultChecks.StackState;
import org.kotta.deployer.localcloud.SignedApiClient.Response;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

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

    /** Issue 6, case 1, through the signed API: the figures go to docs/reliability.md. */
    @Test
    void failingKottaStack_throughTheApi_isFailedWithTheStacksReason_keepsTheBase_andTheSameBodyThenSucceeds()
            throws Exception {
        SignedApi api = SignedApi.forLocalCloud(orchestrator);
        DeploymentRecords records = FaultChecks.records();
        ObjectNode request = Fixtures.validRequest(aws, "fail-" + Fixtures.shortId());
        String stackName = request.path("stackName").asText();
        List<Response> answers = new ArrayList<>();
        int executionsBefore = FaultChecks.executionCount();

        templatesFrom(LocalOrchestrator.findRoot().resolve("functions/src/test/resources/failing-templates"));
        Response failedPost = api.postJson("/deployments", request.toString(), Map.of());
        answers.add(failedPost);
        assertThat(failedPost.status()).as(failedPost.body()).isEqualTo(202);
        String failedId = failedPost.json().path("deploymentId").asText();
        DescribeExecutionResponse failed = LocalCloud.awaitEnd(failedPost.json().path("executionArn").asText(), LIMIT);
        Response failedView = api.get("/deployments/" + failedId);
        answers.add(failedView);
        StackState baseAfterFailure = FaultChecks.stack(stackName + "-base");
        String kottaAfterFailure = statusOrAbsent(stackName);
        Optional<String> lockAfterFailure = records.lockHolder(stackName);

        templatesFrom(null);
        Response fixedPost = api.postJson("/deployments", request.toString(), Map.of());
        answers.add(fixedPost);
        assertThat(fixedPost.status()).as(fixedPost.body()).isEqualTo(202);
        String fixedId = fixedPost.json().path("deploymentId").asText();
        DescribeExecutionResponse fixed = LocalCloud.awaitEnd(fixedPost.json().path("executionArn").asText(), LIMIT);
        Response fixedView = api.get("/deployments/" + fixedId);
        answers.add(fixedView);
        StackState baseAfterFix = FaultChecks.stack(stackName + "-base");

        JsonNode failedRecord = records.get(failedId).orElse(null);
        JsonNode fixedRecord = records.get(fixedId).orElse(null);
        boolean failedWithReason = failedRecord != null
                && "FAILED".equals(failedRecord.path("status").asText())
                && "createKottaStack".equals(failedRecord.path("failedStep").asText())
                && failedRecord.path("stackReason").asText().contains("Invalid value for the parameter VisibilityTimeout")
                && failedView.json().path("stackReason").asText().equals(failedRecord.path("stackReason").asText());
        boolean baseIntact = baseAfterFailure.status().equals("CREATE_COMPLETE")
                && baseAfterFix.status().endsWith("_COMPLETE") && !baseAfterFix.status().contains("ROLLBACK")
                && baseAfterFix.outputs().equals(baseAfterFailure.outputs());
        boolean fixedSucceeded = fixed.status() == ExecutionStatus.SUCCEEDED && fixedRecord != null
                && "SUCCEEDED".equals(fixedRecord.path("status").asText())
                && "SUCCEEDED".equals(fixedView.json().path("status").asText())
                && LocalCloud.stackStatus(stackName).equals("CREATE_COMPLETE");
        long lost = (failedRecord == null ? 1 : 0) + (fixedRecord == null ? 1 : 0);
        long stuck = Stream.of(failedRecord, fixedRecord)
                .filter(r -> r != null && !FaultChecks.isFinal(r)).count();
        Optional<String> lockLeft = records.lockHolder(stackName);

        ReliabilityReport.record("1-kotta-stack-fails",
                "The Kotta stack fails (a bad template parameter), deployed through the API",
                "the record is FAILED with the stack's own reason, the base stack is intact, and the same"
                        + " request with the fault fixed then succeeds",
                FaultChecks.counts(
                        "deployments", 2,
                        "executionsStarted", FaultChecks.executionCount() - executionsBefore,
                        "failedWithStackReason", failedWithReason ? 1 : 0,
                        "baseStackIntact", baseIntact ? 1 : 0,
                        "fixedRequestSucceeded", fixedSucceeded ? 1 : 0,
                        "lockLeftHeld", lockAfterFailure.isPresent() || lockLeft.isPresent() ? 1 : 0,
                        "lostRecords", lost,
                        "stuckDeployments", stuck,
                        "serverErrors", FaultChecks.serverErrors(answers)));

        assertThat(failed.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(failed.cause()).contains(stackName, "VisibilityTimeout");
        assertThat(failedRecord).isNotNull();
        assertThat(failedRecord.path("status").asText()).isEqualTo("FAILED");
        assertThat(failedRecord.path("failedStep").asText()).isEqualTo("createKottaStack");
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
