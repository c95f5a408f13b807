package org.kotta.deployer.stacks;

import java.time.Clock;
import org.kotta.deployer.core.AwsClients;
import org.kotta.deployer.core.DeploymentRecords;
import org.kotta.deployer.core.Settings;
import org.kotta.deployer.core.Templates;

/** Wires the stack states' logic from settings, once per container. */
public final class StackStepsFactory {
    /** Optional: the CloudFormation service role the Kotta stacks are created with. */
    static final String CLOUDFORMATION_ROLE_ARN = "CLOUDFORMATION_ROLE_ARN";

    private StackStepsFactory() {}

    static StackSteps create(Settings settings) {
        AwsClients aws = new AwsClients(settings);
        return create(settings, aws);
    }

    private static StackSteps create(Settings settings, AwsClients aws) {
        var cfn = aws.cloudFormation();
        return new StackSteps(
                new StackDeployer(cfn),
                new StackWatcher(cfn),
                WaitSchedule.standard(),
                new DeploymentRecords(aws.dynamoDb(), settings.required(Settings.DEPLOYMENTS_TABLE)),
                new Templates(settings),
                settings.optional(CLOUDFORMATION_ROLE_ARN).orElse(null),
                new KottaImages(cfn, aws::ssm));
    }

    /** The event-driven waits: the stack steps, the token items and Step Functions' callbacks. */
    public static StackCompletion completion(Settings settings) {
        AwsClients aws = new AwsClients(settings);
        return new StackCompletion(
                create(settings, aws),
                new StackWaits(aws.dynamoDb(), settings.required(Settings.DEPLOYMENTS_TABLE), Clock.systemUTC()),
                aws.stepFunctions());
    }
}
