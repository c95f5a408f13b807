package org.kotta.deployer.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

/**
 * What every state's Lambda receives: the execution's state document, the execution ARN
 * and the state's name (ASL: {@code "Payload": {"state.$": "$", "execution.$":
 * "$$.Execution.Id", "stateName.$": "$$.State.Name", "executionStartTime.$":
 * "$$.Execution.StartTime"}}), plus for the stack watcher the stack being watched.
 */
public record StepInput(JsonNode state, String execution, String stateName, JsonNode stack,
        String executionStartTime) {

    public String deploymentId() {
        String id = state == null ? null : state.path("deploymentId").asText(null);
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("the execution input has no deploymentId");
        }
        return id;
    }

    /** The validated request (set by ValidateInputs), or null before validation. */
    public DeploymentRequest validatedRequest() {
        JsonNode request = path("validation", "request");
        if (request.isMissingNode() || request.isNull()) {
            throw new IllegalStateException("the state has no validated request");
        }
        return Json.MAPPER.convertValue(request, DeploymentRequest.class);
    }

    /** Seconds since the execution started, or 0 when the start time is unknown. */
    public double secondsSinceStart(java.time.Instant now) {
        if (executionStartTime == null || executionStartTime.isBlank()) {
            return 0;
        }
        return java.time.Duration.between(java.time.Instant.parse(executionStartTime), now).toMillis() / 1000.0;
    }

    public JsonNode path(String... names) {
        JsonNode node = state == null ? MissingNode.getInstance() : state;
        for (String name : names) {
            node = node.path(name);
        }
        return node;
    }
}
