package org.kotta.deployer.localcloud;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.kotta.deployer.core.DeploymentRecords;
import org.kotta.deployer.core.DeploymentStatus;
import org.kotta.deployer.core.DynamoJson;
import org.kotta.deployer.core.Json;
import org.kotta.deployer.core.StackLocks;
import org.kotta.deployer.localcloud.SignedApiClient.Response;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Select;

/**
 * What the fault cases measure in the local cloud: executions of the state machine, items of
 * the DeploymentsTable, the objects under {@code releases/}, a stack's state, and the records
 * of one JobsBucket. Read straight from the services, never from the deployer's own answers.
 */
final class FaultChecks {
    static final Duration DEPLOYMENT_LIMIT = Duration.ofMinutes(4);
    /** How often a fault case looks again at what it waits for. */
    static final Duration POLL = Duration.ofMillis(200);

    private FaultChecks() {}

    static LocalOrchestrator orchestrator() {
        return LocalCloud.orchestrator();
    }

    static StackLocks locks() {
        return new StackLocks(orchestrator().aws().dynamoDb(), orchestrator().output("DeploymentsTableName"));
    }

    static DeploymentRecords records() {
        return new DeploymentRecords(
                orchestrator().aws().dynamoDb(), orchestrator().output("DeploymentsTableName"));
    }

    static Set<String> executionNames() {
        Set<String> names = new HashSet<>();
        orchestrator()
                .aws()
                .stepFunctions()
                .listExecutionsPaginator(b -> b.stateMachineArn(orchestrator().output("StateMachineArn")))
                .executions()
                .forEach(e -> names.add(e.name()));
        return names;
    }

    static int executionCount() {
        return executionNames().size();
    }

    /** Every item of the DeploymentsTable: records, stack locks and idempotency keys alike. */
    static int deploymentTableItemCount() {
        int[] count = {0};
        orchestrator()
                .aws()
                .dynamoDb()
                .scanPaginator(b -> b.tableName(orchestrator().output("DeploymentsTableName"))
                        .select(Select.COUNT))
                .forEach(page -> count[0] += page.count());
        return count[0];
    }

    static long serverErrors(Collection<Response> responses) {
        return responses.stream().filter(r -> r.status() >= 500).count();
    }

    /** Where {@link SignedApi#EXCHANGES} ends now: pass it to {@link #answersSince} at the end of a case. */
    static int exchangeMark() {
        return SignedApi.EXCHANGES.size();
    }

    /** The API's answers to every exchange made since {@code mark}, by any test code in this JVM. */
    static List<Response> answersSince(int mark) {
        return SignedApi.EXCHANGES.stream()
                .skip(mark)
                .map(SignedApi.Exchange::response)
                .toList();
    }

    /** The deployments among {@code ids} that have no record in the DeploymentsTable. */
    static List<String> lostRecords(DeploymentRecords records, Collection<String> ids) {
        return ids.stream().filter(id -> records.get(id).isEmpty()).toList();
    }

    static List<String> lostRecords(Collection<String> ids) {
        return lostRecords(records(), ids);
    }

    /** The deployments among {@code ids} whose record is still PENDING or RUNNING. */
    static List<String> stuckDeployments(DeploymentRecords records, Collection<String> ids) {
        return ids.stream()
                .filter(id -> records.get(id)
                        .map(r -> r.path("status").asText())
                        .filter(s -> s.equals("PENDING") || s.equals("RUNNING"))
                        .isPresent())
                .toList();
    }

    static List<String> stuckDeployments(Collection<String> ids) {
        return stuckDeployments(records(), ids);
    }

    /** Key → ETag of every object under {@code releases/} of the bucket. */
    static Map<String, String> releases(String bucket) {
        Map<String, String> objects = new TreeMap<>();
        orchestrator()
                .aws()
                .s3()
                .listObjectsV2Paginator(b -> b.bucket(bucket).prefix("releases/"))
                .contents()
                .forEach(o -> objects.put(o.key(), o.eTag()));
        return objects;
    }

    /** What "the stack was not touched" compares: status, outputs and when it last changed. */
    record StackState(String status, Map<String, String> outputs, Instant lastUpdated) {}

    static StackState stack(String stackName) {
        Stack stack = orchestrator()
                .aws()
                .cloudFormation()
                .describeStacks(b -> b.stackName(stackName))
                .stacks()
                .get(0);
        Map<String, String> outputs = new TreeMap<>();
        stack.outputs().forEach(o -> outputs.put(o.outputKey(), o.outputValue()));
        return new StackState(
                stack.stackStatusAsString(),
                outputs,
                stack.lastUpdatedTime() == null ? stack.creationTime() : stack.lastUpdatedTime());
    }

    /** The deployment records of one JobsBucket, newest first. */
    static List<JsonNode> recordsForBucket(String bucket) {
        DeploymentRecords records = records();
        return orchestrator()
                .aws()
                .dynamoDb()
                .queryPaginator(b -> b.tableName(records.table())
                        .indexName(DeploymentRecords.BY_BUCKET_INDEX)
                        .keyConditionExpression("jobsBucketName = :b")
                        .expressionAttributeValues(Map.of(":b", AttributeValue.fromS(bucket)))
                        .scanIndexForward(false))
                .items()
                .stream()
                .map(item -> (JsonNode) DynamoJson.toJson(item))
                .toList();
    }

    static boolean isFinal(JsonNode record) {
        DeploymentStatus status = DeploymentStatus.of(record.path("status").asText());
        return status != null && status.ended();
    }

    /** Field names of a problem+json answer's {@code errors[]}. */
    static List<String> errorFields(Response response) {
        JsonNode errors = response.json().path("errors");
        return errors.isArray() ? errors.findValuesAsText("field") : List.of();
    }

    /** The probe's value once it has one; fails naming {@code what} when it has none after {@code limit}. */
    static <T> T await(String what, Duration limit, Supplier<Optional<T>> probe) {
        return Awaitility.await(what)
                .atMost(limit)
                .pollInterval(POLL)
                .until(probe::get, Optional::isPresent)
                .get();
    }

    /** Counts for {@link ReliabilityReport#record}, in the order given. */
    static Map<String, Object> counts(Object... namesAndValues) {
        Map<String, Object> counts = new LinkedHashMap<>();
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            counts.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return counts;
    }

    static JsonNode readTree(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
