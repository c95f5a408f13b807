package org.kotta.deployer.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The one writer of the deployment records in the DeploymentsTable, and their reader. A
 * deployment moves PENDING → RUNNING → SUCCEEDED | FAILED; every step stamps its start and
 * finish; final states keep what earlier steps wrote. Nothing here ever holds a secret value:
 * requests carry only the Secrets Manager ARN. The table's other items are the stack locks
 * ({@link StackLocks}) and the API's idempotency keys ({@link IdempotencyKeys}).
 */
public final class DeploymentRecords {
    public static final String KEY = "deploymentId";
    /** Index by stack name, newest first (range key createdAt). */
    public static final String BY_STACK_INDEX = "byStackName";
    /** Index by JobsBucket name, newest first (range key createdAt). */
    public static final String BY_BUCKET_INDEX = "byJobsBucket";

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    public DeploymentRecords(DynamoDbClient dynamo, String table) {
        this(dynamo, table, Clock.systemUTC());
    }

    public DeploymentRecords(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    public String table() {
        return table;
    }

    /**
     * Writes a new PENDING record; false when one with this id exists already (nothing
     * is overwritten).
     */
    public boolean createPending(String deploymentId, DeploymentRequest request, String trigger) {
        return createPending(deploymentId, request, trigger, Map.of());
    }

    /** As {@link #createPending(String, DeploymentRequest, String)}, with more attributes in the same write. */
    public boolean createPending(
            String deploymentId, DeploymentRequest request, String trigger, Map<String, Object> attributes) {
        Map<String, AttributeValue> item = newDeploymentItem(deploymentId, DeploymentStatus.PENDING, request, trigger);
        attributes.forEach((name, value) -> item.put(name, DynamoJson.toAttribute(value)));
        return putIfAbsent(item);
    }

    /** Adds attributes to a record, whatever its status (a later note, such as the rollback a failure started). */
    public void note(String deploymentId, Map<String, Object> attributes) {
        UpdateExpression update = new UpdateExpression().set("updatedAt", s(now()));
        attributes.forEach((name, value) -> update.set(name, DynamoJson.toAttribute(value)));
        apply(deploymentId, update);
    }

    /** A deployment's first item: what every record starts with, whatever its status. */
    private Map<String, AttributeValue> newDeploymentItem(
            String deploymentId, DeploymentStatus status, DeploymentRequest request, String trigger) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        String now = now();
        item.put(KEY, s(deploymentId));
        item.put("status", s(status.name()));
        item.put("trigger", s(trigger));
        item.put("stackName", s(request.stackName()));
        item.put("jobsBucketName", s(request.jobsBucketName()));
        item.put("createdAt", s(now));
        item.put("updatedAt", s(now));
        item.put("request", DynamoJson.toAttribute(request));
        item.put("steps", emptySteps());
        return item;
    }

    /** Writes an item unless one with its key exists; false, writing nothing, when it does. */
    private boolean putIfAbsent(Map<String, AttributeValue> item) {
        try {
            dynamo.putItem(PutItemRequest.builder()
                    .tableName(table)
                    .item(item)
                    .conditionExpression("attribute_not_exists(#k)")
                    .expressionAttributeNames(Map.of("#k", KEY))
                    .build());
            return true;
        } catch (ConditionalCheckFailedException alreadyThere) {
            return false;
        }
    }

    /**
     * Marks the deployment RUNNING under its execution, creating the record when the
     * execution was started without one (a direct StartExecution). False, changing nothing,
     * when the record has already ended (e.g. its starter gave up on a StartExecution whose
     * answer was lost): a final status is never turned back.
     */
    public boolean markRunning(
            String deploymentId, DeploymentRequest request, String trigger, String executionArn, String consoleUrl) {
        UpdateExpression update = new UpdateExpression()
                .set("status", s(DeploymentStatus.RUNNING.name()))
                .setIfAbsent("createdAt", s(now()))
                .setIfAbsent("steps", emptySteps())
                .setIfAbsent("trigger", s(trigger == null ? "execution" : trigger))
                .set("executionArn", s(executionArn))
                .set("consoleUrl", s(consoleUrl));
        if (request != null) {
            update.setIfAbsent("stackName", s(request.stackName()))
                    .setIfAbsent("jobsBucketName", s(request.jobsBucketName()))
                    .set("request", DynamoJson.toAttribute(request));
        }
        return applyWhileUnfinished(deploymentId, update);
    }

    /** Notes the execution a PENDING deployment was started as. */
    public void markStarted(String deploymentId, String executionArn, String consoleUrl) {
        apply(
                deploymentId,
                new UpdateExpression().set("executionArn", s(executionArn)).set("consoleUrl", s(consoleUrl)));
    }

    /** Stamps a step's first start and makes it the current step. */
    public void stepStarted(String deploymentId, String step) {
        apply(
                deploymentId,
                new UpdateExpression()
                        .set("currentStep", s(step))
                        .setNestedIfAbsent("steps", step, "startedAt", s(now())));
    }

    /** Stamps a step's latest finish and stores what the step produced. */
    public void stepFinished(String deploymentId, String step, Map<String, Object> attributes) {
        UpdateExpression update = new UpdateExpression().setNested("steps", step, "finishedAt", s(now()));
        attributes.forEach((name, value) -> update.set(name, DynamoJson.toAttribute(value)));
        apply(deploymentId, update);
    }

    /** Final SUCCEEDED state, in the same write as the last step's finish and what it produced. */
    public void succeeded(String deploymentId, String lastStep, Map<String, Object> attributes) {
        UpdateExpression update = new UpdateExpression()
                .set("status", s(DeploymentStatus.SUCCEEDED.name()))
                .set("finishedAt", s(now()))
                .setNested("steps", lastStep, "finishedAt", s(now()))
                .remove("currentStep");
        attributes.forEach((name, value) -> update.set(name, DynamoJson.toAttribute(value)));
        apply(deploymentId, update);
    }

    /**
     * Final FAILED state; earlier data stays. Only while the record is unfinished (or does not
     * exist yet): a final state written meanwhile — by the execution's last step, a sweep, or
     * a starter — is never overwritten. False when it had already ended.
     */
    public boolean failed(String deploymentId, String step, String error, String cause, String stackReason) {
        UpdateExpression update = new UpdateExpression()
                .set("status", s(DeploymentStatus.FAILED.name()))
                .set("finishedAt", s(now()))
                .set("failedStep", s(step == null ? "unknown" : step))
                .set("error", s(error))
                .set("cause", s(cause == null ? "" : cause));
        if (stackReason != null) {
            update.set("stackReason", s(stackReason));
        }
        return applyWhileUnfinished(deploymentId, update);
    }

    /** A deployment's record as a whole, as the API shows it. */
    public Optional<ObjectNode> get(String deploymentId) {
        return item(deploymentId);
    }

    /** The fields of a deployment's record that decisions read. */
    public Optional<DeploymentRecord> find(String deploymentId) {
        return item(deploymentId).map(DeploymentRecord::of);
    }

    /** Any item of the table by its key, read consistently. */
    Optional<ObjectNode> item(String key) {
        var item = dynamo.getItem(GetItemRequest.builder()
                .tableName(table)
                .key(Map.of(KEY, s(key)))
                .consistentRead(true)
                .build());
        return item.hasItem() && !item.item().isEmpty()
                ? Optional.of(DynamoJson.toJson(item.item()))
                : Optional.empty();
    }

    /** Applies an update only while the record is PENDING or RUNNING, or not there yet. */
    private boolean applyWhileUnfinished(String deploymentId, UpdateExpression update) {
        update.set("updatedAt", s(now()));
        String status = update.name("status");
        Map<String, AttributeValue> values = new HashMap<>(update.values());
        values.put(":unfinishedPending", s(DeploymentStatus.PENDING.name()));
        values.put(":unfinishedRunning", s(DeploymentStatus.RUNNING.name()));
        try {
            dynamo.updateItem(UpdateItemRequest.builder()
                    .tableName(table)
                    .key(Map.of(KEY, s(deploymentId)))
                    .updateExpression(update.expression())
                    .conditionExpression("attribute_not_exists(" + status + ") OR " + status
                            + " IN (:unfinishedPending, :unfinishedRunning)")
                    .expressionAttributeNames(update.names())
                    .expressionAttributeValues(values)
                    .build());
            return true;
        } catch (ConditionalCheckFailedException alreadyEnded) {
            return false;
        }
    }

    private void apply(String deploymentId, UpdateExpression update) {
        update.set("updatedAt", s(now()));
        dynamo.updateItem(UpdateItemRequest.builder()
                .tableName(table)
                .key(Map.of(KEY, s(deploymentId)))
                .updateExpression(update.expression())
                .expressionAttributeNames(update.names())
                .expressionAttributeValues(update.values())
                .returnValues(ReturnValue.NONE)
                .build());
    }

    private static AttributeValue emptySteps() {
        Map<String, AttributeValue> steps = new LinkedHashMap<>();
        Steps.ALL.forEach(step -> steps.put(step, AttributeValue.fromM(Map.of())));
        return AttributeValue.fromM(steps);
    }

    private String now() {
        return Instant.now(clock).toString();
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    /**
     * Records a deployment refused before it started (a redeploy while the stack is busy,
     * or one whose request no longer passes the rules): FAILED at step "start" with the
     * reason, listed with the others. False, writing nothing, when the id exists already.
     */
    public boolean refused(String deploymentId, DeploymentRequest request, String trigger, String error, String cause) {
        Map<String, AttributeValue> item = newDeploymentItem(deploymentId, DeploymentStatus.FAILED, request, trigger);
        item.put("finishedAt", item.get("createdAt"));
        item.put("failedStep", s("start"));
        item.put("error", s(error));
        item.put("cause", s(cause));
        return putIfAbsent(item);
    }

    // ---- listings ------------------------------------------------------------------------------

    /**
     * A stack's deployments, newest first (index byStackName), at most {@code limit}, starting
     * after the deployment {@code (afterCreatedAt, afterId)} when given.
     */
    public java.util.List<ObjectNode> deploymentsOfStack(
            String stackName, int limit, String afterCreatedAt, String afterId) {
        java.util.List<ObjectNode> page = new java.util.ArrayList<>();
        Map<String, AttributeValue> start = afterId == null
                ? null
                : Map.of(KEY, s(afterId), "stackName", s(stackName), "createdAt", s(afterCreatedAt));
        do {
            var builder = software.amazon.awssdk.services.dynamodb.model.QueryRequest.builder()
                    .tableName(table)
                    .indexName(BY_STACK_INDEX)
                    .keyConditionExpression("stackName = :stack")
                    .expressionAttributeValues(Map.of(":stack", s(stackName)))
                    .scanIndexForward(false)
                    .limit(limit - page.size());
            if (start != null) {
                builder.exclusiveStartKey(start);
            }
            var response = dynamo.query(builder.build());
            response.items().forEach(item -> page.add(DynamoJson.toJson(item)));
            start = response.hasLastEvaluatedKey()
                            && !response.lastEvaluatedKey().isEmpty()
                    ? response.lastEvaluatedKey()
                    : null;
        } while (start != null && page.size() < limit);
        return page;
    }

    /**
     * The stack's newest SUCCEEDED deployment that made a release, other than {@code except}
     * (among its {@code history} newest deployments): what a rollback deploys again.
     */
    public Optional<GoodRelease> lastGoodRelease(String stackName, String except, int history) {
        return deploymentsOfStack(stackName, history, null, null).stream()
                .filter(item -> DeploymentStatus.SUCCEEDED
                        .name()
                        .equals(item.path("status").asText()))
                .filter(item -> !item.path(KEY).asText().equals(except))
                .filter(item -> item.path("release").hasNonNull("releaseKey")
                        && item.path("release").hasNonNull("sha256"))
                .findFirst()
                .map(item -> new GoodRelease(
                        DeploymentRecord.of(item),
                        item.path("release").path("releaseKey").asText(),
                        item.path("release").path("sha256").asText(),
                        item.path("image").path("imageId").asText(null)));
    }

    /**
     * A deployment that SUCCEEDED, the release it made ({@code releases/<sha256>.tar.gz}) and the
     * image the Kotta stack ran with it (null when its record names none).
     */
    public record GoodRelease(DeploymentRecord record, String releaseKey, String sha256, String imageId) {}

    /** A JobsBucket's latest SUCCEEDED deployment: newest first through {@code byJobsBucket}, page by page. */
    public Optional<DeploymentRecord> latestSucceededOfBucket(String jobsBucketName) {
        return dynamo
                .queryPaginator(b -> b.tableName(table)
                        .indexName(BY_BUCKET_INDEX)
                        .keyConditionExpression("jobsBucketName = :bucket")
                        .expressionAttributeValues(Map.of(":bucket", s(jobsBucketName)))
                        .scanIndexForward(false)
                        .limit(25))
                .items()
                .stream()
                .filter(item -> item.containsKey("status")
                        && DeploymentStatus.SUCCEEDED
                                .name()
                                .equals(item.get("status").s()))
                .findFirst()
                .map(item -> DeploymentRecord.of(DynamoJson.toJson(item)));
    }

    /** Every deployment record, in no order; lock and idempotency items are left out. */
    public java.util.List<ObjectNode> allDeployments() {
        java.util.List<ObjectNode> all = new java.util.ArrayList<>();
        dynamo.scanPaginator(b -> b.tableName(table)
                        .filterExpression("attribute_exists(#status) AND attribute_exists(stackName)"
                                + " AND attribute_exists(createdAt)")
                        .expressionAttributeNames(Map.of("#status", "status")))
                .items()
                .forEach(item -> all.add(DynamoJson.toJson(item)));
        return all;
    }

    // ---- the sweep: records whose execution ended without a final state ---------------------

    /**
     * Every record still PENDING or RUNNING, in no order (a filtered Scan: the table holds one
     * item per deployment plus a few lock and idempotency items, see docs/reliability-notes.md).
     */
    public java.util.List<DeploymentRecord> unfinishedDeployments() {
        java.util.List<DeploymentRecord> unfinished = new java.util.ArrayList<>();
        dynamo.scanPaginator(b -> b.tableName(table)
                        .filterExpression("#status IN (:pending, :running)")
                        .expressionAttributeNames(Map.of("#status", "status"))
                        .expressionAttributeValues(Map.of(
                                ":pending",
                                s(DeploymentStatus.PENDING.name()),
                                ":running",
                                s(DeploymentStatus.RUNNING.name()))))
                .items()
                .forEach(item -> unfinished.add(DeploymentRecord.of(DynamoJson.toJson(item))));
        return unfinished;
    }
}
