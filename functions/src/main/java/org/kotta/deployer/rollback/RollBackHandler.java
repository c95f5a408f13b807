package org.kotta.deployer.rollback;

import org.kotta.deployer.core.AwsClients;
import org.kotta.deployer.core.DeploymentRecords;
import org.kotta.deployer.core.Settings;
import org.kotta.deployer.core.StackLocks;
import org.kotta.deployer.core.StepHandler;
import org.kotta.deployer.core.StepInput;
import org.kotta.deployer.start.DeploymentStarter;
import org.kotta.deployer.validate.RequestValidator;

/** Lambda entry point of "Roll back to the last good release". */
public final class RollBackHandler extends StepHandler {
    private final RollBack step;

    public RollBackHandler() {
        this(Settings.fromEnvironment());
    }

    public RollBackHandler(Settings settings) {
        AwsClients aws = new AwsClients(settings);
        String region = aws.region().id();
        String table = settings.required(Settings.DEPLOYMENTS_TABLE);
        DeploymentRecords records = new DeploymentRecords(aws.dynamoDb(), table);
        this.step = new RollBack(
                new DeploymentStarter(
                        new RequestValidator(region),
                        records,
                        new StackLocks(aws.dynamoDb(), table),
                        aws.stepFunctions(),
                        settings.required(Settings.STATE_MACHINE_ARN),
                        region),
                records);
    }

    @Override
    protected Object handle(StepInput input) {
        return step.run(input);
    }
}
