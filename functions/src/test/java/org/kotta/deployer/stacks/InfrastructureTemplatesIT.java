package org.kotta.deployer.stacks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.kotta.deployer.core.AwsClients;
import org.kotta.deployer.core.Settings;
import org.kotta.deployer.core.StackPhase;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Capability;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * kotta-base.yaml and kotta.yaml against the local cloud: create both, update the Kotta
 * stack, and see bad inputs fail with a reason a person can act on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(OrderAnnotation.class)
class InfrastructureTemplatesIT {
    private static final List<String> BASE_OUTPUTS = List.of(
            "JobsBucketName",
            "JobsTableName",
            "UsersTableName",
            "LogBucketName",
            "InstanceLogGroupName",
            "WebServerRoleArn",
            "WebServerInstanceProfileName",
            "WebServerInstanceProfileArn",
            "TaskExecutorRoleArn",
            "TaskExecutorInstanceProfileName",
            "TaskExecutorInstanceProfileArn");
    private static final List<String> KOTTA_OUTPUTS = List.of(
            "WebUrl",
            "LoadBalancerDNSName",
            "WebServerTargetGroupArn",
            "ProdPendingQueueUrl",
            "ProdActiveQueueUrl",
            "TestPendingQueueUrl",
            "TestActiveQueueUrl",
            "WebServerGroupName",
            "ProdWorkerGroupName",
            "TestWorkerGroupName");
    private static final Duration LIMIT = Duration.ofMinutes(2);

    private final String suffix = HexFormat.of().formatHex(SecureRandom.getSeed(4));
    private final String baseStack = "kotta-base-it-" + suffix;
    private final String kottaStack = "kotta-it-" + suffix;
    private final String bucket = "kotta-jobs-it-" + suffix;
    private final Deque<String> createdStacks = new ArrayDeque<>();

    private AwsClients clients;
    private CloudFormationClient cloudFormation;
    private final LocalStacks stacks = new LocalStacks();
    private String secretArn;
    private String certificateArn;
    private Map<String, String> baseOutputs = Map.of();

    @BeforeAll
    void connectAndCreatePrerequisites() {
        String endpoint = System.getProperty("kotta.endpoint", "http://127.0.0.1:4566");
        clients = new AwsClients(new Settings(Map.of("AWS_ENDPOINT_URL", endpoint, "AWS_REGION", "us-east-1")));
        cloudFormation = clients.cloudFormation();
        // what an admin prepares before a deployment: the OAuth client secret and a certificate
        secretArn = clients.secretsManager()
                .createSecret(
                        r -> r.name("kotta-it/oauth-client-secret-" + suffix).secretString("not-a-real-secret"))
                .arn();
        certificateArn = clients.acm()
                .requestCertificate(
                        r -> r.domainName("kotta-" + suffix + ".example.org").validationMethod("DNS"))
                .certificateArn();
    }

    @Test
    @Order(1)
    void baseStack_createsWithAllOutputs() {
        createStack(baseStack, template("infrastructure/kotta-base.yaml"), baseParameters(bucket));

        StackReport stack = stacks.waitUntilDone(baseStack, LIMIT);

        assertThat(stack.status()).as(stack.reason()).isEqualTo("CREATE_COMPLETE");
        assertThat(stack.phase()).isEqualTo(StackPhase.SUCCEEDED);
        baseOutputs = stack.outputs();
        assertThat(baseOutputs).containsOnlyKeys(BASE_OUTPUTS);
        assertThat(baseOutputs.values()).allSatisfy(value -> assertThat(value).isNotBlank());
        assertThat(baseOutputs).containsEntry("JobsBucketName", bucket);
    }

    @Test
    @Order(2)
    void kottaStack_createsFromBaseOutputsWithAllOutputs() {
        createStack(kottaStack, template("infrastructure/kotta.yaml"), kottaParameters("4"));

        StackReport stack = stacks.waitUntilDone(kottaStack, LIMIT);

        assertThat(stack.status()).as(stack.reason()).isEqualTo("CREATE_COMPLETE");
        assertThat(stack.phase()).isEqualTo(StackPhase.SUCCEEDED);
        Map<String, String> outputs = stack.outputs();
        assertThat(outputs).containsOnlyKeys(KOTTA_OUTPUTS);
        assertThat(outputs.values()).allSatisfy(value -> assertThat(value).isNotBlank());
        assertThat(outputs).containsEntry("WebUrl", "https://kotta-" + suffix + ".example.org");
        assertThat(outputs.get("ProdPendingQueueUrl")).endsWith("/" + kottaStack + "-prod-pending");
        assertThat(outputs.get("TestActiveQueueUrl")).endsWith("/" + kottaStack + "-test-active");
        // the names the executors' wiring and the base stack's TaskExecutorRole use
        assertThat(outputs)
                .containsEntry("ProdWorkerGroupName", kottaStack + "-prod-workers")
                .containsEntry("TestWorkerGroupName", kottaStack + "-test-workers");
    }

    @Test
    @Order(3)
    void kottaStack_hasTheWorkersTerminationHooks_andTheBaseStackTheInstancesLogGroup() {
        Map<String, String> kotta = physicalIds(kottaStack);
        assertThat(kotta)
                .containsEntry("ProdWorkerTerminationHook", "kotta-let-the-job-finish")
                .containsEntry("TestWorkerTerminationHook", "kotta-let-the-job-finish");
        // the local cloud sends no signal and waits for none: the group with a CreationPolicy completes at once
        assertThat(kotta).containsKey("WebServerGroup");
        assertThat(physicalIds(baseStack)).containsEntry("InstanceLogGroup", "/kotta/" + kottaStack + "/instances");
        assertThat(baseOutputs).containsEntry("InstanceLogGroupName", "/kotta/" + kottaStack + "/instances");
    }

    @Test
    @Order(4)
    void kottaStack_updateWithMoreProdWorkers_completes() {
        cloudFormation.updateStack(r -> r.stackName(kottaStack)
                .templateBody(template("infrastructure/kotta.yaml"))
                .parameters(kottaParameters("6")));

        StackReport stack = stacks.waitUntilDone(kottaStack, LIMIT);

        assertThat(stack.status()).as(stack.reason()).isEqualTo("UPDATE_COMPLETE");
        assertThat(stack.phase()).isEqualTo(StackPhase.SUCCEEDED);
        assertThat(cloudFormation
                        .describeStacks(r -> r.stackName(kottaStack))
                        .stacks()
                        .get(0)
                        .parameters())
                .filteredOn(p -> p.parameterKey().equals("ProdMaxWorkers"))
                .extracting(Parameter::parameterValue)
                .containsExactly("6");
        assertThat(stack.outputs()).containsOnlyKeys(KOTTA_OUTPUTS);
    }

    @Test
    @Order(5)
    void baseStack_withBucketNameBreakingS3Rules_isRefusedWithTheNamingRule() {
        // the template's AllowedPattern refuses the name at CreateStack, in AWS and in the local cloud
        // alike, so no stack (and no stack events) exist; see docs/local-cloud.md, "The Cloud Kotta templates"
        String stackName = "kotta-base-bad-it-" + suffix;

        assertThatThrownBy(() -> createStack(
                        stackName, template("infrastructure/kotta-base.yaml"), baseParameters("Bad_Bucket..Name")))
                .isInstanceOf(CloudFormationException.class)
                .hasMessageContaining("JobsBucketName")
                .hasMessageContaining("bucket naming rules");
    }

    @Test
    @Order(6)
    void baseStack_withBucketNameAlreadyTaken_failsWithReasonFromStackEvents() {
        String stackName = "kotta-base-taken-it-" + suffix;
        createStack(stackName, template("infrastructure/kotta-base.yaml"), baseParameters(bucket));

        StackReport stack = stacks.waitUntilDone(stackName, LIMIT);

        // CloudFormation's pre-deployment validation refuses the bucket: the reason is only in DescribeEvents
        assertThat(stack.status()).isIn("CREATE_FAILED", "ROLLBACK_COMPLETE");
        assertThat(stack.phase()).isEqualTo(StackPhase.FAILED);
        assertThat(stack.reason()).contains(bucket).contains("already exists");
        assertThat(stack.outputs()).isEmpty();
    }

    @Test
    @Order(7)
    void failingKottaTemplate_failsWithTheQueueReason() {
        String stackName = "kotta-failing-it-" + suffix;
        createStack(
                stackName,
                withProdQueueVisibilityOverTheMaximum(template("infrastructure/kotta.yaml")),
                kottaParameters("4"));

        StackReport stack = stacks.waitUntilDone(stackName, LIMIT);

        assertThat(stack.status()).isIn("CREATE_FAILED", "ROLLBACK_COMPLETE");
        assertThat(stack.phase()).isEqualTo(StackPhase.FAILED);
        assertThat(stack.reason()).contains("VisibilityTimeout");
    }

    @AfterAll
    void deleteStacksAndRetainedData() {
        if (cloudFormation == null) {
            return;
        }
        while (!createdStacks.isEmpty()) {
            String name = createdStacks.pop();
            cloudFormation.deleteStack(r -> r.stackName(name));
            stacks.waitUntilDone(name, LIMIT);
        }
        stacks.close();
        // the JobsBucket and the tables are RetainExceptOnCreate: remove what this run left behind
        try (S3Client s3 = clients.s3();
                DynamoDbClient dynamoDb = clients.dynamoDb()) {
            s3.deleteBucket(r -> r.bucket(bucket));
            if (baseOutputs.containsKey("LogBucketName")) {
                String logBucket = baseOutputs.get("LogBucketName");
                s3.listObjectVersionsPaginator(r -> r.bucket(logBucket))
                        .versions()
                        .forEach(v -> s3.deleteObject(
                                r -> r.bucket(logBucket).key(v.key()).versionId(v.versionId())));
                s3.deleteBucket(r -> r.bucket(logBucket));
            }
            for (String table : List.of("JobsTableName", "UsersTableName")) {
                if (baseOutputs.containsKey(table)) {
                    dynamoDb.deleteTable(r -> r.tableName(baseOutputs.get(table)));
                }
            }
        } catch (RuntimeException e) {
            System.err.println("cleanup of retained data failed: " + e);
        }
        clients.secretsManager().deleteSecret(r -> r.secretId(secretArn).forceDeleteWithoutRecovery(true));
        clients.acm().deleteCertificate(r -> r.certificateArn(certificateArn));
    }

    private List<Parameter> baseParameters(String bucketName) {
        return parameters(Map.of(
                "JobsBucketName", bucketName,
                "KottaStackName", kottaStack,
                "OAuthClientSecretArn", secretArn));
    }

    private List<Parameter> kottaParameters(String prodMaxWorkers) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("JobsBucketName", baseOutputs.get("JobsBucketName"));
        values.put("JobsTableName", baseOutputs.get("JobsTableName"));
        values.put("UsersTableName", baseOutputs.get("UsersTableName"));
        values.put("WebServerInstanceProfileName", baseOutputs.get("WebServerInstanceProfileName"));
        values.put("TaskExecutorInstanceProfileName", baseOutputs.get("TaskExecutorInstanceProfileName"));
        values.put("LogBucketName", baseOutputs.get("LogBucketName"));
        values.put("DomainName", "kotta-" + suffix + ".example.org");
        values.put("CertificateArn", certificateArn);
        values.put("OAuthClientId", "amzn1.application-oa2-client.it" + suffix);
        values.put("OAuthClientSecretArn", secretArn);
        values.put("ProdMinWorkers", "0");
        values.put("ProdMaxWorkers", prodMaxWorkers);
        values.put("TestMinWorkers", "0");
        values.put("TestMaxWorkers", "2");
        values.put("SpotPrice", "0.10");
        values.put("CodeKey", "releases/" + "0".repeat(64) + ".tar.gz");
        // as the deployer does for a new stack: the latest Amazon Linux image from AWS's public parameter
        values.put(
                "ImageId",
                new KottaImages(cloudFormation, new SsmPublicParameters(clients::ssm))
                        .choose(kottaStack, true)
                        .imageId());
        return parameters(values);
    }

    /** Logical id → physical id of a stack's resources that completed. */
    private Map<String, String> physicalIds(String stackName) {
        Map<String, String> ids = new LinkedHashMap<>();
        cloudFormation.describeStackResources(r -> r.stackName(stackName)).stackResources().stream()
                .filter(r -> r.resourceStatusAsString().endsWith("_COMPLETE"))
                .forEach(r -> ids.put(r.logicalResourceId(), r.physicalResourceId()));
        return ids;
    }

    private static List<Parameter> parameters(Map<String, String> values) {
        return values.entrySet().stream()
                .map(e -> Parameter.builder()
                        .parameterKey(e.getKey())
                        .parameterValue(e.getValue())
                        .build())
                .toList();
    }

    private void createStack(String name, String templateBody, List<Parameter> parameters) {
        cloudFormation.createStack(r -> r.stackName(name)
                .templateBody(templateBody)
                .parameters(parameters)
                .capabilities(Capability.CAPABILITY_IAM));
        createdStacks.push(name);
    }

    /** The templates as the functions read them: from the classpath. */
    /**
     * The real kotta.yaml, with the prod pending queue's VisibilityTimeout above SQS's 12-hour
     * maximum: SQS refuses the queue, so the stack fails at create (derived, so it never drifts).
     */
    static String withProdQueueVisibilityOverTheMaximum(String kottaTemplate) {
        int queue = kottaTemplate.indexOf("\n  ProdPendingQueue:\n");
        int value = kottaTemplate.indexOf("VisibilityTimeout: 300\n", queue);
        assertThat(queue).as("kotta.yaml's ProdPendingQueue").isPositive();
        assertThat(value).as("ProdPendingQueue's VisibilityTimeout: 300").isPositive();
        return kottaTemplate.substring(0, value) + "VisibilityTimeout: 86400\n"
                + kottaTemplate.substring(value + "VisibilityTimeout: 300\n".length());
    }

    private static String template(String resource) {
        try (InputStream in = InfrastructureTemplatesIT.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as("classpath resource %s", resource).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
