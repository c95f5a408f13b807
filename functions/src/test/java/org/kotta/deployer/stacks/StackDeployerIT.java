package org.kotta.deployer.stacks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kotta.deployer.core.StackAction;
import org.kotta.deployer.core.StackPhase;
import software.amazon.awssdk.services.cloudformation.model.Capability;
import software.amazon.awssdk.services.cloudformation.model.ChangeSetStatus;
import software.amazon.awssdk.services.cloudformation.model.ChangeSetType;
import software.amazon.awssdk.services.cloudformation.model.StackResourceSummary;

class StackDeployerIT {
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static LocalStacks local;
    private static StackDeployer deployer;

    @BeforeAll
    static void connect() {
        local = new LocalStacks();
        deployer = new StackDeployer(local.cfn);
    }

    @AfterAll
    static void cleanUp() {
        local.close();
    }

    @Test
    void create_thenUnchanged_thenChanged_runsCreateNoneUpdate() {
        String name = local.stackName("lifecycle");

        StackLaunch create = deployer.deploy(
                local.spec(name, "simple-stack.yaml", Map.of("VisibilityTimeout", "30"), local.token("create")));
        assertThat(create.action()).isEqualTo(StackAction.CREATE);
        assertThat(create.stackId()).contains(":stack/" + name + "/");
        assertThat(create.changeSetName()).startsWith("t-create-");
        StackReport created = local.waitUntilDone(create.stackId(), LIMIT);
        assertThat(created.phase()).isEqualTo(StackPhase.SUCCEEDED);
        assertThat(created.status()).isEqualTo("CREATE_COMPLETE");
        assertThat(created.outputs()).containsEntry("VisibilityTimeout", "30").containsKeys("QueueUrl", "QueueArn");
        assertThat(local.cfn
                        .describeStacks(r -> r.stackName(name))
                        .stacks()
                        .get(0)
                        .enableTerminationProtection())
                .as("termination protection")
                .isTrue();
        String queueUrl = created.outputs().get("QueueUrl");

        StackLaunch same = deployer.deploy(
                local.spec(name, "simple-stack.yaml", Map.of("VisibilityTimeout", "30"), local.token("same")));
        assertThat(same.action()).isEqualTo(StackAction.NONE);
        assertThat(same.stackId()).isEqualTo(create.stackId());
        assertThat(local.cfn.listChangeSets(r -> r.stackName(name)).summaries())
                .as("the empty change set is deleted")
                .noneMatch(s -> s.changeSetName().equals(same.changeSetName()));
        assertThat(local.waitUntilDone(name, LIMIT).status()).isEqualTo("CREATE_COMPLETE");

        StackLaunch update = deployer.deploy(
                local.spec(name, "simple-stack.yaml", Map.of("VisibilityTimeout", "45"), local.token("update")));
        assertThat(update.action()).isEqualTo(StackAction.UPDATE);
        assertThat(update.reason()).isNull();
        StackReport updated = local.waitUntilDone(update.stackId(), LIMIT);
        assertThat(updated.phase()).isEqualTo(StackPhase.SUCCEEDED);
        assertThat(updated.status()).isEqualTo("UPDATE_COMPLETE");
        assertThat(updated.outputs())
                .containsEntry("VisibilityTimeout", "45")
                .as("modified in place")
                .containsEntry("QueueUrl", queueUrl);
        assertThat(local.cfn.listStackResources(r -> r.stackName(name)).stackResourceSummaries())
                .extracting(StackResourceSummary::logicalResourceId)
                .containsExactly("Queue");
    }

    @Test
    void retryWithTheSameToken_startsNothingNew() {
        String name = local.stackName("retry");
        StackSpec spec = local.spec(name, "simple-stack.yaml", Map.of(), local.token("retry"));

        StackLaunch first = deployer.deploy(spec);
        StackLaunch again = deployer.deploy(spec);

        assertThat(first.action()).isEqualTo(StackAction.CREATE);
        assertThat(again.action()).isEqualTo(StackAction.CREATE);
        assertThat(again.stackId()).isEqualTo(first.stackId());
        assertThat(again.changeSetName()).isEqualTo(first.changeSetName());
        assertThat(local.waitUntilDone(first.stackId(), LIMIT).phase()).isEqualTo(StackPhase.SUCCEEDED);
        assertThat(deployer.deploy(spec).action()).as("after it finished").isEqualTo(StackAction.CREATE);
    }

    @Test
    void failedCreate_thenFixedDeploy_succeeds() {
        String name = local.stackName("refix");
        StackLaunch broken = deployer.deploy(local.spec(name, "broken-stack.yaml", Map.of(), local.token("broken")));
        assertThat(local.waitUntilDone(broken.stackId(), LIMIT).phase()).isEqualTo(StackPhase.FAILED);

        StackLaunch fixed = local.deployThroughDeletes(
                deployer, local.spec(name, "simple-stack.yaml", Map.of(), local.token("fixed")), LIMIT);

        assertThat(fixed.action()).isEqualTo(StackAction.CREATE);
        assertThat(fixed.stackId()).isNotEqualTo(broken.stackId());
        assertThat(local.waitUntilDone(fixed.stackId(), LIMIT).phase()).isEqualTo(StackPhase.SUCCEEDED);
    }

    @Test
    void stackLeftInRollbackComplete_isDeletedThenCreatedAfresh() {
        String name = local.stackName("rolledback");
        // a failed first create made without OnStackFailure=DELETE, and protected: ROLLBACK_COMPLETE stays
        local.cfn.createChangeSet(r -> r.stackName(name)
                .changeSetName("by-hand")
                .changeSetType(ChangeSetType.CREATE)
                .templateBody(LocalStacks.template("broken-stack.yaml"))
                .capabilities(Capability.CAPABILITY_IAM));
        await("the change set")
                .atMost(LIMIT)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> local.cfn
                                .describeChangeSet(r -> r.stackName(name).changeSetName("by-hand"))
                                .status()
                        == ChangeSetStatus.CREATE_COMPLETE);
        local.cfn.executeChangeSet(r -> r.stackName(name).changeSetName("by-hand"));
        local.cfn.updateTerminationProtection(r -> r.stackName(name).enableTerminationProtection(true));
        StackReport rolledBack = local.waitUntilDone(name, LIMIT);
        assertThat(rolledBack.status()).isEqualTo("ROLLBACK_COMPLETE");

        StackSpec fixed = local.spec(name, "simple-stack.yaml", Map.of(), local.token("fixed"));
        StackLaunch first = deployer.deploy(fixed);
        assertThat(first.action()).isEqualTo(StackAction.DELETING);
        assertThat(first.stackId()).isEqualTo(rolledBack.stackId());
        assertThat(first.reason()).contains("ROLLBACK_COMPLETE");

        StackLaunch after = local.deployThroughDeletes(deployer, fixed, LIMIT);
        assertThat(after.action()).isEqualTo(StackAction.CREATE);
        assertThat(local.waitUntilDone(after.stackId(), LIMIT).phase()).isEqualTo(StackPhase.SUCCEEDED);
    }

    @Test
    void stackInReview_isCreated() {
        String name = local.stackName("review");
        local.cfn.createChangeSet(r -> r.stackName(name)
                .changeSetName("never-executed")
                .changeSetType(ChangeSetType.CREATE)
                .templateBody(LocalStacks.template("simple-stack.yaml")));
        assertThat(new StackWatcher(local.cfn).check(name).status()).isEqualTo("REVIEW_IN_PROGRESS");

        StackLaunch launch = deployer.deploy(local.spec(name, "simple-stack.yaml", Map.of(), local.token("review")));

        assertThat(launch.action()).isEqualTo(StackAction.CREATE);
        assertThat(local.waitUntilDone(launch.stackId(), LIMIT).phase()).isEqualTo(StackPhase.SUCCEEDED);
    }

    @Test
    void missingParameter_isAFailureWithCloudFormationsMessage() {
        String name = local.stackName("noparam");
        String template =
                "Parameters:\n  Needed:\n    Type: String\n" + "Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n";

        StackLaunch launch =
                deployer.deploy(new StackSpec(name, template, null, Map.of(), Map.of(), local.token("noparam"), null));

        assertThat(launch.action()).isEqualTo(StackAction.FAILED);
        assertThat(launch.reason()).startsWith("CreateChangeSet refused: ").contains("Needed");
        assertThat(new StackWatcher(local.cfn).check(name).reason())
                .as("a refused create leaves no stack")
                .isEqualTo("stack " + name + " does not exist");
    }
}
