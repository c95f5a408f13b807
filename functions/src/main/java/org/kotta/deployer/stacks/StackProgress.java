package org.kotta.deployer.stacks;

import java.util.Map;

import org.kotta.deployer.core.Failure;

/**
 * Where one stack stands, as the state machine carries it between "Create …", "Wait for …"
 * and "Check …" states: the Choice reads {@code phase}, the Wait reads
 * {@code nextWaitSeconds}.
 *
 * @param role   {@code base} or {@code kotta}
 * @param phase  IN_PROGRESS, SUCCEEDED, FAILED or CREATE_AGAIN
 * @param checks how many times the stack was looked at so far
 */
public record StackProgress(
        String role,
        String stackName,
        String stackId,
        String action,
        String phase,
        String status,
        String reason,
        int checks,
        int nextWaitSeconds,
        Map<String, String> outputs,
        Failure failure) {

    public static final String IN_PROGRESS = "IN_PROGRESS";
    public static final String SUCCEEDED = "SUCCEEDED";
    public static final String FAILED = "FAILED";
    /** The failed stack it found is deleted: go back and create it again. */
    public static final String CREATE_AGAIN = "CREATE_AGAIN";
}
