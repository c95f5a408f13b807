package org.kotta.deployer.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import org.kotta.deployer.core.DeploymentIds;
import org.kotta.deployer.core.DeploymentRecords;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/** {@code GET /deployments/{id}}: the record, and the execution's live status and state. */
public final class GetDeployment {
    private final DeploymentRecords records;
    private final SfnClient sfn;

    public GetDeployment(DeploymentRecords records, SfnClient sfn) {
        this.records = records;
        this.sfn = sfn;
    }

    public ApiResponse get(String deploymentId) {
        Optional<ObjectNode> record = DeploymentIds.isPlausible(deploymentId)
                ? records.get(deploymentId).filter(item -> item.hasNonNull("status"))
                : Optional.empty();
        if (record.isEmpty()) {
            return Problem.of(ProblemType.NOT_FOUND, "no deployment " + shortened(deploymentId));
        }
        ObjectNode view = DeploymentView.of(record.get());
        String executionArn = view.path("executionArn").asText(null);
        if (executionArn != null) {
            execution(executionArn).ifPresent(execution -> view.set("execution", execution));
        }
        return ApiResponse.json(200, view);
    }

    private Optional<ObjectNode> execution(String executionArn) {
        try {
            var described = sfn.describeExecution(b -> b.executionArn(executionArn));
            ObjectNode execution = org.kotta.deployer.core.Json.MAPPER.createObjectNode();
            execution.put("status", described.statusAsString());
            // the newest StateEntered event names where the execution is (or ended)
            sfn
                    .getExecutionHistory(
                            b -> b.executionArn(executionArn).reverseOrder(true).maxResults(50))
                    .events()
                    .stream()
                    .map(HistoryEvent::stateEnteredEventDetails)
                    .filter(java.util.Objects::nonNull)
                    .findFirst()
                    .ifPresent(entered -> execution.put("currentState", entered.name()));
            return Optional.of(execution);
        } catch (ExecutionDoesNotExistException gone) {
            return Optional.empty();
        }
    }

    private static String shortened(String id) {
        String safe = id == null ? "" : id.replaceAll("[^\\x20-\\x7E]", "?");
        return safe.length() > DeploymentIds.MAX_LENGTH ? safe.substring(0, DeploymentIds.MAX_LENGTH) + "…" : safe;
    }
}
