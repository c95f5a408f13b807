package org.kotta.deployer.api;

import org.kotta.deployer.core.AwsClients;
import org.kotta.deployer.core.DeploymentRecords;
import org.kotta.deployer.core.Settings;

/**
 * Lambda entry point of {@code GET /deployments/{id}}; the API's catch-all route comes here
 * too and is answered 404/405 by {@link ApiHandler}.
 */
public final class GetDeploymentHandler extends ApiHandler {
    private final GetDeployment getDeployment;

    public GetDeploymentHandler() {
        this(Settings.fromEnvironment());
    }

    public GetDeploymentHandler(Settings settings) {
        AwsClients aws = new AwsClients(settings);
        this.getDeployment = new GetDeployment(
                new DeploymentRecords(aws.dynamoDb(), settings.required(Settings.DEPLOYMENTS_TABLE)),
                aws.stepFunctions());
    }

    @Override
    protected boolean serves(String method, String resource) {
        return method.equals("GET") && resource.equals(Routes.DEPLOYMENT);
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        return getDeployment.get(request.pathParameters().get("id"));
    }
}
