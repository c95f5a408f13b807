package org.kotta.deployer.localcloud.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.kotta.deployer.core.Json;
import org.kotta.deployer.localcloud.ExecutionFollower;
import org.kotta.deployer.localcloud.LocalOrchestrator;
import org.kotta.deployer.localcloud.SignedApiClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * One deployment through the orchestrator, as an admin starts it: {@code POST /deployments}
 * (signed); then polls until the execution ends and splits its history into per-state times.
 */
final class EndToEnd {
    private static final Duration LIMIT = Duration.ofMinutes(10);
    private final LocalOrchestrator orchestrator;
    private final SignedApiClient api;
    private final SfnClient sfn;
    private final List<String> functionNames;

    EndToEnd(LocalOrchestrator orchestrator, SignedApiClient api, List<String> functionNames) {
        this.orchestrator = orchestrator;
        this.api = api;
        this.functionNames = List.copyOf(functionNames);
        this.sfn = orchestrator.aws().stepFunctions();
    }

    /** What one deployment took and did. */
    record Run(
            String deploymentId,
            String executionArn,
            String status,
            double wallSeconds,
            double executionSeconds,
            Map<String, Double> stateSeconds,
            Map<String, Integer> stateEntries,
            int transitions,
            int lambdaInvocations,
            Map<String, Long> awsCalls,
            double apiSeconds) {}

    Run deploy(ObjectNode request) throws Exception {
        Map<String, Integer> invocationsBefore = invocations();
        Map<String, Long> callsBefore = CallCounter.snapshot();
        Instant began = Instant.now();
        long t0 = System.nanoTime();
        SignedApiClient.Response posted = api.postJson(
                "/deployments", request.toString(), Map.of("Idempotency-Key", "bench-" + UUID.randomUUID()));
        double apiSeconds = (System.nanoTime() - t0) / 1e9;
        if (posted.status() != 202) {
            throw new IllegalStateException("POST /deployments answered " + posted.status() + ": " + posted.body());
        }
        JsonNode started = Json.MAPPER.readTree(posted.body());
        String deploymentId = started.path("deploymentId").asText();
        String executionArn = started.path("executionArn").asText();
        DescribeExecutionResponse end = ExecutionFollower.awaitEnd(sfn, executionArn, LIMIT);
        double wall = (System.nanoTime() - t0) / 1e9;
        // the function host answers before Step Functions records the state's exit: let it settle
        Thread.sleep(300);
        List<HistoryEvent> events = ExecutionFollower.history(sfn, executionArn);
        Map<String, Double> seconds = new LinkedHashMap<>();
        Map<String, Integer> entries = new LinkedHashMap<>();
        Map<String, Instant> entered = new HashMap<>();
        int transitions = 0;
        for (HistoryEvent event : events) {
            if (event.stateEnteredEventDetails() != null) {
                transitions++;
                String name = event.stateEnteredEventDetails().name();
                entered.put(name, event.timestamp());
                entries.merge(name, 1, Integer::sum);
                seconds.putIfAbsent(name, 0.0);
            }
            if (event.stateExitedEventDetails() != null) {
                String name = event.stateExitedEventDetails().name();
                Instant in = entered.remove(name);
                if (in != null) {
                    seconds.merge(name, Duration.between(in, event.timestamp()).toNanos() / 1e9, Double::sum);
                }
            }
        }
        Map<String, Integer> invocationsAfter = invocations();
        int invoked = 0;
        for (var e : invocationsAfter.entrySet()) {
            invoked += e.getValue() - invocationsBefore.getOrDefault(e.getKey(), 0);
        }
        double executionSeconds = end.stopDate() == null
                ? Double.NaN
                : Duration.between(end.startDate(), end.stopDate()).toNanos() / 1e9;
        if (began.isAfter(end.startDate().plusSeconds(5))) {
            throw new IllegalStateException("clock skew between the bench and the local cloud");
        }
        Map<String, Long> calls = CallCounter.since(callsBefore);
        return new Run(
                deploymentId,
                executionArn,
                end.statusAsString(),
                wall,
                executionSeconds,
                seconds,
                entries,
                transitions,
                invoked,
                calls,
                apiSeconds);
    }

    /** Invocations the function host has served, by function name. */
    Map<String, Integer> invocations() {
        Map<String, Integer> counts = new HashMap<>();
        for (String name : functionNames) {
            counts.put(name, orchestrator.host().invocationCount(name));
        }
        return counts;
    }
}
