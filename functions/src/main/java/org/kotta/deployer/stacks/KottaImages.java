package org.kotta.deployer.stacks;

import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.kotta.deployer.core.StackErrors;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.StackStatus;

/**
 * Chooses the image the Kotta stack's instances run, once per deployment. kotta.yaml takes it
 * as a plain {@code AWS::EC2::Image::Id}, so no change set ever looks an image up by itself:
 * a new Amazon Linux release reaches the fleet only when the stack is created or the request
 * says {@code refreshImage}. Otherwise the stack keeps the ImageId it runs, and the same
 * request twice leaves every launch template as it is.
 */
public final class KottaImages {
    /** AWS's public parameter naming the latest Amazon Linux 2023 image (x86_64, the instance types' default). */
    public static final String PUBLIC_PARAMETER =
            "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";
    /** kotta.yaml's parameter. */
    public static final String IMAGE_PARAMETER = "ImageId";

    private static final Pattern IMAGE_ID = Pattern.compile("ami-[0-9a-f]{8,17}");
    /** A stack in these states is created afresh by {@link StackDeployer}: no image to keep. */
    private static final Set<StackStatus> CREATED_AFRESH = Set.of(
            StackStatus.DELETE_COMPLETE,
            StackStatus.DELETE_IN_PROGRESS,
            StackStatus.ROLLBACK_COMPLETE,
            StackStatus.REVIEW_IN_PROGRESS);

    private final CloudFormationClient cfn;
    private final PublicParameters parameters;

    /** @param parameters read at the first look-up: the states that never create the Kotta stack need none */
    public KottaImages(CloudFormationClient cfn, PublicParameters parameters) {
        this.cfn = cfn;
        this.parameters = parameters;
    }

    public ImageChoice choose(String stackName, boolean refresh) {
        if (refresh) {
            return resolve("the request asked for the latest image (refreshImage)");
        }
        Optional<Stack> stack = describe(stackName);
        if (stack.isEmpty() || CREATED_AFRESH.contains(stack.get().stackStatus())) {
            return resolve("the stack is being created");
        }
        return imageOf(stack.get())
                .map(id -> new ImageChoice(id, ImageChoice.Source.KEPT, null, "the image the stack runs"))
                .orElseGet(() -> resolve("the stack names no image to keep"));
    }

    /**
     * The image a stack runs: its ImageId parameter, or for a stack made while the parameter
     * was SSM-typed (its value a parameter name), the id CloudFormation resolved it to.
     */
    static Optional<String> imageOf(Stack stack) {
        for (Parameter parameter : stack.parameters()) {
            if (!IMAGE_PARAMETER.equals(parameter.parameterKey())) {
                continue;
            }
            for (String value : new String[] {parameter.parameterValue(), parameter.resolvedValue()}) {
                if (value != null && IMAGE_ID.matcher(value).matches()) {
                    return Optional.of(value);
                }
            }
        }
        return Optional.empty();
    }

    private ImageChoice resolve(String reason) {
        String value = parameters.value(PUBLIC_PARAMETER);
        if (value == null || !IMAGE_ID.matcher(value).matches()) {
            throw new IllegalStateException(
                    "the public parameter " + PUBLIC_PARAMETER + " does not name an image id: " + value);
        }
        return new ImageChoice(value, ImageChoice.Source.RESOLVED, PUBLIC_PARAMETER, reason);
    }

    private Optional<Stack> describe(String stackName) {
        return StackErrors.describe(cfn, stackName);
    }
}
