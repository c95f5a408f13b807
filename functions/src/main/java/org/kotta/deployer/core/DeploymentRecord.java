package org.kotta.deployer.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * The fields of a deployment record that decisions read (the starter, the trigger, the sweep,
 * RecordFailure). The API shows the whole record as JSON ({@link DeploymentRecords#get}).
 *
 * @param status      null when the record has none this code knows
 * @param currentStep the step running or last run, null once SUCCEEDED
 * @param request     the stored request as JSON; read it with {@link #storedRequest()}
 */
public record DeploymentRecord(
        String deploymentId,
        DeploymentStatus status,
        String trigger,
        String stackName,
        String jobsBucketName,
        String executionArn,
        String currentStep,
        Instant createdAt,
        Instant updatedAt,
        JsonNode request) {

    static DeploymentRecord of(JsonNode item) {
        return new DeploymentRecord(
                text(item, DeploymentRecords.KEY),
                DeploymentStatus.of(text(item, "status")),
                text(item, "trigger"),
                text(item, "stackName"),
                text(item, "jobsBucketName"),
                text(item, "executionArn"),
                text(item, "currentStep"),
                instant(item, "createdAt"),
                instant(item, "updatedAt"),
                item.hasNonNull("request") ? item.get("request") : null);
    }

    /** SUCCEEDED or FAILED. */
    public boolean ended() {
        return status != null && status.ended();
    }

    /** The request the deployment ran with (a redeploy copies it). */
    public DeploymentRequest storedRequest() {
        try {
            if (request == null) {
                throw new IllegalStateException("deployment " + deploymentId + " holds no request");
            }
            return Json.MAPPER.treeToValue(request, DeploymentRequest.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("deployment " + deploymentId + " holds an unreadable request", e);
        }
    }

    private static String text(JsonNode item, String field) {
        return item.hasNonNull(field) ? item.get(field).asText() : null;
    }

    private static Instant instant(JsonNode item, String field) {
        String text = text(item, field);
        return text == null || text.isEmpty() ? null : Instant.parse(text);
    }
}
