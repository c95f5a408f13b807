package org.kotta.deployer.stacks;

import java.util.Map;

/**
 * One look at a stack.
 *
 * @param phase   {@link #IN_PROGRESS}, {@link #SUCCEEDED} or {@link #FAILED}
 * @param status  CloudFormation's StackStatus, or null when the stack does not exist
 * @param reason  on failure: the first failed resource of the latest operation, else the stack's reason
 * @param outputs the stack's outputs (key to value); empty while in progress or failed
 */
public record StackReport(String stackName, String stackId, String phase, String status, String reason,
                          Map<String, String> outputs) {
    public static final String IN_PROGRESS = "IN_PROGRESS";
    public static final String SUCCEEDED = "SUCCEEDED";
    public static final String FAILED = "FAILED";

    public StackReport {
        outputs = outputs == null ? Map.of() : Map.copyOf(outputs);
    }
}
