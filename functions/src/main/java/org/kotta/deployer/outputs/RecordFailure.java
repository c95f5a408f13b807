package org.kotta.deployer.outputs;

import org.kotta.deployer.core.DeploymentRecords;
import org.kotta.deployer.core.Json;
import org.kotta.deployer.core.Metrics;
import org.kotta.deployer.core.StepInput;
import org.kotta.deployer.core.Steps;

import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The Catch target and the end of every refused path: marks the deployment FAILED with the
 * step it was in, the error, the cause and the stack's own reason, keeps what earlier steps
 * wrote, and releases the stack lock. Its result feeds the Fail state's Error and Cause.
 */
public final class RecordFailure {
    private static final String THIS_STATE = "Record the failure";
    private final DeploymentRecords records;
    private final SfnClient sfn;
    /** The steps where the instances' boot log tells why: the Kotta stack's rollout, and the site check. */
    private static final java.util.Set<String> BOOT_LOG_STEPS = java.util.Set.of(Steps.CREATE_KOTTA_STACK,
            Steps.CHECK_SITE);
    private final Metrics metrics;
    private final BootLog bootLog;

    public RecordFailure(DeploymentRecords records, SfnClient sfn, Metrics metrics, BootLog bootLog) {
        this.records = records;
        this.sfn = sfn;
        this.metrics = metrics;
        this.bootLog = bootLog;
    }

    public Recorded run(StepInput input) {
        String deploymentId = input.deploymentId();
        JsonNode failure = input.path("failure");
        String error = failure.path("Error").asText("Unknown");
        String cause = failure.path("Cause").asText("");
        // a Lambda error's Cause is JSON: {"errorMessage", "errorType", "stackTrace"}
        JsonNode lambdaError = innermostLambdaError(parseObject(cause));
        if (lambdaError != null) {
            String type = lambdaError.path("errorType").asText(error);
            cause = type + ": " + lambdaError.path("errorMessage").asText();
            error = type;
        }
        String stackReason = null;
        for (String stack : new String[] {"kottaStack", "baseStack"}) {
            JsonNode progress = input.path(stack);
            if ("FAILED".equals(progress.path("phase").asText()) && progress.hasNonNull("reason")) {
                stackReason = progress.path("reason").asText();
                break;
            }
        }
        JsonNode record = records.get(deploymentId).orElse(null);
        String failedState = lastTaskState(input.execution());
        String step = failedState != null && Steps.OF_TASK_STATE.containsKey(failedState)
                ? Steps.OF_TASK_STATE.get(failedState)
                : record == null ? null : record.path("currentStep").asText(null);
        String stackName = record == null ? null : record.path("stackName").asText(null);
        if (stackName != null && BOOT_LOG_STEPS.contains(step)) {
            cause = cause + bootLogOf(input.path("baseStack", "outputs", "InstanceLogGroupName")
                    .asText(BootLog.groupOf(stackName)));
        }
        if (records.failed(deploymentId, step, error, cause, stackReason)) {
            metrics.deploymentFailed(step);
        }
        if (stackName != null) {
            records.releaseStackLock(stackName, deploymentId);
        }
        return new Recorded(error, (step == null ? "" : "step " + step + ": ") + cause, step);
    }

    /**
     * The boot log's last lines for a failure where instances did not start or do not serve, so the
     * record says why without anyone logging in; nothing when there is none or it cannot be read
     * (the failure is recorded all the same).
     */
    private String bootLogOf(String logGroup) {
        try {
            return bootLog.lastLines(logGroup).map(lines -> "\n" + lines).orElse("");
        } catch (RuntimeException unreadable) {
            return "\n(the boot log in " + logGroup + " could not be read: " + unreadable.getClass().getSimpleName() + ")";
        }
    }

    /** The Task state the execution was in before it came here (newest history first). */
    private String lastTaskState(String executionArn) {
        if (executionArn == null) {
            return null;
        }
        var history = sfn.getExecutionHistory(b -> b.executionArn(executionArn).reverseOrder(true).maxResults(100));
        for (HistoryEvent event : history.events()) {
            if (event.typeAsString().equals("TaskStateEntered") && event.stateEnteredEventDetails() != null
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

    /** The state's result ({@code $.recorded}). */
    public record Recorded(String error, String cause, String failedStep) {
    }
}
