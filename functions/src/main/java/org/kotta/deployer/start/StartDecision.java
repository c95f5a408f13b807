package org.kotta.deployer.start;

import java.util.List;
import org.kotta.deployer.core.FieldError;

/**
 * What {@link DeploymentStarter} decided: started, or refused and why.
 *
 * @param executionArn      the execution, for STARTED and ALREADY_STARTED (null when unknown)
 * @param errors            every bad field, for INVALID
 * @param runningDeployment the deployment holding the stack's lock, for STACK_BUSY
 */
public record StartDecision(
        Verdict verdict, String deploymentId, String executionArn, List<FieldError> errors, String runningDeployment) {

    public enum Verdict {
        /** The execution was started. */
        STARTED,
        /** Refused: the request breaks a rule; nothing was written. */
        INVALID,
        /** Refused: another deployment of the stack is running. */
        STACK_BUSY,
        /** A deployment with this id exists already (a repeated event or request): nothing new started. */
        ALREADY_STARTED
    }
}
