package org.kotta.deployer.stacks;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.kotta.deployer.core.StackAction;
import org.kotta.deployer.core.StackErrors;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Capability;
import software.amazon.awssdk.services.cloudformation.model.ChangeSetNotFoundException;
import software.amazon.awssdk.services.cloudformation.model.ChangeSetStatus;
import software.amazon.awssdk.services.cloudformation.model.ChangeSetType;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.cloudformation.model.CreateChangeSetRequest;
import software.amazon.awssdk.services.cloudformation.model.DescribeChangeSetResponse;
import software.amazon.awssdk.services.cloudformation.model.OnStackFailure;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.StackStatus;
import software.amazon.awssdk.services.cloudformation.model.Tag;

/**
 * Creates or updates a stack, always through a change set: create it, wait the few seconds
 * CloudFormation takes to compute it, inspect it, execute it. "Nothing to change" is then the
 * same answer in AWS and in emulators (a FAILED change set with a fixed reason), where
 * UpdateStack's "No updates are to be performed" error is not. Never waits for the stack
 * operation itself: that is the state machine's Wait → {@link StackWatcher} loop.
 *
 * <p>A first create that failed must not block the next deployment. Two mechanisms, both
 * working in AWS and in MiniStack:
 * <ul>
 * <li>CREATE change sets carry {@code OnStackFailure=DELETE}: a failed create rolls back and
 * deletes itself, so the next deploy finds no stack and creates afresh. The watcher follows the
 * stack by id, sees DELETE_COMPLETE, and still reports the failed resource from the events.</li>
 * <li>A stack found in ROLLBACK_COMPLETE anyway (made by hand, by an older deployer, or kept by
 * termination protection) holds no resources, so deploy switches termination protection off,
 * starts DeleteStack and answers {@link StackAction#DELETING}; a stack found in
 * DELETE_IN_PROGRESS gets the same answer. Deletion is asynchronous in AWS, so deploy does not
 * wait: the caller waits and calls deploy again, which creates once the stack is gone.</li>
 * </ul>
 * ROLLBACK_FAILED, DELETE_FAILED and UPDATE_ROLLBACK_FAILED are not touched: resources may be
 * left that a person has to look at, so they come back as {@link StackAction#FAILED}.
 */
public final class StackDeployer {
    static final List<Capability> CAPABILITIES =
            List.of(Capability.CAPABILITY_IAM, Capability.CAPABILITY_NAMED_IAM, Capability.CAPABILITY_AUTO_EXPAND);
    private static final int MAX_CHANGE_SET_NAME = 128;
    private static final Duration CHANGE_SET_TIMEOUT = Duration.ofSeconds(60);

    /** Sleeps between looks at a change set being computed; tests may pass a faster one. */
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final CloudFormationClient cfn;
    private final Duration changeSetTimeout;
    private final Sleeper sleeper;

    public StackDeployer(CloudFormationClient cfn) {
        this(cfn, CHANGE_SET_TIMEOUT, d -> Thread.sleep(d.toMillis()));
    }

    StackDeployer(CloudFormationClient cfn, Duration changeSetTimeout, Sleeper sleeper) {
        this.cfn = cfn;
        this.changeSetTimeout = changeSetTimeout;
        this.sleeper = sleeper;
    }

    public StackLaunch deploy(StackSpec spec) {
        String changeSetName = changeSetName(spec.clientRequestToken());
        Optional<Stack> found = describe(spec.stackName());
        if (found.isEmpty() || found.get().stackStatus() == StackStatus.DELETE_COMPLETE) {
            return createAndExecute(spec, changeSetName, ChangeSetType.CREATE);
        }
        Stack stack = found.get();
        String status = stack.stackStatusAsString();

        // A retry of this very step (same token) carries on with the change set it made.
        Optional<DescribeChangeSetResponse> earlier = describeChangeSet(spec.stackName(), changeSetName);
        if (earlier.isPresent()) {
            ChangeSetType type = status.startsWith("CREATE")
                            || status.startsWith("ROLLBACK")
                            || stack.stackStatus() == StackStatus.REVIEW_IN_PROGRESS
                    ? ChangeSetType.CREATE
                    : ChangeSetType.UPDATE;
            return continueWith(spec, changeSetName, type, earlier.get());
        }

        switch (stack.stackStatus()) {
            case REVIEW_IN_PROGRESS:
                // a change set was made but never executed: the stack has no resources yet
                return createAndExecute(spec, changeSetName, ChangeSetType.CREATE);
            case ROLLBACK_COMPLETE:
                return deleteFailedCreate(spec, stack, changeSetName);
            case DELETE_IN_PROGRESS:
                return new StackLaunch(
                        spec.stackName(),
                        stack.stackId(),
                        StackAction.DELETING,
                        null,
                        "stack " + spec.stackName() + " is being deleted; deploy again once it is gone");
            case CREATE_FAILED:
            case ROLLBACK_FAILED:
            case DELETE_FAILED:
            case UPDATE_ROLLBACK_FAILED:
            case IMPORT_ROLLBACK_FAILED:
                return failed(
                        spec,
                        stack.stackId(),
                        changeSetName,
                        "stack " + spec.stackName() + " is " + status
                                + " and may still hold resources; fix or delete it by hand before deploying again"
                                + reasonSuffix(stack));
            default:
                if (status.endsWith("_IN_PROGRESS")) {
                    return failed(
                            spec,
                            stack.stackId(),
                            changeSetName,
                            "stack " + spec.stackName() + " is " + status + ": another operation is running");
                }
                return createAndExecute(spec, changeSetName, ChangeSetType.UPDATE);
        }
    }

    /**
     * The change set name for a client token: CloudFormation wants {@code [a-zA-Z][-a-zA-Z0-9]*},
     * at most 128 characters. The same token always gives the same name, which is what lets a
     * retried step find its change set.
     */
    static String changeSetName(String clientRequestToken) {
        String name = clientRequestToken.replaceAll("[^a-zA-Z0-9-]", "-");
        if (name.isEmpty() || !isAsciiLetter(name.charAt(0))) {
            name = "cs-" + name;
        }
        return name.length() > MAX_CHANGE_SET_NAME ? name.substring(0, MAX_CHANGE_SET_NAME) : name;
    }

    /** CloudFormation's reasons for a change set that would change nothing (AWS and emulators alike). */
    static boolean isNoChanges(String statusReason) {
        return statusReason != null
                && (statusReason.contains("didn't contain changes")
                        || statusReason.contains("No updates are to be performed"));
    }

    private StackLaunch createAndExecute(StackSpec spec, String changeSetName, ChangeSetType type) {
        CreateChangeSetRequest.Builder request = CreateChangeSetRequest.builder()
                .stackName(spec.stackName())
                .changeSetName(changeSetName)
                .changeSetType(type)
                .capabilities(CAPABILITIES)
                .clientToken(spec.clientRequestToken())
                .description("Kotta deployer, request " + spec.clientRequestToken())
                .parameters(spec.parameters().entrySet().stream()
                        .map(e -> Parameter.builder()
                                .parameterKey(e.getKey())
                                .parameterValue(e.getValue())
                                .build())
                        .toList())
                .tags(spec.tags().entrySet().stream()
                        .map(e -> Tag.builder()
                                .key(e.getKey())
                                .value(e.getValue())
                                .build())
                        .toList());
        if (spec.templateBody() != null) {
            request.templateBody(spec.templateBody());
        } else {
            request.templateURL(spec.templateUrl());
        }
        if (spec.serviceRoleArn() != null) {
            request.roleARN(spec.serviceRoleArn());
        }
        if (type == ChangeSetType.CREATE) {
            request.onStackFailure(OnStackFailure.DELETE);
        }
        try {
            cfn.createChangeSet(request.build());
        } catch (CloudFormationException e) {
            if (!StackErrors.isClientRefusal(e)) {
                throw e;
            }
            return failed(spec, null, changeSetName, "CreateChangeSet refused: " + StackErrors.message(e));
        }
        return continueWith(spec, changeSetName, type, awaitChangeSet(spec.stackName(), changeSetName));
    }

    private StackLaunch continueWith(
            StackSpec spec, String changeSetName, ChangeSetType type, DescribeChangeSetResponse changeSet) {
        String stackId = changeSet.stackId();
        if (isComputing(changeSet.status())) {
            changeSet = awaitChangeSet(spec.stackName(), changeSetName);
        }
        ChangeSetStatus status = changeSet.status();
        String execution = changeSet.executionStatusAsString();
        String reason = changeSet.statusReason();
        if (status == ChangeSetStatus.FAILED) {
            if (type == ChangeSetType.UPDATE && isNoChanges(reason)) {
                cfn.deleteChangeSet(r -> r.stackName(spec.stackName()).changeSetName(changeSetName));
                return new StackLaunch(spec.stackName(), stackId, StackAction.NONE, changeSetName, null);
            }
            return failed(spec, stackId, changeSetName, "change set " + changeSetName + " failed: " + reason);
        }
        if (status != ChangeSetStatus.CREATE_COMPLETE) {
            return failed(
                    spec,
                    stackId,
                    changeSetName,
                    "change set " + changeSetName + " is still " + changeSet.statusAsString() + " after "
                            + changeSetTimeout.toSeconds() + " s");
        }
        StackAction action = type == ChangeSetType.CREATE ? StackAction.CREATE : StackAction.UPDATE;
        if (execution != null && execution.startsWith("EXECUTE_")) {
            // executed by an earlier attempt with this token: that operation is the one to watch
            return new StackLaunch(spec.stackName(), stackId, action, changeSetName, null);
        }
        if (!"AVAILABLE".equals(execution)) {
            return failed(
                    spec,
                    stackId,
                    changeSetName,
                    "change set " + changeSetName + " cannot be executed (" + execution + ")"
                            + (reason == null || reason.isBlank() ? "" : ": " + reason));
        }
        cfn.executeChangeSet(r -> r.stackName(spec.stackName())
                .changeSetName(changeSetName)
                .clientRequestToken(spec.clientRequestToken()));
        String note = type == ChangeSetType.CREATE ? protectFromDeletion(stackId) : null;
        return new StackLaunch(spec.stackName(), stackId, action, changeSetName, note);
    }

    private static boolean isComputing(ChangeSetStatus status) {
        return status == ChangeSetStatus.CREATE_PENDING || status == ChangeSetStatus.CREATE_IN_PROGRESS;
    }

    private DescribeChangeSetResponse awaitChangeSet(String stackName, String changeSetName) {
        long deadline = System.nanoTime() + changeSetTimeout.toNanos();
        Duration pause = Duration.ofMillis(500);
        while (true) {
            DescribeChangeSetResponse changeSet =
                    cfn.describeChangeSet(r -> r.stackName(stackName).changeSetName(changeSetName));
            if (!isComputing(changeSet.status()) || System.nanoTime() >= deadline) {
                return changeSet;
            }
            try {
                sleeper.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return changeSet;
            }
            pause = pause.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0
                    ? Duration.ofSeconds(5)
                    : pause.multipliedBy(2);
        }
    }

    /**
     * Termination protection on a new stack. Change sets have no flag for it, so it is set right
     * after the execute. A create that failed and already deleted itself (OnStackFailure=DELETE)
     * makes CloudFormation refuse with "does not exist": that refusal is noted, not fatal; the
     * watcher reports the failure.
     */
    private String protectFromDeletion(String stackId) {
        try {
            cfn.updateTerminationProtection(r -> r.stackName(stackId).enableTerminationProtection(true));
            return null;
        } catch (CloudFormationException e) {
            if (!StackErrors.isValidationError(e)) {
                throw e;
            }
            return "termination protection not enabled: " + StackErrors.message(e);
        }
    }

    private StackLaunch deleteFailedCreate(StackSpec spec, Stack stack, String changeSetName) {
        String stackId = stack.stackId();
        if (Boolean.TRUE.equals(stack.enableTerminationProtection())) {
            cfn.updateTerminationProtection(r -> r.stackName(stackId).enableTerminationProtection(false));
        }
        cfn.deleteStack(r -> {
            r.stackName(stackId);
            if (spec.serviceRoleArn() != null) {
                r.roleARN(spec.serviceRoleArn());
            }
        });
        return new StackLaunch(
                spec.stackName(),
                stackId,
                StackAction.DELETING,
                null,
                "stack " + spec.stackName() + " was ROLLBACK_COMPLETE after a failed create" + reasonSuffix(stack)
                        + "; deleting it, deploy again once it is gone");
    }

    private Optional<Stack> describe(String stackName) {
        return StackErrors.describe(cfn, stackName);
    }

    private Optional<DescribeChangeSetResponse> describeChangeSet(String stackName, String changeSetName) {
        try {
            return Optional.of(cfn.describeChangeSet(r -> r.stackName(stackName).changeSetName(changeSetName)));
        } catch (ChangeSetNotFoundException e) {
            return Optional.empty();
        }
    }

    private static StackLaunch failed(StackSpec spec, String stackId, String changeSetName, String reason) {
        return new StackLaunch(spec.stackName(), stackId, StackAction.FAILED, changeSetName, reason);
    }

    private static String reasonSuffix(Stack stack) {
        String reason = stack.stackStatusReason();
        return reason == null || reason.isBlank() ? "" : " (" + reason + ")";
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
