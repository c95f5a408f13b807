package org.kotta.deployer.core;

import com.fasterxml.jackson.annotation.JsonAlias;
import java.util.Map;

/**
 * Where one stack stands, as the state machine carries it between "Create …", "Wait for …"
 * and "Check …" states ({@code $.baseStack}, {@code $.kottaStack}): the Choice reads
 * {@code phase}, the Wait reads {@code nextWaitSeconds}, "Note the … stack failure" reads
 * {@code failure}.
 *
 * @param stackKind which of the two stacks (read as {@code role} from states written before the rename)
 * @param status    CloudFormation's StackStatus at the last look, or null before the first
 * @param checks    how many times the stack was looked at so far
 */
public record StackProgress(
        @JsonAlias("role") StackKind stackKind,
        String stackName,
        String stackId,
        StackAction action,
        StackPhase phase,
        String status,
        String reason,
        int checks,
        int nextWaitSeconds,
        Map<String, String> outputs,
        Failure failure) {

    public StackProgress {
        outputs = outputs == null ? Map.of() : outputs;
    }
}
