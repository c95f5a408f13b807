package org.kotta.deployer.api;

import org.kotta.deployer.core.AwsClients;
import org.kotta.deployer.core.DeploymentRecords;
import org.kotta.deployer.core.Settings;

/** Lambda entry point of {@code GET /deployments}. */
public final class ListDeploymentsHandler extends ApiHandler {
    private final ListDeployments listDeployments;

    public ListDeploymentsHandler() {
        this(Settings.fromEnvironment());
    }

    public ListDeploymentsHandler(Settings settings) {
        AwsClients aws = new AwsClients(settings);
        this.listDeployments = new ListDeployments(
                new DeploymentRecords(aws.dynamoDb(), settings.required(Settings.DEPLOYMENTS_TABLE)));
    }

    @Override
    protected boolean serves(String method, String resource) {
        return method.equals("GET") && resource.equals(Routes.DEPLOYMENTS);
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        return listDeployments.list(PageRequest.from(request));
    }
}
