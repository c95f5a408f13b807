package org.kotta.deployer.core;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What "Roll back to the last good release" tried ({@code $.rolledBack}): a rollback deployment
 * it started, or why it started none; the failed deployment's record notes it as {@code rollback}.
 *
 * @param deploymentId the rollback deployment, when one was started
 * @param basedOn      the last good deployment whose release it deploys
 * @param release      that release's sha256
 * @param reason       why none was started
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RollbackAttempt(
        boolean started, String deploymentId, String executionArn, String basedOn, String release, String reason) {

    public static RollbackAttempt notStarted(String reason) {
        return new RollbackAttempt(false, null, null, null, null, reason);
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
