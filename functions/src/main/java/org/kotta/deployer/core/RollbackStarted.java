package org.kotta.deployer.core;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The result of "Roll back to the last good release" ({@code $.rolledBack}), and what the failed
 * deployment's record notes as {@code rollback}.
 *
 * @param deploymentId the rollback deployment, when one was started
 * @param basedOn      the last good deployment whose release it deploys
 * @param release      that release's sha256
 * @param reason       why none was started
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RollbackStarted(
        boolean started, String deploymentId, String executionArn, String basedOn, String release, String reason) {

    public static RollbackStarted notStarted(String reason) {
        return new RollbackStarted(false, null, null, null, null, reason);
    }

    /** The record's {@code rollback}: no execution ARN (the rollback's own record has it). */
    public Map<String, Object> asRecord() {
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
