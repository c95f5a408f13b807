package org.kotta.deployer.localcloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kotta.deployer.core.AwsClients;
import org.kotta.deployer.core.DeploymentRecords;
import org.kotta.deployer.core.DeploymentRequest;
import org.kotta.deployer.core.Json;
import org.kotta.deployer.core.StackLocks;
import org.kotta.deployer.trigger.CodeUploadedEvent;
import org.kotta.deployer.trigger.CodeUploadedSkipTag;
import org.kotta.deployer.trigger.RedeployRules;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.cloudformation.model.Capability;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.s3.model.EventBridgeConfiguration;
import software.amazon.awssdk.services.s3.model.Tag;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * The code-upload trigger for real: a tarball put under code/ of a deployed JobsBucket goes
 * S3 → EventBridge → the rule in template.yaml → CodeUploadedFunction → a redeploy. A tap
 * (a second rule on the same buckets feeding a do-nothing state machine, deployed with
 * CloudFormation) keeps every S3 event EventBridge saw, so a test can replay the exact
 * event and know an event was emitted. "Nothing happened" is proven by a positive signal,
 * never by waiting a while: the trigger's FAILED record of a refusal, its skip tag on the
 * uploaded object, or EventBridge's own answer that the rule does not match the event.
 */
class RedeployTriggerIT {
    private static final Duration LIMIT = Duration.ofMinutes(4);
    private static final Duration DELIVERY = Duration.ofSeconds(60);
    private static final String SUFFIX = Fixtures.shortId();
    private static final String UNDEPLOYED_BUCKET = "kotta-it-nodeploy-" + SUFFIX;
    private static final String TAP_STACK = "kotta-it-s3-event-tap-" + SUFFIX;

    private static LocalOrchestrator orchestrator;
    private static AwsClients aws;
    private static LambdaClient lambda;
    private static DeploymentRecords records;
    private static StackLocks locks;
    private static ObjectNode request;
    private static String bucket;
    private static String stackName;
    private static String tapArn;
    private static JsonNode firstRecord;

    @BeforeAll
    static void deployOnce() throws Exception {
        orchestrator = LocalCloud.orchestrator();
        aws = orchestrator.aws();
        lambda = aws.build(LambdaClient.builder());
        records = new DeploymentRecords(aws.dynamoDb(), orchestrator.output("DeploymentsTableName"));
        locks = new StackLocks(aws.dynamoDb(), orchestrator.output("DeploymentsTableName"));
        request = Fixtures.validRequest(aws, SUFFIX);
        bucket = request.path("jobsBucketName").asText();
        stackName = request.path("stackName").asText();

        aws.s3().createBucket(b -> b.bucket(UNDEPLOYED_BUCKET));
        aws.s3()
                .putBucketNotificationConfiguration(b -> b.bucket(UNDEPLOYED_BUCKET)
                        .notificationConfiguration(n -> n.eventBridgeConfiguration(
                                EventBridgeConfiguration.builder().build())));
        tapArn = deployTap(List.of(bucket, UNDEPLOYED_BUCKET));

        String firstId = LocalCloud.newDeploymentId();
        DescribeExecutionResponse first = LocalCloud.awaitEnd(LocalCloud.startExecution(firstId, request), LIMIT);
        assertThat(first.status()).as("%s %s", first.error(), first.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
        firstRecord = records.get(firstId).orElseThrow();
    }

    @AfterAll
    static void removeTap() {
        if (aws != null) {
            aws.cloudFormation().deleteStack(b -> b.stackName(TAP_STACK));
        }
    }

    @Test
    void tarballUploadedUnderCode_redeploysWithTheNewCode_once() throws Exception {
        Set<String> before = FaultChecks.executionNames();
        String key = "code/v2.tar.gz";
        byte[] tarball = SiteTarball.of(Map.of("index.html", "<h1>Kotta v2 " + UUID.randomUUID() + "</h1>"));
        aws.s3().putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(tarball));

        // the rule fires for real: exactly one new execution, the redeploy
        Set<String> started = FaultChecks.await("a redeploy execution", DELIVERY, () -> {
            Set<String> names = FaultChecks.executionNames();
            names.removeAll(before);
            return names.isEmpty() ? Optional.empty() : Optional.of(names);
        });
        assertThat(started).hasSize(1);
        String redeployId = started.iterator().next();
        assertThat(redeployId).startsWith("redeploy-");
        JsonNode event = tappedEvent(bucket, key);
        assertThat(redeployId).isEqualTo(RedeployRules.deploymentId(CodeUploadedEvent.fromEventBridge(event)));

        // the execution the trigger started, as its record names it
        String redeployArn = FaultChecks.await(
                "the redeploy's execution in its record",
                DELIVERY,
                () -> records.get(redeployId)
                        .map(r -> r.path("executionArn").asText())
                        .filter(a -> !a.isEmpty()));
        DescribeExecutionResponse redeploy = LocalCloud.awaitEnd(redeployArn, LIMIT);
        assertThat(redeploy.status())
                .as("%s %s", redeploy.error(), redeploy.cause())
                .isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(redeploy.name()).isEqualTo(redeployId);
        // once: after the redeploy ended, the only new execution is it, and one code-upload record names the key
        Set<String> newExecutions = FaultChecks.executionNames();
        newExecutions.removeAll(before);
        assertThat(newExecutions).containsExactly(redeployId);
        assertThat(FaultChecks.recordsForBucket(bucket))
                .filteredOn(r -> r.path("trigger").asText().equals("code-upload")
                        && r.path("request").path("codeSource").asText().equals("s3://" + bucket + "/" + key))
                .extracting(r -> r.path("deploymentId").asText())
                .containsExactly(redeployId);
        JsonNode record = records.get(redeployId).orElseThrow();
        assertThat(record.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(record.path("trigger").asText()).isEqualTo("code-upload");
        assertThat(record.path("request").path("codeSource").asText()).isEqualTo("s3://" + bucket + "/" + key);
        assertThat(record.path("request").path("stackName").asText()).isEqualTo(stackName);
        String sha256 = record.path("codeVersion").asText();
        assertThat(sha256)
                .isNotBlank()
                .isNotEqualTo(firstRecord.path("codeVersion").asText());
        assertThat(record.path("releaseKey").asText()).isEqualTo("releases/" + sha256 + ".tar.gz");
        byte[] release = aws.s3()
                .getObjectAsBytes(b -> b.bucket(bucket).key("releases/" + sha256 + ".tar.gz"))
                .asByteArray();
        assertThat(LocalOrchestrator.sha256(release)).isEqualTo(sha256);

        // the same event again, straight to the deployed function: nothing new starts
        int executions = FaultChecks.executionNames().size();
        JsonNode reply = invokeTrigger(event);
        assertThat(reply.path("outcome").asText()).isEqualTo("ALREADY_STARTED");
        assertThat(reply.path("deploymentId").asText()).isEqualTo(redeployId);
        assertThat(FaultChecks.executionNames()).hasSize(executions);
        assertThat(records.get(redeployId).orElseThrow().path("status").asText())
                .isEqualTo("SUCCEEDED");
        assertThat(locks.holder(stackName)).isEmpty();
    }

    @Test
    void tarballUploadedWhileTheStackIsBusy_isRefusedWithAClearRecord_andStartsNothing() throws Exception {
        String running = "dep-busy-" + SUFFIX;
        records.createPending(running, Json.MAPPER.treeToValue(request, DeploymentRequest.class), "test");
        assertThat(locks.acquire(stackName, running)).isEmpty();
        try {
            Set<String> before = FaultChecks.executionNames();
            String key = "code/busy-" + SUFFIX + ".tar.gz";
            aws.s3()
                    .putObject(
                            b -> b.bucket(bucket).key(key),
                            RequestBody.fromBytes(SiteTarball.of(Map.of("index.html", "<h1>while busy</h1>"))));
            String redeployId = RedeployRules.deploymentId(CodeUploadedEvent.fromEventBridge(tappedEvent(bucket, key)));

            JsonNode refused = FaultChecks.await("the refusal record", DELIVERY, () -> records.get(redeployId));
            assertThat(refused.path("status").asText()).isEqualTo("FAILED");
            assertThat(refused.path("trigger").asText()).isEqualTo("code-upload");
            assertThat(refused.path("error").asText()).isEqualTo("StackBusy");
            assertThat(refused.path("failedStep").asText()).isEqualTo("start");
            assertThat(refused.path("cause").asText()).contains(running, stackName, key, "Upload it again");
            assertThat(refused.path("request").path("codeSource").asText()).isEqualTo("s3://" + bucket + "/" + key);
            // the record is the trigger's decision, written after the start was refused: nothing started
            assertThat(FaultChecks.executionNames()).isEqualTo(before);
            assertThat(locks.holder(stackName)).contains(running);
        } finally {
            records.failed(running, "test", "TestOver", "the test's stand-in deployment", null);
            locks.release(stackName, running);
        }
    }

    @Test
    void nonTarballUnderCode_startsNothing() throws Exception {
        int invocations = triggerInvocations();
        Set<String> executions = FaultChecks.executionNames();
        int bucketRecords = FaultChecks.recordsForBucket(bucket).size();
        aws.s3()
                .putObject(
                        b -> b.bucket(bucket).key("code/readme.txt"),
                        RequestBody.fromString("upload the web code as code/<name>.tar.gz"));

        JsonNode event = tappedEvent(bucket, "code/readme.txt"); // S3 did emit it
        // the rule's pattern keeps it out, as EventBridge itself says: the trigger is never invoked
        assertThat(codeUploadedRuleMatches(event)).isFalse();
        assertThat(triggerInvocations()).isEqualTo(invocations);
        assertThat(FaultChecks.executionNames()).isEqualTo(executions);
        assertThat(FaultChecks.recordsForBucket(bucket)).hasSize(bucketRecords);
    }

    @Test
    void tarballInABucketWithNoDeployment_startsNothing() throws Exception {
        int invocations = triggerInvocations();
        Set<String> executions = FaultChecks.executionNames();
        aws.s3()
                .putObject(
                        b -> b.bucket(UNDEPLOYED_BUCKET).key("code/site.tar.gz"),
                        RequestBody.fromBytes(SiteTarball.of(Map.of("index.html", "<h1>nobody deployed me</h1>"))));

        tappedEvent(UNDEPLOYED_BUCKET, "code/site.tar.gz");
        // the rule matches, the function runs, ignores the unknown bucket and says so on the object
        FaultChecks.await(
                "the trigger's invocation",
                DELIVERY,
                () -> triggerInvocations() > invocations ? Optional.of(true) : Optional.empty());
        String skipped = FaultChecks.await(
                "the trigger's skip tag", DELIVERY, () -> skipTag(UNDEPLOYED_BUCKET, "code/site.tar.gz"));
        assertThat(skipped).isEqualTo("skipped: unknown bucket: no successful deployment uses " + UNDEPLOYED_BUCKET);
        assertThat(FaultChecks.executionNames()).isEqualTo(executions);
        assertThat(FaultChecks.recordsForBucket(UNDEPLOYED_BUCKET)).isEmpty();
    }

    /** A rule on the buckets' S3 events targeting a Pass-only state machine: its executions' inputs are the events. */
    private static String deployTap(List<String> buckets) throws InterruptedException {
        String template = """
                Resources:
                  TapRole:
                    Type: AWS::IAM::Role
                    Properties:
                      AssumeRolePolicyDocument:
                        Version: '2012-10-17'
                        Statement:
                          - Effect: Allow
                            Principal: {Service: [states.amazonaws.com, events.amazonaws.com]}
                            Action: sts:AssumeRole
                  Tap:
                    Type: AWS::StepFunctions::StateMachine
                    Properties:
                      RoleArn: !GetAtt TapRole.Arn
                      DefinitionString: '{"StartAt": "Keep", "States": {"Keep": {"Type": "Pass", "End": true}}}'
                  TapRule:
                    Type: AWS::Events::Rule
                    Properties:
                      EventPattern:
                        source: [aws.s3]
                        detail:
                          bucket:
                            name: %s
                      Targets:
                        - {Id: Tap, Arn: !Ref Tap, RoleArn: !GetAtt TapRole.Arn}
                Outputs:
                  TapArn:
                    Value: !Ref Tap
                """.formatted(buckets);
        var cfn = aws.cloudFormation();
        cfn.createStack(b -> b.stackName(TAP_STACK).templateBody(template).capabilities(Capability.CAPABILITY_IAM));
        Stack tap = await("the S3 event tap")
                .atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(250))
                .until(
                        () -> cfn.describeStacks(b -> b.stackName(TAP_STACK))
                                .stacks()
                                .get(0),
                        stack -> {
                            String status = stack.stackStatusAsString();
                            if (status.contains("FAILED") || status.contains("ROLLBACK")) {
                                throw new IllegalStateException(
                                        "the S3 event tap: " + status + " " + stack.stackStatusReason());
                            }
                            return status.equals("CREATE_COMPLETE");
                        });
        return tap.outputs().get(0).outputValue();
    }

    /** The S3 EventBridge "Object Created" event for the object, as the tap received it. */
    private static JsonNode tappedEvent(String bucketName, String key) {
        return FaultChecks.await("S3's event for s3://" + bucketName + "/" + key, DELIVERY, () -> {
            for (ExecutionListItem execution : aws.stepFunctions()
                    .listExecutionsPaginator(b -> b.stateMachineArn(tapArn))
                    .executions()) {
                String input = aws.stepFunctions()
                        .describeExecution(b -> b.executionArn(execution.executionArn()))
                        .input();
                JsonNode event = FaultChecks.readTree(input);
                if ("Object Created".equals(event.path("detail-type").asText())
                        && bucketName.equals(
                                event.path("detail").path("bucket").path("name").asText())
                        && key.equals(
                                event.path("detail").path("object").path("key").asText())) {
                    return Optional.of(event);
                }
            }
            return Optional.empty();
        });
    }

    private static JsonNode invokeTrigger(JsonNode event) throws IOException {
        var response = lambda.invoke(b -> b.functionName(orchestrator.functionName("CodeUploadedFunction"))
                .payload(SdkBytes.fromUtf8String(event.toString())));
        assertThat(response.functionError())
                .as(response.payload().asUtf8String())
                .isNull();
        return Json.MAPPER.readTree(response.payload().asUtf8String());
    }

    /** EventBridge's own answer: does the deployed CodeUploadedRule's pattern match the event? */
    private static boolean codeUploadedRuleMatches(JsonNode event) {
        String rule = aws.cloudFormation()
                .describeStackResource(
                        b -> b.stackName(LocalOrchestrator.STACK_NAME).logicalResourceId("CodeUploadedRule"))
                .stackResourceDetail()
                .physicalResourceId();
        String ruleName = rule.substring(rule.lastIndexOf('/') + 1);
        try (EventBridgeClient events = aws.build(EventBridgeClient.builder())) {
            String pattern = events.describeRule(b -> b.name(ruleName)).eventPattern();
            return events.testEventPattern(b -> b.eventPattern(pattern).event(event.toString()))
                    .result();
        }
    }

    /** The value of the trigger's skip tag on the object, if it has one. */
    private static Optional<String> skipTag(String bucketName, String key) {
        return aws.s3().getObjectTagging(b -> b.bucket(bucketName).key(key)).tagSet().stream()
                .filter(tag -> tag.key().equals(CodeUploadedSkipTag.KEY))
                .map(Tag::value)
                .findFirst();
    }

    private static int triggerInvocations() {
        return orchestrator.host().invocationCount(orchestrator.functionName("CodeUploadedFunction"));
    }
}
