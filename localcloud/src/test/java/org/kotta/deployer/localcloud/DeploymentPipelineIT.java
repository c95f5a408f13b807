package org.kotta.deployer.localcloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kotta.deployer.core.AwsClients;
import org.kotta.deployer.localcloud.AttackTarballs.Attack;
import org.kotta.deployer.stacks.KottaImages;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.cloudformation.model.Capability;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Image;
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
    void validRequest_succeeds_thenTheSameRequestChangesNothing_andRefreshImageMovesToTheLatestImage()
            throws Exception {
        ObjectNode request = Fixtures.validRequest(aws, Fixtures.shortId());
        String stackName = request.path("stackName").asText();
        String bucket = request.path("jobsBucketName").asText();

        String firstId = LocalCloud.newDeploymentId();
        String firstArn = LocalCloud.startExecution(firstId, request);
        DescribeExecutionResponse first = LocalCloud.awaitEnd(firstArn, LIMIT);
        assertThat(first.status())
                .as("execution %s: %s %s", firstArn, first.error(), first.cause())
                .isEqualTo(ExecutionStatus.SUCCEEDED);

        assertThat(LocalCloud.stackStatus(stackName + "-base")).isEqualTo("CREATE_COMPLETE");
        assertThat(LocalCloud.stackStatus(stackName)).isEqualTo("CREATE_COMPLETE");

        JsonNode record = LocalCloud.record(firstId);
        assertThat(record.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(record.path("executionArn").asText()).isEqualTo(firstArn);
        assertThat(record.path("outputs").path("base").path("JobsBucketName").asText())
                .isEqualTo(bucket);
        assertThat(record.path("outputs").path("kotta").path("WebUrl").asText()).isEqualTo("https://kotta.example.org");
        for (String step : List.of(
                "validateInputs", "createBaseStack", "packageAndUploadCode", "createKottaStack", "publishOutputs")) {
            assertThat(record.path("steps").path(step).path("startedAt").asText())
                    .as(step)
                    .isNotEmpty();
            assertThat(record.path("steps").path(step).path("finishedAt").asText())
                    .as(step)
                    .isNotEmpty();
        }

        String releaseKey = record.path("releaseKey").asText();
        String sha256 = record.path("codeVersion").asText();
        assertThat(releaseKey).isEqualTo("releases/" + sha256 + ".tar.gz");
        byte[] release =
                aws.s3().getObjectAsBytes(b -> b.bucket(bucket).key(releaseKey)).asByteArray();
        assertThat(LocalOrchestrator.sha256(release)).isEqualTo(sha256);

        String usersTable =
                record.path("outputs").path("base").path("UsersTableName").asText();
        assertThat(userEmails(usersTable)).containsExactlyInAnyOrder("pi@example.org", "admin@example.org");
        // the seeded rows read back through the platform's own reader, as sign-in will
        org.kotta.platform.core.UserRecord pi = new org.kotta.platform.core.UserStore(aws.dynamoDb(), usersTable)
                .find("PI@example.org")
                .orElseThrow();
        assertThat(pi.isAdmin()).isTrue();
        assertThat(pi.mayUseKotta()).isTrue();

        assertThat(LocalCloud.statesEntered(firstArn))
                .containsSubsequence(
                        "Validate the request",
                        "Is the request valid?",
                        "Create or update the base stack",
                        "Is the base stack done?",
                        // the stack has settled when its wait begins: the wait completes itself, no check
                        "Wait for the base stack",
                        "Package and upload the code",
                        "Is the code acceptable?",
                        "Create or update the Kotta stack",
                        "Is the Kotta stack done?",
                        "Wait for the Kotta stack",
                        "Publish the outputs",
                        "Deployment succeeded");

        // the image: looked up once, as the stack was created, and recorded
        JsonNode image = record.path("image");
        assertThat(image.path("source").asText()).isEqualTo("resolved");
        assertThat(image.path("parameter").asText()).isEqualTo(KottaImages.PUBLIC_PARAMETER);
        String firstImage = image.path("imageId").asText();
        assertThat(firstImage).startsWith("ami-");
        assertThat(stackImage(stackName)).isEqualTo(firstImage);

        // the same request again: the same release, nothing to change, no launch template version
        Map<String, Integer> versions = launchTemplateVersions(stackName);
        assertThat(versions).hasSize(3);
        JsonNode again = deploy(request);
        assertThat(again.path("codeVersion").asText()).isEqualTo(sha256);
        assertThat(again.path("kottaStack").path("action").asText()).isEqualTo("NONE");
        assertThat(again.path("image").path("source").asText()).isEqualTo("kept");
        assertThat(again.path("image").path("imageId").asText()).isEqualTo(firstImage);
        assertThat(launchTemplateVersions(stackName)).isEqualTo(versions);
        assertThat(LocalCloud.stackStatus(stackName)).isIn("CREATE_COMPLETE", "UPDATE_COMPLETE");
        assertThat(userEmails(usersTable)).hasSize(2);
        assertThat(aws.cloudFormation()
                        .describeStacks(b -> b.stackName(stackName))
                        .stacks())
                .hasSize(1);

        // The public parameter now names another image than the stack runs (what a new Amazon Linux
        // release does; MiniStack's parameter is fixed, so the stack is put on another image instead).
        // A change set that looked the image up itself rolls every launch template here: with main's
        // SSM-typed ImageId this deployment was an UPDATE adding a version to each of the three.
        String otherImage = anotherAmazonImage(firstImage);
        runImage(stackName, otherImage);
        Map<String, Integer> onOtherImage = launchTemplateVersions(stackName);
        JsonNode kept = deploy(request);
        assertThat(kept.path("codeVersion").asText()).isEqualTo(sha256);
        assertThat(kept.path("kottaStack").path("action").asText()).isEqualTo("NONE");
        assertThat(kept.path("image").path("source").asText()).isEqualTo("kept");
        assertThat(kept.path("image").path("imageId").asText()).isEqualTo(otherImage);
        assertThat(launchTemplateVersions(stackName)).isEqualTo(onOtherImage);
        assertThat(stackImage(stackName)).isEqualTo(otherImage);

        // asked for: the latest image, one new version of each launch template, the same release
        JsonNode refreshed = deploy(request.deepCopy().put("refreshImage", true));
        assertThat(refreshed.path("codeVersion").asText()).isEqualTo(sha256);
        assertThat(refreshed.path("kottaStack").path("action").asText()).isEqualTo("UPDATE");
        assertThat(refreshed.path("image").path("source").asText()).isEqualTo("resolved");
        assertThat(refreshed.path("image").path("imageId").asText()).isEqualTo(firstImage);
        assertThat(stackImage(stackName)).isEqualTo(firstImage);
        Map<String, Integer> refreshedVersions = launchTemplateVersions(stackName);
        assertThat(refreshedVersions.keySet()).isEqualTo(onOtherImage.keySet());
        onOtherImage.forEach((template, count) -> assertThat(refreshedVersions.get(template))
                .as("versions of launch template %s", template)
                .isEqualTo(count + 1));
    }

    /** Runs one deployment of {@code request} to SUCCEEDED; its record. */
    private static JsonNode deploy(ObjectNode request) throws InterruptedException {
        String id = LocalCloud.newDeploymentId();
        DescribeExecutionResponse execution = LocalCloud.awaitEnd(LocalCloud.startExecution(id, request), LIMIT);
        assertThat(execution.status())
                .as("%s %s", execution.error(), execution.cause())
                .isEqualTo(ExecutionStatus.SUCCEEDED);
        JsonNode record = LocalCloud.record(id);
        assertThat(record.path("status").asText()).isEqualTo("SUCCEEDED");
        return record;
    }

    /** Version counts of the stack's launch templates, by logical id. */
    private static Map<String, Integer> launchTemplateVersions(String stackName) {
        Ec2Client ec2 = aws.build(Ec2Client.builder());
        Map<String, Integer> versions = new TreeMap<>();
        aws.cloudFormation().describeStackResources(b -> b.stackName(stackName)).stackResources().stream()
                .filter(r -> r.resourceType().equals("AWS::EC2::LaunchTemplate"))
                .forEach(r -> versions.put(
                        r.logicalResourceId(),
                        ec2.describeLaunchTemplateVersions(b -> b.launchTemplateId(r.physicalResourceId()))
                                .launchTemplateVersions()
                                .size()));
        return versions;
    }

    private static String stackImage(String stackName) {
        return aws.cloudFormation().describeStacks(b -> b.stackName(stackName)).stacks().get(0).parameters().stream()
                .filter(p -> p.parameterKey().equals("ImageId"))
                .findFirst()
                .orElseThrow()
                .parameterValue();
    }

    /** An Amazon-owned image of the local cloud other than {@code imageId}. */
    private static String anotherAmazonImage(String imageId) {
        return aws.build(Ec2Client.builder()).describeImages(b -> b.owners("amazon")).images().stream()
                .map(Image::imageId)
                .filter(id -> !id.equals(imageId))
                .findFirst()
                .orElseThrow();
    }

    /** Updates the stack to run {@code imageId}, every other parameter and the template as they are. */
    private static void runImage(String stackName, String imageId) throws InterruptedException {
        var stack = aws.cloudFormation()
                .describeStacks(b -> b.stackName(stackName))
                .stacks()
                .get(0);
        List<Parameter> parameters = stack.parameters().stream()
                .map(p -> p.parameterKey().equals("ImageId")
                        ? Parameter.builder()
                                .parameterKey("ImageId")
                                .parameterValue(imageId)
                                .build()
                        : Parameter.builder()
                                .parameterKey(p.parameterKey())
                                .usePreviousValue(true)
                                .build())
                .toList();
        aws.cloudFormation()
                .updateStack(b -> b.stackName(stackName)
                        .usePreviousTemplate(true)
                        .parameters(parameters)
                        .capabilities(
                                Capability.CAPABILITY_IAM,
                                Capability.CAPABILITY_NAMED_IAM,
                                Capability.CAPABILITY_AUTO_EXPAND));
        org.kotta.deployer.testing.Waits.untilOrLatest(
                LIMIT,
                Duration.ofMillis(500),
                () -> LocalCloud.stackStatus(stackName),
                status -> !status.endsWith("_IN_PROGRESS"));
        assertThat(LocalCloud.stackStatus(stackName)).isEqualTo("UPDATE_COMPLETE");
        assertThat(stackImage(stackName)).isEqualTo(imageId);
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
        assertThat(execution.cause())
                .contains(
                        "jobsBucketName",
                        "domainName",
                        "oauthClientSecretArn",
                        "prodMinWorkers",
                        "webServerInstanceType")
                .doesNotContain("hunter2-plain-secret");
        // straight from validation to the end: no stack or code step ran (and, the site check not
        // having failed, no rollback)
        assertThat(LocalCloud.statesEntered(executionArn))
                .containsExactly(
                        "Validate the request",
                        "Is the request valid?",
                        "Note the refused request",
                        "Record the failure",
                        "Did the site check fail?",
                        "Deployment failed");

        JsonNode record = LocalCloud.record(id);
        assertThat(record.path("status").asText()).isEqualTo("FAILED");
        assertThat(record.path("failedStep").asText()).isEqualTo("validateInputs");
        assertThat(record.toString()).doesNotContain("hunter2-plain-secret");
        assertThatThrownBy(() -> LocalCloud.stackStatus(stackName + "-base"))
                .isInstanceOf(CloudFormationException.class);
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
        assertThat(aws.s3()
                        .listObjectsV2(b -> b.bucket(bucket).prefix("releases/"))
                        .contents())
                .isEmpty();
    }

    static List<String> userEmails(String usersTable) {
        return aws.dynamoDb().scan(b -> b.tableName(usersTable)).items().stream()
                .map(item -> item.get("email").s())
                .toList();
    }
}
