package org.kotta.deployer.trigger;

/**
 * What the code-upload trigger did with one event: the handler's output, and a line in the
 * function's log.
 *
 * @param reason       why nothing started (IGNORED, REFUSED, ALREADY_STARTED), else null
 * @param deploymentId the redeploy's id, null when IGNORED
 * @param basedOn      the successful deployment whose request was reused, or null
 */
public record RedeployResult(
        Decision outcome, String reason, String deploymentId, String executionArn, String basedOn) {

    public enum Decision {
        /** a redeploy execution was started */
        STARTED,
        /** a repeated event: this upload's redeploy exists already, nothing new started */
        ALREADY_STARTED,
        /** not a code tarball, or a bucket no successful deployment uses */
        IGNORED,
        /** not started, with a FAILED record saying why (stack busy, request no longer valid) */
        REFUSED
    }

    static RedeployResult ignored(String reason) {
        return new RedeployResult(Decision.IGNORED, reason, null, null, null);
    }
}
