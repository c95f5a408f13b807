package org.kotta.deployer.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.kotta.deployer.core.DeploymentIds;
import org.kotta.deployer.core.DeploymentStatus;
import org.kotta.deployer.core.IdempotencyKeys;
import org.kotta.deployer.core.Json;
import org.kotta.deployer.core.Log;
import org.kotta.deployer.start.DeploymentStarter;
import org.kotta.deployer.start.StartDecision;

/**
 * {@code POST /deployments}: reads the body, honours an Idempotency-Key, and starts the
 * deployment through the shared {@link DeploymentStarter} (validation, stack lock, PENDING
 * record, execution).
 */
public final class StartDeployment {
    public static final String TRIGGER = "api";
    static final Duration KEY_LIFETIME = Duration.ofHours(24);
    /** How long a request waits for a first request with the same key to finish. */
    private static final Duration WAIT_FOR_FIRST = Duration.ofSeconds(5);

    private final DeploymentStarter starter;
    private final IdempotencyKeys keys;

    public StartDeployment(DeploymentStarter starter, IdempotencyKeys keys) {
        this.starter = starter;
        this.keys = keys;
    }

    public ApiResponse start(ApiRequest request) {
        JsonNode body = JsonBodies.read(request);
        Optional<String> key = IdempotencyKey.from(request);
        String deploymentId = DeploymentIds.newId();
        if (key.isEmpty()) {
            return answer(request, body, starter.start(deploymentId, body, TRIGGER));
        }
        String requestHash = JsonBodies.canonicalSha256(body);
        Instant deadline = Instant.now().plus(WAIT_FOR_FIRST);
        while (true) {
            Optional<IdempotencyKeys.Claim> claim = keys.claim(key.get(), requestHash, deploymentId, KEY_LIFETIME);
            if (claim.isEmpty()) {
                return startUnderKey(request, body, key.get(), deploymentId);
            }
            IdempotencyKeys.Claim first = claim.get();
            if (!requestHash.equals(first.requestHash())) {
                return Problem.of(
                        ProblemType.IDEMPOTENCY_KEY_REUSED,
                        "this Idempotency-Key was first used with"
                                + " another body; use a new key for a different request");
            }
            if (first.answered()) {
                return replay(first);
            }
            if (Instant.now().isAfter(deadline)) {
                return Problem.of(
                                ProblemType.IDEMPOTENCY_KEY_IN_USE,
                                "the first request with this key has not" + " finished yet; retry in a moment")
                        .withHeader("Retry-After", "1");
            }
            pause();
        }
    }

    private ApiResponse startUnderKey(ApiRequest request, JsonNode body, String key, String deploymentId) {
        StartDecision decision;
        try {
            decision = starter.start(deploymentId, body, TRIGGER);
        } catch (RuntimeException e) {
            keys.release(key, deploymentId);
            throw e;
        }
        ApiResponse response = answer(request, body, decision);
        if (response.status() == 202) {
            try {
                keys.complete(
                        key, deploymentId, response.status(), response.body().toString());
            } catch (RuntimeException e) {
                // the deployment runs; only a replay of this answer is lost, which is no reason to fail it
                Log.forDeployment(deploymentId, "api").error("could not store the idempotent answer: " + e);
            }
        } else {
            // nothing started: a retry with this key is judged afresh
            keys.release(key, deploymentId);
        }
        return response;
    }

    private static ApiResponse answer(ApiRequest request, JsonNode body, StartDecision decision) {
        return switch (decision.verdict()) {
            case STARTED, ALREADY_STARTED -> {
                String url = request.absoluteUrl(Routes.DEPLOYMENTS + "/" + decision.deploymentId());
                ObjectNode accepted = Json.MAPPER.createObjectNode();
                accepted.put("deploymentId", decision.deploymentId());
                accepted.put("executionArn", decision.executionArn());
                accepted.put("status", DeploymentStatus.PENDING.name());
                accepted.put("url", url);
                yield ApiResponse.json(202, accepted).withHeader("Location", url);
            }
            case INVALID ->
                Problem.of(
                        ProblemType.INVALID_REQUEST,
                        decision.errors().size() == 1
                                ? "1 field is invalid; nothing was started"
                                : decision.errors().size() + " fields are invalid; nothing was started",
                        decision.errors());
            case STACK_BUSY ->
                Problem.with(
                        Problem.of(
                                ProblemType.STACK_BUSY,
                                "stack "
                                        + body.path("stackName").asText() + " is being deployed by "
                                        + decision.runningDeployment()
                                        + "; retry when that deployment has finished"),
                        "runningDeployment",
                        decision.runningDeployment());
        };
    }

    private static ApiResponse replay(IdempotencyKeys.Claim first) {
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(first.responseBody() == null ? "" : first.responseBody());
        } catch (IOException e) {
            throw new IllegalStateException("a stored idempotent answer is unreadable", e);
        }
        ApiResponse response = ApiResponse.json(first.responseStatus(), body).withHeader("Idempotent-Replayed", "true");
        return body.hasNonNull("url")
                ? response.withHeader("Location", body.get("url").asText())
                : response;
    }

    private static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the first request", e);
        }
    }
}
