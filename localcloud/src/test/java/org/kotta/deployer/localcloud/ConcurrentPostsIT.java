package org.kotta.deployer.localcloud;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.kotta.deployer.core.AwsClients;
import org.kotta.deployer.core.DeploymentRecords;
import org.kotta.deployer.core.StackLocks;
import org.kotta.deployer.localcloud.SignedApiClient.Response;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * Concurrent starts: 26 signed POSTs released at once by a barrier, for 5 stacks, some sharing
 * an Idempotency-Key. Per stack: four requests under one key; four under another key; two
 * under a key and two without; ten without (the plain contention for one stack); two under
 * each of two keys. Exactly one deployment per stack may start; every other answer is a 409 or
 * an idempotent replay of the first answer under its key.
 */
class ConcurrentPostsIT {
    private static final int STACKS = 5;
    /** The stack whose requests all come without a key. */
    private static final int UNKEYED = 3;

    private static final int UNKEYED_POSTS = 10;
    private static final String PROBLEM = "urn:kotta-deployer:problem:";

    /** One of the 20 requests: which stack, and its Idempotency-Key (null: none). */
    private record Post(int stack, String key) {}

    @Test
    void concurrentPostsForFiveStacks_startExactlyFive_andEveryOtherAnswerIsA409OrAReplay() throws Exception {
        LocalOrchestrator orchestrator = LocalCloud.orchestrator();
        AwsClients aws = orchestrator.aws();
        SignedApi api = SignedApi.forLocalCloud(orchestrator);
        DeploymentRecords records = FaultChecks.records();
        StackLocks locks = FaultChecks.locks();
        String run = Fixtures.shortId();
        List<ObjectNode> bodies = new ArrayList<>();
        for (int i = 0; i < STACKS; i++) {
            bodies.add(Fixtures.validRequest(aws, "burst" + i + "-" + run));
        }
        String[] keys = new String[6];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = "burst-" + run + "-" + i + "-" + UUID.randomUUID();
        }
        List<Post> posts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            posts.add(new Post(0, keys[0]));
            posts.add(new Post(1, keys[1]));
            posts.add(new Post(2, i < 2 ? keys[2] : null));
            posts.add(new Post(4, i < 2 ? keys[3] : keys[4]));
        }
        for (int i = 0; i < UNKEYED_POSTS; i++) {
            posts.add(new Post(UNKEYED, null));
        }
        Set<String> executionsBefore = FaultChecks.executionNames();

        long began = System.nanoTime();
        List<Response> answers = fireAtOnce(api, bodies, posts);
        long burstMillis = (System.nanoTime() - began) / 1_000_000;

        // the winners: one non-replayed 202 per stack
        Map<Integer, List<String>> startedPerStack = new HashMap<>();
        Map<String, String> firstAnswerOfKey = new HashMap<>();
        Map<String, String> executionArnOf = new HashMap<>();
        int accepted = 0;
        int replays = 0;
        int busy = 0;
        int keyInUse = 0;
        List<String> unexpected = new ArrayList<>();
        for (int i = 0; i < posts.size(); i++) {
            Response answer = answers.get(i);
            Post post = posts.get(i);
            if (answer.status() == 202 && !"true".equals(answer.header("Idempotent-Replayed"))) {
                accepted++;
                String id = answer.json().path("deploymentId").asText();
                startedPerStack
                        .computeIfAbsent(post.stack(), s -> new ArrayList<>())
                        .add(id);
                executionArnOf.put(id, answer.json().path("executionArn").asText());
                if (post.key() != null && firstAnswerOfKey.putIfAbsent(post.key(), id) != null) {
                    unexpected.add("two first answers under key " + post.key());
                }
            }
        }
        for (int i = 0; i < posts.size(); i++) {
            Response answer = answers.get(i);
            Post post = posts.get(i);
            String winner = startedPerStack.getOrDefault(post.stack(), List.of()).stream()
                    .findFirst()
                    .orElse(null);
            if (answer.status() == 202 && "true".equals(answer.header("Idempotent-Replayed"))) {
                replays++;
                String id = answer.json().path("deploymentId").asText();
                if (post.key() == null || !id.equals(firstAnswerOfKey.get(post.key()))) {
                    unexpected.add("replay of " + id + " does not match the first answer under its key: " + post);
                }
            } else if (answer.status() == 409) {
                String type = answer.json().path("type").asText();
                if ((PROBLEM + "stack-busy").equals(type)) {
                    busy++;
                    if (!answer.json().path("runningDeployment").asText().equals(winner)) {
                        unexpected.add("409 names "
                                + answer.json().path("runningDeployment").asText() + ", not the stack's deployment "
                                + winner);
                    }
                } else if ((PROBLEM + "idempotency-key-in-use").equals(type) && post.key() != null) {
                    keyInUse++;
                } else {
                    unexpected.add("409 of type " + type + " for " + post);
                }
            } else if (answer.status() != 202) {
                unexpected.add(post + " answered " + answer);
            }
        }

        // every execution ends; then each stack has one record, final, and no lock
        List<String> winners =
                startedPerStack.values().stream().flatMap(List::stream).toList();
        List<DescribeExecutionResponse> ends = new ArrayList<>();
        for (String id : winners) {
            ends.add(LocalCloud.awaitEnd(executionArnOf.get(id), FaultChecks.DEPLOYMENT_LIMIT));
        }
        Set<String> newExecutions = new HashSet<>(FaultChecks.executionNames());
        newExecutions.removeAll(executionsBefore);
        int executionsStarted = newExecutions.size();
        int lost = 0;
        int stuck = 0;
        int locksLeft = 0;
        int stacksWithOneRecord = 0;
        for (int i = 0; i < STACKS; i++) {
            String stackName = bodies.get(i).path("stackName").asText();
            List<String> ids = records.deploymentsOfStack(stackName, 10, null, null).stream()
                    .map(r -> r.path("deploymentId").asText())
                    .toList();
            if (ids.equals(startedPerStack.getOrDefault(i, List.of()))) {
                stacksWithOneRecord += ids.size() == 1 ? 1 : 0;
            } else {
                unexpected.add("stack " + stackName + " has records " + ids + " for answers " + startedPerStack.get(i));
            }
            locksLeft += locks.holder(stackName).isPresent() ? 1 : 0;
        }
        for (String id : winners) {
            JsonNode record = records.get(id).orElse(null);
            if (record == null) {
                lost++;
                continue;
            }
            if (!FaultChecks.isFinal(record)) {
                stuck++;
            }
            if (!executionArnOf.get(id).equals(record.path("executionArn").asText())
                    || !"api".equals(record.path("trigger").asText())) {
                unexpected.add("record " + id + " names execution "
                        + record.path("executionArn").asText() + " and trigger "
                        + record.path("trigger").asText());
            }
        }
        // a later retry under a key that won is still a replay of the first answer
        int laterReplaysMatching = 0;
        Set<String> retried = new HashSet<>();
        for (Post post : posts) {
            String first = post.key() == null ? null : firstAnswerOfKey.get(post.key());
            if (first != null && retried.add(post.key())) {
                Response again = api.postJson(
                        "/deployments", bodies.get(post.stack()).toString(), Map.of("Idempotency-Key", post.key()));
                answers.add(again);
                if (again.status() == 202
                        && "true".equals(again.header("Idempotent-Replayed"))
                        && first.equals(again.json().path("deploymentId").asText())) {
                    laterReplaysMatching++;
                } else {
                    unexpected.add("a later retry under " + post.key() + " answered " + again);
                }
            }
        }
        long succeeded = ends.stream()
                .filter(e -> e.status() == ExecutionStatus.SUCCEEDED)
                .count();

        // the unkeyed stack: ten plain POSTs, one 202, nine 409s naming it, one execution
        List<Response> unkeyedAnswers = new ArrayList<>();
        for (int i = 0; i < posts.size(); i++) {
            if (posts.get(i).stack() == UNKEYED) {
                unkeyedAnswers.add(answers.get(i));
            }
        }
        List<String> unkeyedStarted = startedPerStack.getOrDefault(UNKEYED, List.of());
        List<String> unkeyedRecords =
                records.deploymentsOfStack(bodies.get(UNKEYED).path("stackName").asText(), 100, null, null).stream()
                        .map(r -> r.path("deploymentId").asText())
                        .toList();
        long unkeyedExecutions =
                newExecutions.stream().filter(unkeyedRecords::contains).count();

        ReliabilityReport.record(
                "5-concurrent-posts",
                posts.size() + " concurrent POSTs for 5 stacks (" + UNKEYED_POSTS + " without a key for one),"
                        + " some sharing an Idempotency-Key",
                "exactly one deployment per stack starts; every other answer is a 409 or a replay of the first"
                        + " answer under its key; every record final, no lock left",
                FaultChecks.counts(
                        "requests", posts.size(),
                        "started", accepted,
                        "executionsStarted", executionsStarted,
                        "unkeyedStackPosts", unkeyedAnswers.size(),
                        "unkeyedStackExecutions", unkeyedExecutions,
                        "replays", replays,
                        "busy409", busy,
                        "keyInUse409", keyInUse,
                        "laterReplaysMatching", laterReplaysMatching,
                        "stacksWithOneRecord", stacksWithOneRecord,
                        "succeeded", succeeded,
                        "inconsistencies", unexpected.size(),
                        "locksLeftHeld", locksLeft,
                        "lostRecords", lost,
                        "stuckDeployments", stuck,
                        "serverErrors", FaultChecks.serverErrors(answers),
                        "burstMillis", burstMillis));

        assertThat(unexpected).isEmpty();
        assertThat(accepted).isEqualTo(STACKS);
        assertThat(startedPerStack)
                .hasSize(STACKS)
                .allSatisfy((stack, ids) -> assertThat(ids).hasSize(1));
        assertThat(new HashSet<>(winners)).hasSize(STACKS);
        assertThat(accepted + replays + busy + keyInUse).isEqualTo(posts.size());
        assertThat(executionsStarted).isEqualTo(STACKS);
        assertThat(newExecutions).as("the new executions are the winners'").isEqualTo(new HashSet<>(winners));
        assertThat(unkeyedAnswers).hasSize(UNKEYED_POSTS);
        assertThat(unkeyedAnswers)
                .filteredOn(r -> r.status() == 202)
                .as(unkeyedAnswers.toString())
                .hasSize(1);
        assertThat(unkeyedStarted).hasSize(1);
        assertThat(unkeyedAnswers)
                .filteredOn(r -> r.status() == 409)
                .as(unkeyedAnswers.toString())
                .hasSize(UNKEYED_POSTS - 1)
                .allSatisfy(r -> {
                    assertThat(r.json().path("type").asText()).isEqualTo(PROBLEM + "stack-busy");
                    assertThat(r.json().path("runningDeployment").asText()).isEqualTo(unkeyedStarted.get(0));
                });
        assertThat(unkeyedRecords).containsExactlyElementsOf(unkeyedStarted);
        assertThat(unkeyedExecutions).isEqualTo(1);
        assertThat(stacksWithOneRecord).isEqualTo(STACKS);
        assertThat(succeeded).isEqualTo(STACKS);
        assertThat(locksLeft).isZero();
        assertThat(lost).isZero();
        assertThat(stuck).isZero();
        assertThat(FaultChecks.serverErrors(answers)).isZero();
    }

    /** Sends every post from its own thread, all released together by a barrier; answers in order. */
    private static List<Response> fireAtOnce(SignedApi api, List<ObjectNode> bodies, List<Post> posts)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(posts.size());
        CyclicBarrier start = new CyclicBarrier(posts.size());
        try {
            List<Future<Response>> futures = new ArrayList<>();
            for (Post post : posts) {
                String body = bodies.get(post.stack()).toString();
                Map<String, String> headers = post.key() == null ? Map.of() : Map.of("Idempotency-Key", post.key());
                futures.add(pool.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    return api.postJson("/deployments", body, headers);
                }));
            }
            List<Response> answers = new ArrayList<>();
            for (Future<Response> future : futures) {
                answers.add(future.get(2, TimeUnit.MINUTES));
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }
}
