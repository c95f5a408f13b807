package org.kotta.deployer.stacks;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.kotta.deployer.core.StackErrors;
import org.kotta.deployer.core.StackPhase;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.cloudformation.model.OperationEvent;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.StackEvent;
import software.amazon.awssdk.services.cloudformation.model.StackStatus;

/**
 * One look at a stack, for the state machine's Wait → WaitForStack loop: one DescribeStacks per
 * call, and DescribeStackEvents only when the stack failed, to name the resource that broke it.
 */
public final class StackWatcher {
    static final String STACK_TYPE = "AWS::CloudFormation::Stack";

    /** Stack events that open an operation; a DELETE opens one only when it failed on its own. */
    private static final Set<String> OPERATION_STARTS = Set.of(
            "CREATE_IN_PROGRESS",
            "UPDATE_IN_PROGRESS",
            "IMPORT_IN_PROGRESS",
            "DELETE_IN_PROGRESS",
            "REVIEW_IN_PROGRESS");
    /** Enough for any operation of the stacks we deploy; bounds the walk through old history. */
    private static final int MAX_EVENTS = 1000;

    private final CloudFormationClient cfn;

    public StackWatcher(CloudFormationClient cfn) {
        this.cfn = cfn;
    }

    public StackReport check(String stackNameOrId) {
        Stack stack;
        try {
            stack = cfn.describeStacks(r -> r.stackName(stackNameOrId)).stacks().stream()
                    .findFirst()
                    .orElse(null);
        } catch (CloudFormationException e) {
            if (!StackErrors.isStackMissing(e)) {
                throw e;
            }
            stack = null;
        }
        if (stack == null) {
            return new StackReport(
                    stackNameOrId,
                    null,
                    StackPhase.FAILED,
                    null,
                    "stack " + stackNameOrId + " does not exist",
                    Map.of());
        }
        String status = stack.stackStatusAsString();
        StackPhase phase = phaseOf(status);
        String reason = phase == StackPhase.FAILED ? failureReason(stack) : null;
        return new StackReport(stack.stackName(), stack.stackId(), phase, status, reason, outputs(stack));
    }

    /** The phase of a CloudFormation StackStatus. Anything that is neither running nor done is a failure. */
    static StackPhase phaseOf(String stackStatus) {
        if (stackStatus == null) {
            return StackPhase.FAILED;
        }
        if (stackStatus.endsWith("_IN_PROGRESS")) {
            return StackPhase.IN_PROGRESS;
        }
        return switch (StackStatus.fromValue(stackStatus)) {
            case CREATE_COMPLETE, UPDATE_COMPLETE, IMPORT_COMPLETE -> StackPhase.SUCCEEDED;
            default -> StackPhase.FAILED;
        };
    }

    private String failureReason(Stack stack) {
        String first = firstFailedResource(stack);
        String own = stack.stackStatusReason();
        String reason = first != null
                ? first
                : own == null || own.isBlank()
                        ? "stack " + stack.stackName() + " is " + stack.stackStatusAsString()
                        : own;
        return reason.contains("DescribeEvents") ? withValidationReasons(stack, reason) : reason;
    }

    /**
     * A stack refused by CloudFormation's pre-deployment validation only says "Validation
     * failed … Call DescribeEvents": the reasons themselves (e.g. a bucket name already taken)
     * are in the operation's events, so they are read from there.
     */
    private String withValidationReasons(Stack stack, String reason) {
        String validation;
        try {
            validation = cfn
                    .describeEvents(r -> r.stackName(stack.stackId()).filters(f -> f.failedEvents(true)))
                    .operationEvents()
                    .stream()
                    .map(OperationEvent::validationStatusReason)
                    .filter(text -> text != null && !text.isBlank())
                    .distinct()
                    .collect(Collectors.joining("; "));
        } catch (CloudFormationException unavailable) {
            return reason;
        }
        return validation.isEmpty()
                ? reason
                : reason.replaceFirst("(?s)Call DescribeEvents.*", "").strip() + " " + validation;
    }

    /**
     * The earliest failed resource event of the latest operation (or, when no resource failed,
     * the stack's own failure). Events come newest first: walk
     * back to the stack's own event that opened the operation ("User Initiated" on AWS), keeping
     * the failed resource events met on the way; the last one kept is the first that failed. A
     * DELETE that found nothing failing is the clean-up of a failed create (OnStackFailure=DELETE):
     * walk on to the create.
     */
    private String firstFailedResource(Stack stack) {
        StackEvent earliest = null;
        String stackOwnFailure = null;
        int seen = 0;
        for (StackEvent event : cfn.describeStackEventsPaginator(r -> r.stackName(stack.stackId()))
                .stackEvents()) {
            if (++seen > MAX_EVENTS) {
                break;
            }
            String status = event.resourceStatusAsString();
            if (isStackItself(event, stack)) {
                if (OPERATION_STARTS.contains(status) && !("DELETE_IN_PROGRESS".equals(status) && earliest == null)) {
                    break;
                }
                // a stack refused before any resource ran (pre-deployment validation) fails on its own
                if (status != null && status.endsWith("_FAILED") && event.resourceStatusReason() != null) {
                    stackOwnFailure = event.resourceStatusReason();
                }
            } else if (status != null && status.endsWith("_FAILED")) {
                earliest = event;
            }
        }
        if (earliest == null) {
            return stackOwnFailure;
        }
        return earliest.logicalResourceId() + " (" + earliest.resourceType() + "): "
                + (earliest.resourceStatusReason() == null
                        ? earliest.resourceStatusAsString()
                        : earliest.resourceStatusReason());
    }

    private static boolean isStackItself(StackEvent event, Stack stack) {
        return STACK_TYPE.equals(event.resourceType())
                && (stack.stackId().equals(event.physicalResourceId())
                        || stack.stackName().equals(event.logicalResourceId()));
    }

    private static Map<String, String> outputs(Stack stack) {
        Map<String, String> outputs = new LinkedHashMap<>();
        for (Output output : stack.outputs()) {
            outputs.put(output.outputKey(), output.outputValue() == null ? "" : output.outputValue());
        }
        return outputs;
    }
}
