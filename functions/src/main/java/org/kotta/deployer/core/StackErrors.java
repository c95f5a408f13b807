package org.kotta.deployer.core;

import java.util.Optional;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.cloudformation.model.Stack;

/** How CloudFormation says the expected things, told apart from real errors. */
public final class StackErrors {
    private StackErrors() {}

    /** DescribeStacks and friends answer a missing stack with a ValidationError "... does not exist". */
    public static boolean isStackMissing(CloudFormationException e) {
        return isValidationError(e) && message(e).contains("does not exist");
    }

    /** The stack as DescribeStacks reports it; empty when there is no such stack. */
    public static Optional<Stack> describe(CloudFormationClient cfn, String stackName) {
        try {
            return cfn.describeStacks(r -> r.stackName(stackName)).stacks().stream()
                    .findFirst();
        } catch (CloudFormationException e) {
            if (isStackMissing(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** A refusal of the request itself (4xx), as opposed to throttling or a service fault. */
    public static boolean isClientRefusal(CloudFormationException e) {
        return e.statusCode() >= 400 && e.statusCode() < 500 && !e.isThrottlingException();
    }

    /** CloudFormation's answer to a request about something that is not there (or not allowed). */
    public static boolean isValidationError(CloudFormationException e) {
        return e.awsErrorDetails() != null
                && "ValidationError".equals(e.awsErrorDetails().errorCode());
    }

    public static String message(CloudFormationException e) {
        if (e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null) {
            return e.awsErrorDetails().errorMessage();
        }
        return String.valueOf(e.getMessage());
    }
}
