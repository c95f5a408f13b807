package org.kotta.deployer.failure;

import org.kotta.deployer.core.AwsClients;
import org.kotta.deployer.core.DeploymentRecords;
import org.kotta.deployer.core.Metrics;
import org.kotta.deployer.core.Settings;
import org.kotta.deployer.core.StackLocks;
import org.kotta.deployer.core.StepHandler;
import org.kotta.deployer.core.StepInput;

/** Lambda entry point of "Record the failure". */
public final class RecordFailureHandler extends StepHandler {
    private final RecordFailure step;

    public RecordFailureHandler() {
        this(Settings.fromEnvironment());
    }

    public RecordFailureHandler(Settings settings) {
        AwsClients aws = new AwsClients(settings);
        String table = settings.required(Settings.DEPLOYMENTS_TABLE);
        this.step = new RecordFailure(
                new DeploymentRecords(aws.dynamoDb(), table),
                new StackLocks(aws.dynamoDb(), table),
                aws.stepFunctions(),
                new Metrics(),
                new BootLog(aws.logs()));
    }

    @Override
    protected Object handle(StepInput input) {
        return step.run(input);
    }
}
