package org.kotta.deployer.api;

import org.kotta.deployer.core.AwsClients;
import org.kotta.deployer.core.DeploymentRecords;
import org.kotta.deployer.core.Settings;
import org.kotta.deployer.start.DeploymentStarter;
import org.kotta.deployer.validate.RequestValidator;

/** Lambda entry point of {@code POST /deployments}. */
public final class StartDeploymentHandler extends ApiHandler {
    private final StartDeployment startDeployment;

    public StartDeploymentHandler() {
        this(Settings.fromEnvironment());
    }

    public StartDeploymentHandler(Settings settings) {
        AwsClients aws = new AwsClients(settings);
        String region = aws.region().id();
        DeploymentRecords records = new DeploymentRecords(aws.dynamoDb(), settings.required(Settings.DEPLOYMENTS_TABLE));
        this.startDeployment = new StartDeployment(new DeploymentStarter(new RequestValidator(region), records,
                aws.stepFunctions(), settings.required(Settings.STATE_MACHINE_ARN), region), records);
    }

    @Override
    protected boolean serves(String method, String resource) {
        return method.equals("POST") && resource.equals(Routes.DEPLOYMENTS);
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        return startDeployment.start(request);
    }
}
