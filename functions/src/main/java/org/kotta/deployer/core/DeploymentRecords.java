package org.kotta.deployer.core;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The one writer of the DeploymentsTable. A deployment moves PENDING → RUNNING →
 * SUCCEEDED | FAILED; every step stamps its start and finish; final states keep what
 * earlier steps wrote. Nothing here ever holds a secret value: requests carry only the
 * Secrets Manager ARN.
 */
public final class DeploymentRecords {
    public static final String KEY = "deploymentId";
    public static final String PENDING = "PENDING";
    public static final String RUNNING = "RUNNING";
    public static final String SUCCEEDED = "SUCCEEDED";
    public static final String FAILED = "FAILED";
    /** Index by stack name, newest first (range key createdAt). */
    public static final String BY_STACK_INDEX = "byStackName";
    /** Index by JobsBucket name, newest first (range key createdAt). */
    public static final String BY_BUCKET_INDEX = "byJobsBucket";
    private static final String LOCK_PREFIX = "lock#";
    /** Far longer than a starter takes from taking the lock to writing its PENDING record. */
    private static final java.time.Duration UNRECORDED_HOLDER_GRACE = java.time.Duration.ofMinutes(2);

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
    public boolean createPending(String deploymentId, DeploymentRequest request, String trigger,
            Map<String, Object> attributes) {
        Map<String, AttributeValue> item = newDeploymentItem(deploymentId, PENDING, request, trigger);
        attributes.forEach((name, value) -> item.put(name, DynamoJson.toAttribute(value)));
        return putIfAbsent(item);
    }

    /** Adds attributes to a record, whatever its status (a later note, such as the rollback a failure started). */
    public void note(String deploymentId, Map<String, Object> attributes) {
        Update update = new Update().set("updatedAt", s(now()));
        attributes.forEach((name, value) -> update.set(name, DynamoJson.toAttribute(value)));
        apply(deploymentId, update);
    }

    /** A deployment's first item: what every record starts with, whatever its status. */
    private Map<String, AttributeValue> newDeploymentItem(String deploymentId, String status,
            DeploymentRequest request, String trigger) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        String now = now();
        item.put(KEY, s(deploymentId));
        item.put("status", s(status));
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
            dynamo.putItem(PutItemRequest.builder().tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(#k)")
                    .expressionAttributeNames(Map.of("#k", KEY)).build());
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
    public boolean markRunning(String deploymentId, DeploymentRequest request, String trigger,
            String executionArn, String consoleUrl) {
        Update update = new Update()
                .set("status", s(RUNNING))
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
        apply(deploymentId, new Update().set("executionArn", s(executionArn)).set("consoleUrl", s(consoleUrl)));
    }

    /** Stamps a step's first start and makes it the current step. */
    public void stepStarted(String deploymentId, String step) {
        apply(deploymentId, new Update()
                .set("currentStep", s(step))
                .setNestedIfAbsent("steps", step, "startedAt", s(now())));
    }

    /** Stamps a step's latest finish and stores what the step produced. */
    public void stepFinished(String deploymentId, String step, Map<String, Object> attributes) {
        Update update = new Update().setNested("steps", step, "finishedAt", s(now()));
        attributes.forEach((name, value) -> update.set(name, DynamoJson.toAttribute(value)));
        apply(deploymentId, update);
    }

    /** Final SUCCEEDED state, in the same write as the last step's finish and what it produced. */
    public void succeeded(String deploymentId, String lastStep, Map<String, Object> attributes) {
        Update update = new Update().set("status", s(SUCCEEDED)).set("finishedAt", s(now()))
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
        Update update = new Update().set("status", s(FAILED)).set("finishedAt", s(now()))
                .set("failedStep", s(step == null ? "unknown" : step))
                .set("error", s(error))
                .set("cause", s(cause == null ? "" : cause));
        if (stackReason != null) {
            update.set("stackReason", s(stackReason));
        }
        return applyWhileUnfinished(deploymentId, update);
    }

    public Optional<ObjectNode> get(String deploymentId) {
        var item = dynamo.getItem(GetItemRequest.builder().tableName(table)
                .key(Map.of(KEY, s(deploymentId))).consistentRead(true).build());
        return item.hasItem() && !item.item().isEmpty()
                ? Optional.of(DynamoJson.toJson(item.item())) : Optional.empty();
    }

    /**
     * Takes the per-stack lock for a deployment; the conditional write makes two racing
     * starters unable to both win. Returns the holder when someone else has it.
     */
    public Optional<String> acquireStackLock(String stackName, String deploymentId) {
        Map<String, AttributeValue> item = Map.of(
                KEY, s(LOCK_PREFIX + stackName),
                "lockedBy", s(deploymentId),
                "lockedAt", s(now()));
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                dynamo.putItem(PutItemRequest.builder().tableName(table).item(item)
                        .conditionExpression("attribute_not_exists(#k) OR lockedBy = :me")
                        .expressionAttributeNames(Map.of("#k", KEY))
                        .expressionAttributeValues(Map.of(":me", s(deploymentId))).build());
                return Optional.empty();
            } catch (ConditionalCheckFailedException held) {
                Optional<ObjectNode> lock = get(LOCK_PREFIX + stackName);
                if (lock.isEmpty()) {
                    continue; // released between our write and our read: try again
                }
                String holder = lock.get().path("lockedBy").asText();
                if (holderHasEnded(holder, lock.get().path("lockedAt").asText(""))
                        && takeOverLock(stackName, holder, deploymentId)) {
                    return Optional.empty();
                }
                return Optional.of(holder);
            }
        }
        return Optional.of("another deployment");
    }

    /**
     * A lock whose deployment has ended (its release was lost, e.g. a timed-out execution) is
     * stale. A holder without a record is usually a starter between taking the lock and
     * writing its record, so it counts as ended only once its lock is old.
     */
    private boolean holderHasEnded(String holderId, String lockedAt) {
        return get(holderId).map(record -> {
            String status = record.path("status").asText();
            return SUCCEEDED.equals(status) || FAILED.equals(status);
        }).orElseGet(() -> !lockedAt.isEmpty()
                && Instant.parse(lockedAt).isBefore(Instant.now(clock).minus(UNRECORDED_HOLDER_GRACE)));
    }

    private boolean takeOverLock(String stackName, String staleHolder, String deploymentId) {
        try {
            dynamo.putItem(PutItemRequest.builder().tableName(table)
                    .item(Map.of(KEY, s(LOCK_PREFIX + stackName), "lockedBy", s(deploymentId), "lockedAt", s(now())))
                    .conditionExpression("lockedBy = :stale")
                    .expressionAttributeValues(Map.of(":stale", s(staleHolder))).build());
            return true;
        } catch (ConditionalCheckFailedException someoneElse) {
            return false;
        }
    }

    public Optional<String> lockHolder(String stackName) {
        return get(LOCK_PREFIX + stackName).map(lock -> lock.path("lockedBy").asText(null));
    }

    /** Releases the lock only if this deployment holds it. */
    public void releaseStackLock(String stackName, String deploymentId) {
        try {
            dynamo.deleteItem(b -> b.tableName(table).key(Map.of(KEY, s(LOCK_PREFIX + stackName)))
                    .conditionExpression("lockedBy = :me")
                    .expressionAttributeValues(Map.of(":me", s(deploymentId))));
        } catch (ConditionalCheckFailedException notOurs) {
            // someone else's lock, or none: nothing to release
        }
    }

    /** Applies an update only while the record is PENDING or RUNNING, or not there yet. */
    private boolean applyWhileUnfinished(String deploymentId, Update update) {
        update.set("updatedAt", s(now()));
        String status = update.name("status");
        Map<String, AttributeValue> values = new HashMap<>(update.values);
        values.put(":unfinishedPending", s(PENDING));
        values.put(":unfinishedRunning", s(RUNNING));
        try {
            dynamo.updateItem(UpdateItemRequest.builder().tableName(table)
                    .key(Map.of(KEY, s(deploymentId)))
                    .updateExpression(update.expression())
                    .conditionExpression("attribute_not_exists(" + status + ") OR " + status
                            + " IN (:unfinishedPending, :unfinishedRunning)")
                    .expressionAttributeNames(update.names)
                    .expressionAttributeValues(values)
                    .build());
            return true;
        } catch (ConditionalCheckFailedException alreadyEnded) {
            return false;
        }
    }

    private void apply(String deploymentId, Update update) {
        update.set("updatedAt", s(now()));
        dynamo.updateItem(UpdateItemRequest.builder().tableName(table)
                .key(Map.of(KEY, s(deploymentId)))
                .updateExpression(update.expression())
                .expressionAttributeNames(update.names)
                .expressionAttributeValues(update.values)
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

    /** Builds one UpdateItem expression with placeholder names and values. */
    private static final class Update {
        private final StringBuilder sets = new StringBuilder();
        private final StringBuilder removes = new StringBuilder();
        private final Map<String, String> names = new HashMap<>();
        private final Map<String, AttributeValue> values = new HashMap<>();
        private int counter;

        Update set(String attribute, AttributeValue value) {
            String n = name(attribute);
            String v = value(value);
            append(sets, n + " = " + v);
            return this;
        }

        Update setIfAbsent(String attribute, AttributeValue value) {
            String n = name(attribute);
            String v = value(value);
            append(sets, n + " = if_not_exists(" + n + ", " + v + ")");
            return this;
        }

        Update setNested(String map, String key, String field, AttributeValue value) {
            String path = name(map) + "." + name(key) + "." + name(field);
            append(sets, path + " = " + value(value));
            return this;
        }

        Update setNestedIfAbsent(String map, String key, String field, AttributeValue value) {
            String path = name(map) + "." + name(key) + "." + name(field);
            append(sets, path + " = if_not_exists(" + path + ", " + value(value) + ")");
            return this;
        }

        Update remove(String attribute) {
            append(removes, name(attribute));
            return this;
        }

        String expression() {
            return "SET " + sets + (removes.length() > 0 ? " REMOVE " + removes : "");
        }

        private String name(String attribute) {
            for (var entry : names.entrySet()) {
                if (entry.getValue().equals(attribute)) {
                    return entry.getKey();
                }
            }
            String placeholder = "#n" + counter++;
            names.put(placeholder, attribute);
            return placeholder;
        }

        private String value(AttributeValue value) {
            String placeholder = ":v" + counter++;
            values.put(placeholder, value);
            return placeholder;
        }

        private static void append(StringBuilder target, String clause) {
            if (target.length() > 0) {
                target.append(", ");
            }
            target.append(clause);
        }
    }

    /**
     * Records a deployment refused before it started (a redeploy while the stack is busy,
     * or one whose request no longer passes the rules): FAILED at step "start" with the
     * reason, listed with the others. False, writing nothing, when the id exists already.
     */
    public boolean refused(String deploymentId, DeploymentRequest request, String trigger, String error,
            String cause) {
        Map<String, AttributeValue> item = newDeploymentItem(deploymentId, FAILED, request, trigger);
        item.put("finishedAt", item.get("createdAt"));
        item.put("failedStep", s("start"));
        item.put("error", s(error));
        item.put("cause", s(cause));
        return putIfAbsent(item);
    }

    // ---- the admin API: idempotency keys and listings ----------------------------------------

    /**
     * Claims an Idempotency-Key for a new deployment with a conditional write, so that of two
     * racing requests with one key only one goes on. Empty when claimed; otherwise the
     * existing claim (an expired claim counts as free: TTL deletes items only eventually).
     */
    public Optional<ObjectNode> claimIdempotencyKey(String key, String requestHash, String deploymentId,
            java.time.Duration ttl) {
        Instant now = Instant.now(clock);
        Map<String, AttributeValue> item = Map.of(
                KEY, s(idempotencyItemKey(key)),
                "claimedBy", s(deploymentId),
                "requestHash", s(requestHash),
                "claimedAt", s(now.toString()),
                "expiresAt", AttributeValue.fromN(Long.toString(now.plus(ttl).getEpochSecond())));
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                dynamo.putItem(PutItemRequest.builder().tableName(table).item(item)
                        .conditionExpression("attribute_not_exists(#k) OR expiresAt < :now")
                        .expressionAttributeNames(Map.of("#k", KEY))
                        .expressionAttributeValues(Map.of(":now", AttributeValue.fromN(Long.toString(now.getEpochSecond()))))
                        .build());
                return Optional.empty();
            } catch (ConditionalCheckFailedException taken) {
                Optional<ObjectNode> existing = get(idempotencyItemKey(key));
                if (existing.isPresent()) {
                    return existing;
                }
                // released between our write and our read: try again
            }
        }
        throw new IllegalStateException("the idempotency key keeps changing hands");
    }

    /** Stores the answer given under a claimed key, for replays. */
    public void completeIdempotencyKey(String key, String deploymentId, int status, String responseBody) {
        dynamo.updateItem(UpdateItemRequest.builder().tableName(table)
                .key(Map.of(KEY, s(idempotencyItemKey(key))))
                .updateExpression("SET responseStatus = :status, responseBody = :body")
                .conditionExpression("claimedBy = :me")
                .expressionAttributeValues(Map.of(":status", AttributeValue.fromN(Integer.toString(status)),
                        ":body", s(responseBody), ":me", s(deploymentId)))
                .build());
    }

    /** Frees a claimed key whose request started nothing, so a retry is judged afresh. */
    public void releaseIdempotencyKey(String key, String deploymentId) {
        try {
            dynamo.deleteItem(b -> b.tableName(table).key(Map.of(KEY, s(idempotencyItemKey(key))))
                    .conditionExpression("claimedBy = :me")
                    .expressionAttributeValues(Map.of(":me", s(deploymentId))));
        } catch (ConditionalCheckFailedException notOurs) {
            // expired and claimed by another request meanwhile: not ours to free
        }
    }

    /**
     * A stack's deployments, newest first (index byStackName), at most {@code limit}, starting
     * after the deployment {@code (afterCreatedAt, afterId)} when given.
     */
    public java.util.List<ObjectNode> deploymentsOfStack(String stackName, int limit, String afterCreatedAt,
            String afterId) {
        java.util.List<ObjectNode> page = new java.util.ArrayList<>();
        Map<String, AttributeValue> start = afterId == null ? null
                : Map.of(KEY, s(afterId), "stackName", s(stackName), "createdAt", s(afterCreatedAt));
        do {
            var builder = software.amazon.awssdk.services.dynamodb.model.QueryRequest.builder().tableName(table)
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
            start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                    ? response.lastEvaluatedKey() : null;
        } while (start != null && page.size() < limit);
        return page;
    }

    /** A JobsBucket's latest SUCCEEDED deployment: newest first through {@code byJobsBucket}, page by page. */
    public Optional<ObjectNode> latestSucceededOfBucket(String jobsBucketName) {
        return dynamo.queryPaginator(b -> b.tableName(table)
                        .indexName(BY_BUCKET_INDEX)
                        .keyConditionExpression("jobsBucketName = :bucket")
                        .expressionAttributeValues(Map.of(":bucket", s(jobsBucketName)))
                        .scanIndexForward(false)
                        .limit(25))
                .items().stream()
                .filter(item -> item.containsKey("status") && SUCCEEDED.equals(item.get("status").s()))
                .findFirst()
                .map(DynamoJson::toJson);
    }

    /** Every deployment record, in no order; lock and idempotency items are left out. */
    public java.util.List<ObjectNode> allDeployments() {
        java.util.List<ObjectNode> all = new java.util.ArrayList<>();
        dynamo.scanPaginator(b -> b.tableName(table)
                        .filterExpression("attribute_exists(#status) AND attribute_exists(stackName)"
                                + " AND attribute_exists(createdAt)")
                        .expressionAttributeNames(Map.of("#status", "status")))
                .items().forEach(item -> all.add(DynamoJson.toJson(item)));
        return all;
    }

    private static String idempotencyItemKey(String key) {
        return "idem#" + key;
    }

    // ---- the sweep: records whose execution ended without a final state ---------------------

    /**
     * Every record still PENDING or RUNNING, in no order (a filtered Scan: the table holds one
     * item per deployment plus a few lock and idempotency items, see docs/reliability-notes.md).
     */
    public java.util.List<ObjectNode> unfinishedDeployments() {
        java.util.List<ObjectNode> unfinished = new java.util.ArrayList<>();
        dynamo.scanPaginator(b -> b.tableName(table)
                        .filterExpression("#status IN (:pending, :running)")
                        .expressionAttributeNames(Map.of("#status", "status"))
                        .expressionAttributeValues(Map.of(":pending", s(PENDING), ":running", s(RUNNING))))
                .items().forEach(item -> unfinished.add(DynamoJson.toJson(item)));
        return unfinished;
    }

}
