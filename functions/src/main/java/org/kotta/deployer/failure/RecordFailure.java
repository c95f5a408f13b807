package org.kotta.deployer.failure;

import com.fasterxml.jackson.databind.JsonNode;
import org.kotta.deployer.core.DeploymentRecord;
import org.kotta.deployer.core.DeploymentRecords;
import org.kotta.deployer.core.Failure;
import org.kotta.deployer.core.Json;
import org.kotta.deployer.core.Metrics;
import org.kotta.deployer.core.Recorded;
import org.kotta.deployer.core.StackKind;
import org.kotta.deployer.core.StackLocks;
import org.kotta.deployer.core.StackPhase;
import org.kotta.deployer.core.StackProgress;
import org.kotta.deployer.core.StepInput;
import org.kotta.deployer.core.Steps;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * The Catch target and the end of every refused path: marks the deployment FAILED with the
 * step it was in, the error, the cause and the stack's own reason, keeps what earlier steps
 * wrote, and releases the stack lock. Its result feeds the Fail state's Error and Cause.
 */
public final class RecordFailure {
    private static final String THIS_STATE = "Record the failure";
    private final DeploymentRecords records;
    private final StackLocks locks;
    private final SfnClient sfn;
    /** The steps where the instances' boot log tells why: the Kotta stack's rollout, and the site check. */
    private static final java.util.Set<String> BOOT_LOG_STEPS =
            java.util.Set.of(Steps.CREATE_KOTTA_STACK, Steps.CHECK_SITE);

    private final Metrics metrics;
    private final BootLog bootLog;

    public RecordFailure(DeploymentRecords records, StackLocks locks, SfnClient sfn, Metrics metrics, BootLog bootLog) {
        this.records = records;
        this.locks = locks;
        this.sfn = sfn;
        this.metrics = metrics;
        this.bootLog = bootLog;
    }

    public Recorded run(StepInput input) {
        String deploymentId = input.deploymentId();
        Failure failure = input.state().failure();
        String error = failure == null || failure.error() == null ? "Unknown" : failure.error();
        String cause = failure == null || failure.cause() == null ? "" : failure.cause();
        // a Lambda error's Cause is JSON: {"errorMessage", "errorType", "stackTrace"}
        JsonNode lambdaError = innermostLambdaError(parseObject(cause));
        if (lambdaError != null) {
            String type = lambdaError.path("errorType").asText(error);
            cause = type + ": " + lambdaError.path("errorMessage").asText();
            error = type;
        }
        String stackReason = null;
        for (StackKind kind : new StackKind[] {StackKind.KOTTA, StackKind.BASE}) {
            StackProgress progress = input.state().stack(kind);
            if (progress != null && progress.phase() == StackPhase.FAILED && progress.reason() != null) {
                stackReason = progress.reason();
                break;
            }
        }
        DeploymentRecord record = records.find(deploymentId).orElse(null);
        String failedState = lastTaskState(input.execution());
        String step = failedState != null && Steps.OF_TASK_STATE.containsKey(failedState)
                ? Steps.OF_TASK_STATE.get(failedState)
                : record == null ? null : record.currentStep();
        String stackName = record == null ? null : record.stackName();
        if (stackName != null && BOOT_LOG_STEPS.contains(step)) {
            cause = cause
                    + bootLogOf(
                            input.state()
                                    .outputsOf(StackKind.BASE)
                                    .getOrDefault("InstanceLogGroupName", BootLog.groupOf(stackName)),
                            record.createdAt() == null ? java.time.Instant.EPOCH : record.createdAt());
        }
        if (records.failed(deploymentId, step, error, cause, stackReason)) {
            metrics.deploymentFailed(step);
        }
        if (stackName != null) {
            locks.release(stackName, deploymentId);
        }
        return new Recorded(error, (step == null ? "" : "step " + step + ": ") + cause, step);
    }

    /**
     * The boot log's last lines for a failure where instances did not start or do not serve, so the
     * record says why without anyone logging in; nothing when there is none or it cannot be read
     * (the failure is recorded all the same).
     */
    private String bootLogOf(String logGroup, java.time.Instant since) {
        try {
            return bootLog.lastLines(logGroup, since).map(lines -> "\n" + lines).orElse("");
        } catch (RuntimeException unreadable) {
            return "\n(the boot log in " + logGroup + " could not be read: "
                    + unreadable.getClass().getSimpleName() + ")";
        }
    }

    /** The Task state the execution was in before it came here (newest history first). */
    private String lastTaskState(String executionArn) {
        if (executionArn == null) {
            return null;
        }
        var history = sfn.getExecutionHistory(
                b -> b.executionArn(executionArn).reverseOrder(true).maxResults(100));
        for (HistoryEvent event : history.events()) {
            if (event.typeAsString().equals("TaskStateEntered")
                    && event.stateEnteredEventDetails() != null
                    && !THIS_STATE.equals(event.stateEnteredEventDetails().name())) {
                return event.stateEnteredEventDetails().name();
            }
        }
        return null;
    }

    /**
     * The handler's own error: a runtime or proxy that reports a handler failure under a
     * generic type (e.g. Runtime.HandlerError) may carry the handler's {errorType,
     * errorMessage} inside its message; the innermost one names what really went wrong.
     */
    static JsonNode innermostLambdaError(JsonNode error) {
        if (error == null || !error.hasNonNull("errorMessage")) {
            return null;
        }
        String message = error.path("errorMessage").asText();
        int start = message.indexOf('{');
        if (start >= 0) {
            JsonNode inner = innermostLambdaError(parseObject(message.substring(start)));
            if (inner != null && inner.hasNonNull("errorType")) {
                return inner;
            }
        }
        return error;
    }

    private static JsonNode parseObject(String text) {
        if (text == null || !text.trim().startsWith("{")) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(text);
        } catch (java.io.IOException notJson) {
            return null;
        }
    }
}
