package org.kotta.deployer.sweep;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import org.kotta.deployer.core.AwsClients;
import org.kotta.deployer.core.DeploymentRecords;
import org.kotta.deployer.core.Json;
import org.kotta.deployer.core.Settings;
import org.kotta.deployer.core.StackLocks;

/**
 * Lambda entry point of the sweep. Two EventBridge sources: the schedule (every record still
 * PENDING or RUNNING is checked) and Step Functions' "Execution Status Change" for a
 * deployment execution that FAILED, TIMED_OUT or was ABORTED (only that deployment).
 */
public final class SweepStaleDeploymentsHandler implements RequestStreamHandler {
    private final StaleDeploymentSweeper sweeper;

    public SweepStaleDeploymentsHandler() {
        this(Settings.fromEnvironment());
    }

    public SweepStaleDeploymentsHandler(Settings settings) {
        AwsClients aws = new AwsClients(settings);
        String table = settings.required(Settings.DEPLOYMENTS_TABLE);
        this.sweeper = new StaleDeploymentSweeper(
                new DeploymentRecords(aws.dynamoDb(), table),
                new StackLocks(aws.dynamoDb(), table),
                aws.stepFunctions(),
                aws.cloudFormation(),
                settings.required(Settings.STATE_MACHINE_ARN),
                Clock.systemUTC());
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode event = Json.MAPPER.readTree(input);
        String deploymentId = event == null ? null : executionName(event);
        Json.MAPPER.writeValue(output, deploymentId == null ? sweeper.sweepAll() : sweeper.sweepOne(deploymentId));
    }

    /** The execution's name (= the deployment id) of a status-change event; null for the schedule. */
    static String executionName(JsonNode event) {
        if (!"aws.states".equals(event.path("source").asText())) {
            return null;
        }
        JsonNode detail = event.path("detail");
        String name = detail.path("name").asText("");
        if (!name.isEmpty()) {
            return name;
        }
        String arn = detail.path("executionArn").asText("");
        return arn.isEmpty() ? null : arn.substring(arn.lastIndexOf(':') + 1);
    }
}
