package org.kotta.deployer.stacks;

import java.util.Map;
import org.kotta.deployer.core.StackPhase;

/**
 * One look at a stack.
 *
 * @param phase   IN_PROGRESS, SUCCEEDED or FAILED (CREATE_AGAIN only after a deletion, see StackSteps)
 * @param status  CloudFormation's StackStatus, or null when the stack does not exist
 * @param reason  on failure: the first failed resource of the latest operation, else the stack's reason
 * @param outputs the stack's outputs (key to value); empty while in progress or failed
 */
public record StackReport(
        String stackName, String stackId, StackPhase phase, String status, String reason, Map<String, String> outputs) {

    public StackReport {
        outputs = outputs == null ? Map.of() : Map.copyOf(outputs);
    }
}
