package org.kotta.deployer.validate;

import org.kotta.deployer.core.AwsClients;
import org.kotta.deployer.core.DeploymentRecords;
import org.kotta.deployer.core.Metrics;
import org.kotta.deployer.core.Settings;
import org.kotta.deployer.core.StackLocks;
import org.kotta.deployer.core.StepHandler;
import org.kotta.deployer.core.StepInput;

/** Lambda entry point of "Validate the request". */
public final class ValidateInputsHandler extends StepHandler {
    private final ValidateInputs step;

    public ValidateInputsHandler() {
        this(Settings.fromEnvironment());
    }

    public ValidateInputsHandler(Settings settings) {
        AwsClients aws = new AwsClients(settings);
        this.step = new ValidateInputs(
                new RequestValidator(aws.region().id()),
                AccountChecker.from(aws),
                new DeploymentRecords(aws.dynamoDb(), settings.required(Settings.DEPLOYMENTS_TABLE)),
                new StackLocks(aws.dynamoDb(), settings.required(Settings.DEPLOYMENTS_TABLE)),
                aws.region().id(),
                new Metrics());
    }

    @Override
    protected Object handle(StepInput input) {
        return step.run(input);
    }
}
