package org.kotta.deployer.sweep;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.kotta.deployer.core.DeploymentRecord;
import org.kotta.deployer.core.DeploymentRecords;
import org.kotta.deployer.core.DeploymentRequest;
import org.kotta.deployer.core.Executions;
import org.kotta.deployer.core.Log;
import org.kotta.deployer.core.StackErrors;
import org.kotta.deployer.core.StackLocks;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;

/**
 * Finds deployments that can never finish on their own — the record still PENDING or
 * RUNNING, the execution ended (timed out, stopped, lost in a service restart) or never
 * existed — marks them FAILED through the one record writer and frees their stack locks.
 */
public final class StaleDeploymentSweeper {
    private final DeploymentRecords records;
    private final StackLocks locks;
    private final SfnClient sfn;
    private final CloudFormationClient cloudFormation;
    private final String stateMachineArn;
    private final Clock clock;

    public StaleDeploymentSweeper(
            DeploymentRecords records,
            StackLocks locks,
            SfnClient sfn,
            CloudFormationClient cloudFormation,
            String stateMachineArn,
            Clock clock) {
        this.records = records;
        this.locks = locks;
        this.sfn = sfn;
        this.cloudFormation = cloudFormation;
        this.stateMachineArn = stateMachineArn;
        this.clock = clock;
    }

    /** Every unfinished record (the schedule). */
    public Summary sweepAll() {
        return sweep(records.unfinishedDeployments());
    }

    /** One deployment (an execution's status-change event: the execution is named after it). */
    public Summary sweepOne(String deploymentId) {
        return sweep(records.find(deploymentId).map(List::of).orElse(List.of()));
    }

    private Summary sweep(List<DeploymentRecord> candidates) {
        List<String> marked = new ArrayList<>();
        Log log = Log.forDeployment(null, "sweep");
        for (DeploymentRecord record : candidates) {
            String id = record.deploymentId();
            SweepRules.Record fields = fields(record);
            if (!fields.unfinished()) {
                continue; // already final (e.g. RecordFailure closed it before its FAILED event came)
            }
            SweepRules.Verdict verdict = SweepRules.judge(fields, describe(fields.executionArn()), Instant.now(clock));
            if (!verdict.markFailed()) {
                continue;
            }
            String stackName = record.stackName();
            String cause = verdict.cause() + (stackName == null ? "" : settleStacks(stackName));
            if (records.failed(id, verdict.step(), verdict.error(), cause, null)) {
                if (stackName != null) {
                    locks.release(stackName, id);
                }
                marked.add(id);
                Log.forDeployment(id, "sweep")
                        .info(
                                "stale deployment marked FAILED",
                                Map.of("error", verdict.error(), "failedStep", verdict.step(), "cause", cause));
            }
        }
        log.info("sweep finished", Map.of("examined", candidates.size(), "markedFailed", marked.size()));
        return new Summary(candidates.size(), marked);
    }

    private SweepRules.Record fields(DeploymentRecord record) {
        String id = record.deploymentId();
        String arn = record.executionArn();
        return new SweepRules.Record(
                id,
                record.status() == null ? "" : record.status().name(),
                record.currentStep(),
                arn != null ? arn : Executions.arn(stateMachineArn, id),
                record.createdAt(),
                record.updatedAt());
    }

    /**
     * An ended execution leaves its stack operation running: cancel an update still in progress, or
     * say which stack is still busy. Returns the text to add to the record's cause ("" if none).
     */
    private String settleStacks(String stackName) {
        StringBuilder text = new StringBuilder();
        for (String name : List.of(stackName, stackName + DeploymentRequest.BASE_STACK_SUFFIX)) {
            SweepRules.StackAdvice advice = SweepRules.stackAdvice(name, stackStatus(name));
            if (advice == null) {
                continue;
            }
            String said = advice.text();
            if (advice.cancelUpdate()) {
                try {
                    cloudFormation.cancelUpdateStack(r -> r.stackName(name));
                } catch (CloudFormationException e) {
                    said = "stack " + name + " is still UPDATE_IN_PROGRESS and the sweep could not cancel the update ("
                            + e.awsErrorDetails().errorMessage() + "); deploy again once it has finished";
                }
            }
            text.append("; ").append(said);
        }
        return text.toString();
    }

    private String stackStatus(String stackName) {
        try {
            return cloudFormation.describeStacks(r -> r.stackName(stackName)).stacks().stream()
                    .findFirst()
                    .map(s -> s.stackStatusAsString())
                    .orElse(null);
        } catch (CloudFormationException e) {
            if (StackErrors.isValidationError(e)) {
                return null; // no such stack
            }
            throw e;
        }
    }

    private SweepRules.Execution describe(String executionArn) {
        try {
            DescribeExecutionResponse execution = sfn.describeExecution(b -> b.executionArn(executionArn));
            return SweepRules.Execution.of(execution.statusAsString(), execution.error(), execution.cause());
        } catch (ExecutionDoesNotExistException gone) {
            return SweepRules.Execution.missing();
        }
    }

    /** The function's result. */
    public record Summary(int examined, List<String> markedFailed) {}
}
