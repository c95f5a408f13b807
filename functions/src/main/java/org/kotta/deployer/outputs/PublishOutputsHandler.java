package org.kotta.deployer.outputs;

import org.kotta.deployer.core.AwsClients;
import org.kotta.deployer.core.DeploymentRecords;
import org.kotta.deployer.core.Metrics;
import org.kotta.deployer.core.Settings;
import org.kotta.deployer.core.StackLocks;
import org.kotta.deployer.core.StepHandler;
import org.kotta.deployer.core.StepInput;

/** Lambda entry point of "Publish the outputs". */
public final class PublishOutputsHandler extends StepHandler {
    private final PublishOutputs step;

    public PublishOutputsHandler() {
        this(Settings.fromEnvironment());
    }

    public PublishOutputsHandler(Settings settings) {
        AwsClients aws = new AwsClients(settings);
        var dynamo = aws.dynamoDb();
        String table = settings.required(Settings.DEPLOYMENTS_TABLE);
        this.step = new PublishOutputs(
                dynamo, new DeploymentRecords(dynamo, table), new StackLocks(dynamo, table), new Metrics());
    }

    @Override
    protected Object handle(StepInput input) {
        return step.run(input);
    }
}
