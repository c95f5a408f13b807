package org.kotta.deployer.stacks;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.time.Clock;
import java.util.Optional;
import org.kotta.deployer.core.AwsClients;
import org.kotta.deployer.core.Json;
import org.kotta.deployer.core.Log;
import org.kotta.deployer.core.Settings;
import org.kotta.deployer.core.StackPhase;
import org.kotta.deployer.core.StackProgress;
import org.kotta.deployer.core.StepInput;
import org.kotta.deployer.stacks.StackWaits.Waiting;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.InvalidTokenException;
import software.amazon.awssdk.services.sfn.model.TaskDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.TaskTimedOutException;

/**
 * The event-driven stack waits. "Wait for the … stack" keeps its task token beside the stack and
 * looks once: a stack that has already settled completes the task at once. Otherwise the stack's
 * status-change event completes it: one look (the same as "Check the … stack") and SendTaskSuccess
 * with the result — a failed stack too, whose phase the Choice state routes as before. Whoever
 * claims the token first completes it; everyone else does nothing.
 */
public final class StackCompletion {
    /** Sent with SendTaskFailure when the look after an event failed: the state machine checks itself. */
    public static final String CHECK_FAILED = "StackCheckFailed";

    private final StackSteps steps;
    private final StackWaits waits;
    private final SfnClient sfn;

    /**
     * The event-driven waits wired from settings, once per container: the stack steps (no image
     * choice), the token items and Step Functions' callbacks. Here, not in StackStepsFactory, so
     * the create states' handlers never name the Step Functions client.
     */
    public static StackCompletion of(Settings settings) {
        AwsClients aws = new AwsClients(settings);
        return new StackCompletion(
                StackStepsFactory.create(settings, aws, clients -> PublicParameters.NONE),
                new StackWaits(aws.dynamoDb(), settings.required(Settings.DEPLOYMENTS_TABLE), Clock.systemUTC()),
                aws.stepFunctions());
    }

    public StackCompletion(StackSteps steps, StackWaits waits, SfnClient sfn) {
        this.steps = steps;
        this.waits = waits;
        this.sfn = sfn;
    }

    /** The stack steps this completion looks with (the ordinary check uses the same). */
    public StackSteps steps() {
        return steps;
    }

    /** What an event led to, for the log and the tests. */
    public enum Outcome {
        COMPLETED,
        HANDED_TO_THE_CHECK,
        NOT_SETTLED,
        NOBODY_WAITS,
        ALREADY_COMPLETED
    }

    /** "Wait for the … stack": the token beside the stack, then one look; a settled stack ends the wait now. */
    public StackProgress startWaiting(StepInput input) {
        String token = input.taskToken();
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("a stack wait needs its task token");
        }
        String deploymentId = input.deploymentId();
        StackProgress previous = input.stack();
        if (previous == null) {
            throw new IllegalArgumentException("the input names no stack to wait on");
        }
        waits.put(token, deploymentId, previous);
        StackProgress progress = steps.look(previous);
        if (progress.phase() != StackPhase.IN_PROGRESS) {
            complete(deploymentId, StackWaits.stackKey(previous), token, progress);
        }
        return progress;
    }

    /** A "CloudFormation Stack Status Change" event: completes the wait on that stack once it has settled. */
    public Outcome onStatusChange(String stackId, String status, String statusReason) {
        if (stackId == null || stackId.isBlank() || status == null || status.endsWith("_IN_PROGRESS")) {
            return Outcome.NOT_SETTLED;
        }
        Optional<Waiting> found = waits.find(stackId);
        if (found.isEmpty()) {
            return Outcome.NOBODY_WAITS;
        }
        Waiting waiting = found.get();
        Log log = Log.forDeployment(waiting.deploymentId(), "stack status change");
        StackProgress progress;
        try {
            progress = steps.look(waiting.stack());
        } catch (RuntimeException e) {
            if (!waits.claim(stackId, waiting.taskToken())) {
                return Outcome.ALREADY_COMPLETED;
            }
            log.error("the look after " + status + " failed, handing over to the check: " + e.getMessage());
            return send(() -> sfn.sendTaskFailure(b -> b.taskToken(waiting.taskToken())
                            .error(CHECK_FAILED)
                            .cause(e.getClass().getSimpleName() + ": " + e.getMessage())))
                    ? Outcome.HANDED_TO_THE_CHECK
                    : Outcome.ALREADY_COMPLETED;
        }
        if (progress.phase() == StackPhase.IN_PROGRESS) {
            // an event of an earlier operation, arriving late: the stack is busy again
            return Outcome.NOT_SETTLED;
        }
        if (progress.reason() == null && statusReason != null && !statusReason.isBlank()) {
            progress = withReason(progress, statusReason);
        }
        boolean completed = complete(waiting.deploymentId(), stackId, waiting.taskToken(), progress);
        log.info("stack " + progress.stackName() + " " + progress.status() + ": "
                + (completed ? "wait completed" : "wait already completed"));
        return completed ? Outcome.COMPLETED : Outcome.ALREADY_COMPLETED;
    }

    /** Claims the token, records the look and completes the task; false when someone else had it. */
    private boolean complete(String deploymentId, String stackKey, String token, StackProgress progress) {
        if (!waits.claim(stackKey, token)) {
            return false;
        }
        steps.record(deploymentId, progress);
        String output = json(progress);
        return send(() -> sfn.sendTaskSuccess(b -> b.taskToken(token).output(output)));
    }

    /** Sends a completion; false when the task has ended already (its timeout's check took over). */
    private static boolean send(Runnable completion) {
        try {
            completion.run();
            return true;
        } catch (TaskTimedOutException | TaskDoesNotExistException | InvalidTokenException ended) {
            return false;
        }
    }

    private static StackProgress withReason(StackProgress p, String reason) {
        return new StackProgress(
                p.stackKind(),
                p.stackName(),
                p.stackId(),
                p.action(),
                p.phase(),
                p.status(),
                reason,
                p.checks(),
                p.nextWaitSeconds(),
                p.outputs(),
                p.failure());
    }

    private static String json(StackProgress progress) {
        try {
            return Json.MAPPER.writeValueAsString(progress);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stack's progress cannot be written", e);
        }
    }
}
