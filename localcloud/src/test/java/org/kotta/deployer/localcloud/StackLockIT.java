package org.kotta.deployer.localcloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.kotta.deployer.core.DeploymentRecords;
import org.kotta.deployer.core.DeploymentRequest;
import org.kotta.deployer.core.Json;
import org.kotta.deployer.core.StackLocks;
import org.kotta.deployer.validate.RequestValidator;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * The stack lock and final records hold for executions started directly too (not only
 * through the API or the trigger, which lock before they start).
 */
class StackLockIT {
    private static final Duration LIMIT = Duration.ofMinutes(4);

    @Test
    void aDirectExecution_whileAnotherDeploymentHoldsTheStack_isRefusedAsBusy_andTouchesNoStack() throws Exception {
        LocalOrchestrator orchestrator = LocalCloud.orchestrator();
        DeploymentRecords records = records(orchestrator);
        StackLocks locks = new StackLocks(orchestrator.aws().dynamoDb(), orchestrator.output("DeploymentsTableName"));
        ObjectNode request = Fixtures.validRequest(orchestrator.aws(), Fixtures.shortId());
        String stackName = request.path("stackName").asText();
        String holder = LocalCloud.newDeploymentId();
        records.createPending(holder, validated(request), "test");
        assertThat(locks.acquire(stackName, holder)).isEmpty();
        try {
            String id = LocalCloud.newDeploymentId();
            DescribeExecutionResponse execution = LocalCloud.awaitEnd(LocalCloud.startExecution(id, request), LIMIT);

            assertThat(execution.status()).isEqualTo(ExecutionStatus.FAILED);
            assertThat(execution.error()).isEqualTo("StackBusy");
            assertThat(execution.cause()).contains(holder, stackName);
            JsonNode record = LocalCloud.record(id);
            assertThat(record.path("status").asText()).isEqualTo("FAILED");
            assertThat(record.path("error").asText()).isEqualTo("StackBusy");
            assertThat(locks.holder(stackName)).contains(holder);
            assertThatThrownBy(() -> LocalCloud.stackStatus(stackName + "-base"))
                    .isInstanceOf(CloudFormationException.class);
        } finally {
            records.failed(holder, "test", "TestOver", "the test's stand-in deployment", null);
            locks.release(stackName, holder);
        }
    }

    @Test
    void anExecutionOfADeploymentAlreadyFailedByItsStarter_doesNothing_andKeepsTheRecordedFailure() throws Exception {
        LocalOrchestrator orchestrator = LocalCloud.orchestrator();
        DeploymentRecords records = records(orchestrator);
        StackLocks locks = new StackLocks(orchestrator.aws().dynamoDb(), orchestrator.output("DeploymentsTableName"));
        ObjectNode request = Fixtures.validRequest(orchestrator.aws(), Fixtures.shortId());
        String stackName = request.path("stackName").asText();
        String id = LocalCloud.newDeploymentId();
        // what DeploymentStarter records when StartExecution's answer is lost but the execution did start
        records.createPending(id, validated(request), "test");
        records.failed(id, "start", "SdkClientException", "the execution could not be started: timed out", null);

        DescribeExecutionResponse execution = LocalCloud.awaitEnd(LocalCloud.startExecution(id, request), LIMIT);

        assertThat(execution.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(execution.error()).isEqualTo("AlreadyEnded");
        JsonNode record = LocalCloud.record(id);
        assertThat(record.path("status").asText()).isEqualTo("FAILED");
        assertThat(record.path("error").asText()).isEqualTo("SdkClientException");
        assertThat(record.path("failedStep").asText()).isEqualTo("start");
        assertThat(locks.holder(stackName)).isEmpty();
        assertThatThrownBy(() -> LocalCloud.stackStatus(stackName + "-base"))
                .isInstanceOf(CloudFormationException.class);
    }

    private static DeploymentRecords records(LocalOrchestrator orchestrator) {
        return new DeploymentRecords(orchestrator.aws().dynamoDb(), orchestrator.output("DeploymentsTableName"));
    }

    private static DeploymentRequest validated(ObjectNode request) {
        return new RequestValidator().validate(Json.MAPPER.valueToTree(request)).request();
    }
}
