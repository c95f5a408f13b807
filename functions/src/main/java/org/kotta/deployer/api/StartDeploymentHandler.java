package org.kotta.deployer.api;

import org.kotta.deployer.core.AwsClients;
import org.kotta.deployer.core.DeploymentRecords;
import org.kotta.deployer.core.IdempotencyKeys;
import org.kotta.deployer.core.Settings;
import org.kotta.deployer.start.DeploymentStarter;

/** Lambda entry point of {@code POST /deployments}. */
public final class StartDeploymentHandler extends ApiHandler {
    private final StartDeployment startDeployment;

    public StartDeploymentHandler() {
        this(Settings.fromEnvironment());
    }

    public StartDeploymentHandler(Settings settings) {
        AwsClients aws = new AwsClients(settings);
        String table = settings.required(Settings.DEPLOYMENTS_TABLE);
        this.startDeployment = new StartDeployment(
                DeploymentStarter.of(aws, settings, new DeploymentRecords(aws.dynamoDb(), table)),
                new IdempotencyKeys(aws.dynamoDb(), table));
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
