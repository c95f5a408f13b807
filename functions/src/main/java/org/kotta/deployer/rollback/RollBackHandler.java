package org.kotta.deployer.rollback;

import org.kotta.deployer.core.AwsClients;
import org.kotta.deployer.core.DeploymentRecords;
import org.kotta.deployer.core.Settings;
import org.kotta.deployer.core.StepHandler;
import org.kotta.deployer.core.StepInput;
import org.kotta.deployer.start.DeploymentStarter;

/** Lambda entry point of "Roll back to the last good release". */
public final class RollBackHandler extends StepHandler {
    private final RollBack step;

    public RollBackHandler() {
        this(Settings.fromEnvironment());
    }

    public RollBackHandler(Settings settings) {
        AwsClients aws = new AwsClients(settings);
        String table = settings.required(Settings.DEPLOYMENTS_TABLE);
        DeploymentRecords records = new DeploymentRecords(aws.dynamoDb(), table);
        this.step = new RollBack(DeploymentStarter.of(aws, settings, records), records);
    }

    @Override
    protected Object handle(StepInput input) {
        return step.run(input);
    }
}
