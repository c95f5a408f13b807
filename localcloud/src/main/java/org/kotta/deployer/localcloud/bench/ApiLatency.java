package org.kotta.deployer.localcloud.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import org.kotta.deployer.core.AwsClients;
import org.kotta.deployer.core.DeploymentRecords;
import org.kotta.deployer.core.DeploymentRequest;
import org.kotta.deployer.core.Json;
import org.kotta.deployer.core.StackLocks;
import org.kotta.deployer.localcloud.LocalOrchestrator;
import org.kotta.deployer.localcloud.SignedApiClient;

/**
 * Latency of the admin API as an admin's client sees it (SigV4-signed, through the local
 * cloud's API Gateway and the function host): {@value Bench#API_REQUESTS} warm
 * {@code GET /deployments/{id}} on one id, and {@value Bench#API_REQUESTS} warm
 * {@code POST /deployments} for one stack whose lock a PENDING deployment holds, so every
 * POST runs the whole request path — body, validation, the conditional lock write, the
 * holder's record — and is refused with 409 instead of starting 200 real deployments.
 */
final class ApiLatency {
    private ApiLatency() {}

    static BenchResults.ApiResults measure(
            SignedApiClient api,
            AwsClients aws,
            LocalOrchestrator orchestrator,
            Function<String, ObjectNode> requests,
            String deploymentId)
            throws Exception {
        List<Double> gets = new ArrayList<>();
        Map<Integer, Integer> getStatuses = new TreeMap<>();
        for (int i = 0; i < Bench.API_WARMUP + Bench.API_REQUESTS; i++) {
            long t0 = System.nanoTime();
            SignedApiClient.Response response = api.get("/deployments/" + deploymentId);
            double ms = (System.nanoTime() - t0) / 1e6;
            if (i >= Bench.API_WARMUP) {
                gets.add(ms);
                getStatuses.merge(response.status(), 1, Integer::sum);
            }
        }
        BenchResults.Latency get = summary(gets, getStatuses, null);

        ObjectNode request = requests.apply("bench-api-" + Bench.shortId());
        String stackName = request.path("stackName").asText();
        DeploymentRecords records = new DeploymentRecords(aws.dynamoDb(), orchestrator.output("DeploymentsTableName"));
        StackLocks locks = new StackLocks(aws.dynamoDb(), orchestrator.output("DeploymentsTableName"));
        String holder = "dep-" + UUID.randomUUID();
        records.createPending(holder, Json.MAPPER.convertValue(request, DeploymentRequest.class), "bench");
        if (locks.acquire(stackName, holder).isPresent()) {
            throw new IllegalStateException("could not take the lock of " + stackName + " for the bench");
        }
        List<Double> posts = new ArrayList<>();
        Map<Integer, Integer> postStatuses = new TreeMap<>();
        try {
            String body = request.toString();
            for (int i = 0; i < Bench.API_WARMUP + Bench.API_REQUESTS; i++) {
                long t0 = System.nanoTime();
                SignedApiClient.Response response = api.postJson("/deployments", body, Map.of());
                double ms = (System.nanoTime() - t0) / 1e6;
                if (i >= Bench.API_WARMUP) {
                    posts.add(ms);
                    postStatuses.merge(response.status(), 1, Integer::sum);
                }
            }
        } finally {
            records.failed(holder, "start", "BenchLockHolder", "held the stack lock for ./kotta bench", null);
            locks.release(stackName, holder);
        }
        return new BenchResults.ApiResults(
                get,
                summary(
                        posts,
                        postStatuses,
                        "one stack whose lock a PENDING deployment holds: every POST answered 409, none started"));
    }

    private static BenchResults.Latency summary(List<Double> ms, Map<Integer, Integer> statuses, String how) {
        Map<String, Integer> byStatus = new LinkedHashMap<>();
        statuses.forEach((k, v) -> byStatus.put(k.toString(), v));
        return new BenchResults.Latency(
                ms.size(),
                Stats.round(Stats.percentile(ms, 50)),
                Stats.round(Stats.percentile(ms, 99)),
                Stats.round(Stats.of(ms).min()),
                Stats.round(Stats.of(ms).max()),
                byStatus,
                how);
    }
}
