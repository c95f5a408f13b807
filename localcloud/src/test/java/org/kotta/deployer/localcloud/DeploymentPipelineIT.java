package org.kotta.deployer.localcloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kotta.deployer.core.AwsClients;
import org.kotta.deployer.localcloud.AttackTarballs.Attack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/** The whole state machine, run for real in the local cloud with the real handlers. */
class DeploymentPipelineIT {
    private static final Duration LIMIT = Duration.ofMinutes(4);
    private static final String UPLOADS_BUCKET = "kotta-it-uploads-" + Fixtures.shortId();
    private static LocalOrchestrator orchestrator;
    private static AwsClients aws;

    @BeforeAll
    static void install() {
        orchestrator = LocalCloud.orchestrator();
        aws = orchestrator.aws();
        aws.s3().createBucket(b -> b.bucket(UPLOADS_BUCKET));
    }

    @Test
    void validRequest_succeeds_thenSucceedsAgainAsUpdate() throws Exception {
        ObjectNode request = Fixtures.validRequest(aws, Fixtures.shortId());
        String stackName = request.path("stackName").asText();
        String bucket = request.path("jobsBucketName").asText();

        String firstId = LocalCloud.newDeploymentId();
        String firstArn = LocalCloud.startExecution(firstId, request);
        DescribeExecutionResponse first = LocalCloud.awaitEnd(firstArn, LIMIT);
        assertThat(first.status()).as("execution %s: %s %s", firstArn, first.error(), first.cause())
                .isEqualTo(ExecutionStatus.SUCCEEDED);

        assertThat(LocalCloud.stackStatus(stackName + "-base")).isEqualTo("CREATE_COMPLETE");
        assertThat(LocalCloud.stackStatus(stackName)).isEqualTo("CREATE_COMPLETE");

        JsonNode record = LocalCloud.record(firstId);
        assertThat(record.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(record.path("executionArn").asText()).isEqualTo(firstArn);
        assertThat(record.path("outputs").path("base").path("JobsBucketName").asText()).isEqualTo(bucket);
        assertThat(record.path("outputs").path("kotta").path("WebUrl").asText()).isEqualTo("https://kotta.example.org");
        for (String step : List.of("validateInputs", "createBaseStack", "packageAndUploadCode",
                "createKottaStack", "publishOutputs")) {
            assertThat(record.path("steps").path(step).path("startedAt").asText()).as(step).isNotEmpty();
            assertThat(record.path("steps").path(step).path("finishedAt").asText()).as(step).isNotEmpty();
        }

        String releaseKey = record.path("releaseKey").asText();
        String sha256 = record.path("codeVersion").asText();
        assertThat(releaseKey).isEqualTo("releases/" + sha256 + ".tar.gz");
        byte[] release = aws.s3().getObjectAsBytes(b -> b.bucket(bucket).key(releaseKey)).asByteArray();
        assertThat(LocalOrchestrator.sha256(release)).isEqualTo(sha256);

        String usersTable = record.path("outputs").path("base").path("UsersTableName").asText();
        assertThat(userEmails(usersTable)).containsExactlyInAnyOrder("pi@example.org", "admin@example.org");
        // the seeded rows read back through the platform's own reader, as sign-in will
        org.kotta.platform.core.UserRecord pi =
                new org.kotta.platform.core.UserStore(aws.dynamoDb(), usersTable).find("PI@example.org").orElseThrow();
        assertThat(pi.isAdmin()).isTrue();
        assertThat(pi.mayUseKotta()).isTrue();

        assertThat(LocalCloud.statesEntered(firstArn)).containsSubsequence(
                "Validate the request", "Is the request valid?", "Create or update the base stack",
                "Is the base stack done?", "Check the base stack", "Package and upload the code",
                "Is the code acceptable?", "Create or update the Kotta stack", "Is the Kotta stack done?",
                "Check the Kotta stack", "Publish the outputs", "Deployment succeeded");

        // the same request again: an update (or nothing to change), no duplicates
        String secondId = LocalCloud.newDeploymentId();
        DescribeExecutionResponse second = LocalCloud.awaitEnd(LocalCloud.startExecution(secondId, request), LIMIT);
        assertThat(second.status()).as("%s %s", second.error(), second.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
        JsonNode again = LocalCloud.record(secondId);
        assertThat(again.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(again.path("kottaStack").path("action").asText()).isIn("UPDATE", "NONE");
        assertThat(LocalCloud.stackStatus(stackName)).isIn("CREATE_COMPLETE", "UPDATE_COMPLETE");
        assertThat(userEmails(usersTable)).hasSize(2);
        assertThat(aws.cloudFormation().describeStacks(b -> b.stackName(stackName)).stacks()).hasSize(1);
    }

    @Test
    void requestWithFiveBadFields_failsInValidation_namingAllFive_andCreatesNothing() throws Exception {
        ObjectNode request = Fixtures.validRequest(aws, Fixtures.shortId());
        String stackName = request.path("stackName").asText();
        request.put("jobsBucketName", "Bad_Bucket");
        request.put("domainName", "not a domain");
        request.put("oauthClientSecretArn", "hunter2-plain-secret");
        request.put("prodMinWorkers", 5);
        request.put("prodMaxWorkers", 2);
        request.put("webServerInstanceType", "huge");
        String sentBucket = request.path("jobsBucketName").asText();

        String id = LocalCloud.newDeploymentId();
        String executionArn = LocalCloud.startExecution(id, request);
        DescribeExecutionResponse execution = LocalCloud.awaitEnd(executionArn, LIMIT);
        assertThat(execution.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(execution.error()).isEqualTo("ValidationFailed");
        assertThat(execution.cause()).contains("jobsBucketName", "domainName", "oauthClientSecretArn",
                "prodMinWorkers", "webServerInstanceType").doesNotContain("hunter2-plain-secret");
        // straight from validation to the end: no stack or code step ran
        assertThat(LocalCloud.statesEntered(executionArn)).containsExactly("Validate the request",
                "Is the request valid?", "Note the refused request", "Record the failure", "Deployment failed");

        JsonNode record = LocalCloud.record(id);
        assertThat(record.path("status").asText()).isEqualTo("FAILED");
        assertThat(record.path("failedStep").asText()).isEqualTo("validateInputs");
        assertThat(record.toString()).doesNotContain("hunter2-plain-secret");
        assertThatThrownBy(() -> LocalCloud.stackStatus(stackName + "-base")).isInstanceOf(CloudFormationException.class);
        assertThatThrownBy(() -> LocalCloud.stackStatus(stackName)).isInstanceOf(CloudFormationException.class);
        assertThat(aws.s3().listBuckets().buckets()).noneMatch(b -> b.name().equals(sentBucket));
    }

    /** One attack through the whole pipeline; CodeTarballAttacksIT runs every attack at each door. */
    @Test
    void traversalTarball_failsPackaging_withTheReason_andWritesNoRelease() throws Exception {
        Attack attack = AttackTarballs.traversal();
        String key = "code/traversal-" + Fixtures.shortId() + ".tar.gz";
        aws.s3().putObject(b -> b.bucket(UPLOADS_BUCKET).key(key), RequestBody.fromBytes(attack.bytes()));
        ObjectNode request = Fixtures.validRequest(aws, Fixtures.shortId());
        request.put("codeSource", "s3://" + UPLOADS_BUCKET + "/" + key);
        String bucket = request.path("jobsBucketName").asText();

        String id = LocalCloud.newDeploymentId();
        DescribeExecutionResponse execution = LocalCloud.awaitEnd(LocalCloud.startExecution(id, request), LIMIT);
        assertThat(execution.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(execution.error()).isEqualTo("CodeRejected");
        JsonNode record = LocalCloud.record(id);
        assertThat(record.path("failedStep").asText()).isEqualTo("packageAndUploadCode");
        assertThat(record.path("cause").asText()).contains(attack.expectedReason());
        assertThat(aws.s3().listObjectsV2(b -> b.bucket(bucket).prefix("releases/")).contents()).isEmpty();
    }

    static List<String> userEmails(String usersTable) {
        return aws.dynamoDb().scan(b -> b.tableName(usersTable)).items().stream()
                .map(item -> item.get("email").s()).toList();
    }
}
