package org.kotta.deployer.core;

/**
 * What every state's Lambda receives: the execution's state document, the execution ARN
 * and the state's name (ASL: {@code "Parameters": {"state.$": "$", "execution.$":
 * "$$.Execution.Id", "stateName.$": "$$.State.Name", "executionStartTime.$":
 * "$$.Execution.StartTime"}}), plus for the stack watcher the stack being watched, and for a
 * stack wait ({@code lambda:invoke.waitForTaskToken}) the task token ({@code "$$.Task.Token"}).
 */
public record StepInput(
        DeploymentState state,
        String execution,
        String stateName,
        StackProgress stack,
        String executionStartTime,
        String taskToken) {

    public String deploymentId() {
        String id = state == null ? null : state.deploymentId();
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("the execution input has no deploymentId");
        }
        return id;
    }

    /**
     * The validated request (set by ValidateInputs).
     *
     * @throws IllegalStateException before validation, or when the request was refused
     */
    public DeploymentRequest validatedRequest() {
        DeploymentRequest request = state == null || state.validation() == null
                ? null
                : state.validation().request();
        if (request == null) {
            throw new IllegalStateException("the state has no validated request");
        }
        return request;
    }

    /** Seconds since the execution started, or 0 when the start time is unknown. */
    public double secondsSinceStart(java.time.Instant now) {
        if (executionStartTime == null || executionStartTime.isBlank()) {
            return 0;
        }
        return java.time.Duration.between(java.time.Instant.parse(executionStartTime), now)
                        .toMillis()
                / 1000.0;
    }
}
