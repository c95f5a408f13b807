package org.kotta.deployer.rollback;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.kotta.deployer.api.DeploymentIds;
import org.kotta.deployer.api.DeploymentStarter;
import org.kotta.deployer.core.DeploymentRecords;
import org.kotta.deployer.core.DeploymentRequest;
import org.kotta.deployer.core.Json;
import org.kotta.deployer.core.StepInput;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * "Roll back to the last good release": after a deployment whose stack settled but whose site
 * does not serve (the site check failed, and CloudFormation had nothing to roll back), starts a
 * new deployment of the stack's last SUCCEEDED release: that deployment's request (keeping the
 * image the stack runs) and its very release object. The new deployment is recorded with
 * trigger {@value #TRIGGER} and {@code rollbackOf}; the failed one gets {@code rollback}
 * saying what was started, or why nothing was. A rollback is never rolled back itself.
 */
public final class RollBack {
    public static final String TRIGGER = "rollback";
    static final String SUFFIX = "-rollback";
    /** How many of the stack's newest deployments are searched for the last good one. */
    private static final int HISTORY = 50;

    private final DeploymentStarter starter;
    private final DeploymentRecords records;

    public RollBack(DeploymentStarter starter, DeploymentRecords records) {
        this.starter = starter;
        this.records = records;
    }

    public Result run(StepInput input) {
        String failedId = input.deploymentId();
        String stackName = input.validatedRequest().stackName();
        if (TRIGGER.equals(input.path("trigger").asText())) {
            return note(failedId, Result.notStarted("this deployment is itself the rollback of "
                    + input.path("rollback").path("of").asText() + "; rolling it back could go on for ever"));
        }
        Optional<ObjectNode> good = records.deploymentsOfStack(stackName, HISTORY, null, null).stream()
                .filter(record -> DeploymentRecords.SUCCEEDED.equals(record.path("status").asText()))
                .filter(record -> !failedId.equals(record.path(DeploymentRecords.KEY).asText()))
                .filter(record -> record.path("release").hasNonNull("releaseKey"))
                .findFirst();
        if (good.isEmpty()) {
            return note(failedId, Result.notStarted("no earlier deployment of stack " + stackName
                    + " succeeded, so there is no release to go back to"));
        }
        String goodId = good.get().path(DeploymentRecords.KEY).asText();
        JsonNode release = good.get().path("release");
        ObjectNode rollback = Json.MAPPER.createObjectNode()
                .put("of", failedId)
                .put("basedOn", goodId)
                .put("releaseKey", release.path("releaseKey").asText())
                .put("sha256", release.path("sha256").asText());
        String rollbackId = rollbackId(failedId);
        DeploymentStarter.Started started = starter.start(rollbackId, storedRequest(good.get()).withRefreshImage(false),
                TRIGGER, rollback);
        Result result = switch (started.outcome()) {
            case STARTED, ALREADY_STARTED -> new Result(true, rollbackId, started.executionArn(), goodId,
                    release.path("sha256").asText(), null);
            case STACK_BUSY -> Result.notStarted("stack " + stackName + " is being deployed by "
                    + started.runningDeployment() + " already");
            case INVALID -> Result.notStarted("the request of " + goodId + " no longer passes the request rules: "
                    + started.errors());
        };
        return note(failedId, result);
    }

    /** Derived from the failed deployment's id, so a repeated step finds its rollback started already. */
    static String rollbackId(String failedId) {
        String id = failedId + SUFFIX;
        if (id.length() <= DeploymentIds.MAX_LENGTH) {
            return id;
        }
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(failedId.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "rollback-" + java.util.HexFormat.of().formatHex(digest).substring(0, 40);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Result note(String failedId, Result result) {
        records.note(failedId, Map.of("rollback", result.asRecord()));
        return result;
    }

    private static DeploymentRequest storedRequest(ObjectNode record) {
        try {
            return Json.MAPPER.treeToValue(record.path("request"), DeploymentRequest.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("deployment " + record.path(DeploymentRecords.KEY).asText()
                    + " holds an unreadable request", e);
        }
    }

    /**
     * The state's result ({@code $.rollback}) and what the failed record notes.
     *
     * @param deploymentId the rollback deployment, when one was started
     * @param basedOn      the last good deployment whose release it deploys
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Result(boolean started, String deploymentId, String executionArn, String basedOn,
            String release, String reason) {
        static Result notStarted(String reason) {
            return new Result(false, null, null, null, null, reason);
        }

        Map<String, Object> asRecord() {
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("started", started);
            if (started) {
                record.put("deploymentId", deploymentId);
                record.put("basedOn", basedOn);
                record.put("release", release);
            } else {
                record.put("reason", reason);
            }
            return record;
        }
    }
}
