package org.kotta.deployer.stacks;

import java.util.function.Function;
import org.kotta.deployer.core.AwsClients;
import org.kotta.deployer.core.DeploymentRecords;
import org.kotta.deployer.core.Settings;
import org.kotta.deployer.core.Templates;
import org.kotta.deployer.core.WaitSchedule;

/** Wires the stack states' logic from settings, once per container. */
public final class StackStepsFactory {
    /** Optional: the CloudFormation service role the Kotta stacks are created with. */
    static final String CLOUDFORMATION_ROLE_ARN = "CLOUDFORMATION_ROLE_ARN";

    private StackStepsFactory() {}

    /** For the states that never choose an image (no SSM client in their class references). */
    static StackSteps create(Settings settings) {
        return create(settings, aws -> PublicParameters.NONE);
    }

    static StackSteps create(Settings settings, Function<AwsClients, PublicParameters> parameters) {
        return create(settings, new AwsClients(settings), parameters);
    }

    /** The stack steps on clients already built (the event-driven waits share them; see StackCompletion). */
    static StackSteps create(Settings settings, AwsClients aws, Function<AwsClients, PublicParameters> parameters) {
        var cfn = aws.cloudFormation();
        return new StackSteps(
                new StackDeployer(cfn),
                new StackWatcher(cfn),
                WaitSchedule.standard(),
                new DeploymentRecords(aws.dynamoDb(), settings.required(Settings.DEPLOYMENTS_TABLE)),
                new Templates(settings),
                settings.optional(CLOUDFORMATION_ROLE_ARN).orElse(null),
                new KottaImages(cfn, parameters.apply(aws)));
    }
}
