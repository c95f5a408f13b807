package org.kotta.deployer.rollback;

import org.kotta.deployer.api.DeploymentStarter;
import org.kotta.deployer.core.AwsClients;
import org.kotta.deployer.core.DeploymentRecords;
import org.kotta.deployer.core.Log;
import org.kotta.deployer.core.Settings;
import org.kotta.deployer.core.StepHandler;
import org.kotta.deployer.core.StepInput;
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
        DeploymentRecords records = new DeploymentRecords(aws.dynamoDb(), settings.required(Settings.DEPLOYMENTS_TABLE));
        this.step = new RollBack(new DeploymentStarter(new RequestValidator(region), records, aws.stepFunctions(),
                settings.required(Settings.STATE_MACHINE_ARN), region), records);
    }

    @Override
    protected Object handle(StepInput input, Log log) {
        return step.run(input);
    }
}
