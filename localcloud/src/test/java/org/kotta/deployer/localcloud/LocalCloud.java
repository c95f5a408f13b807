package org.kotta.deployer.localcloud;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.kotta.deployer.core.DeploymentRecords;
import org.kotta.deployer.core.Json;

import com.fasterxml.jackson.databind.JsonNode;

import com.fasterxml.jackson.databind.node.ObjectNode;

import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * The orchestrator installed once per test JVM into the local cloud at
 * {@code -Dkotta.endpoint}, with its function host running in this JVM.
 */
final class LocalCloud {
    private static LocalOrchestrator orchestrator;

    private LocalCloud() {
    }

    static String endpoint() {
        return System.getProperty("kotta.endpoint", "http://127.0.0.1:4566");
    }

    static synchronized LocalOrchestrator orchestrator() {
        if (orchestrator == null) {
            try {
                orchestrator = new LocalOrchestrator(LocalOrchestrator.findRoot(), endpoint()).start();
            } catch (Exception e) {
                throw new IllegalStateException("could not install the orchestrator in the local cloud", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(orchestrator::close));
        }
        return orchestrator;
    }

    static String newDeploymentId() {
        return "dep-" + UUID.randomUUID();
    }

    /** Starts the state machine directly, named after the deployment id. */
    static String startExecution(String deploymentId, ObjectNode request) {
        ObjectNode input = Json.MAPPER.createObjectNode();
        input.put("deploymentId", deploymentId);
        input.put("trigger", "test");
        input.set("request", request);
        SfnClient sfn = orchestrator().aws().stepFunctions();
        return sfn.startExecution(b -> b.stateMachineArn(orchestrator().output("StateMachineArn"))
                .name(deploymentId).input(input.toString())).executionArn();
    }

    static DescribeExecutionResponse awaitEnd(String executionArn, Duration limit) throws InterruptedException {
        SfnClient sfn = orchestrator().aws().stepFunctions();
        Instant deadline = Instant.now().plus(limit);
        while (true) {
            DescribeExecutionResponse execution = sfn.describeExecution(b -> b.executionArn(executionArn));
            if (execution.status() != ExecutionStatus.RUNNING) {
                return execution;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("execution still RUNNING after " + limit + ": " + executionArn);
            }
            Thread.sleep(250);
        }
    }

    static List<HistoryEvent> history(String executionArn) {
        SfnClient sfn = orchestrator().aws().stepFunctions();
        List<HistoryEvent> events = new ArrayList<>();
        sfn.getExecutionHistoryPaginator(b -> b.executionArn(executionArn)).events().forEach(events::add);
        return events;
    }

    /** Names of the states entered, in order. */
    static List<String> statesEntered(String executionArn) {
        return history(executionArn).stream()
                .filter(e -> e.stateEnteredEventDetails() != null)
                .map(e -> e.stateEnteredEventDetails().name())
                .toList();
    }

    static String stackStatus(String stackName) {
        return orchestrator().aws().cloudFormation().describeStacks(b -> b.stackName(stackName)).stacks().get(0)
                .stackStatusAsString();
    }

    /** A deployment's record as stored in the DeploymentsTable. */
    static JsonNode record(String deploymentId) {
        return new DeploymentRecords(orchestrator().aws().dynamoDb(), orchestrator().output("DeploymentsTableName"))
                .get(deploymentId).orElseThrow(() -> new AssertionError("no record " + deploymentId));
    }
}
