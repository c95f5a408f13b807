package org.kotta.platform.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * The one writer of JobsTable items. Every status change is a conditional write on the status
 * it leaves, so two executors (a message delivered twice) or an executor and a cancel never
 * both win.
 */
public final class JobStore {
    private final DynamoDbClient dynamo;
    private final String table;

    public JobStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    /** Writes a new job; fails if the id exists. */
    public void create(JobRecord job) {
        dynamo.putItem(b -> b.tableName(table)
                .item(JobItems.toItem(job))
                .conditionExpression("attribute_not_exists(#id)")
                .expressionAttributeNames(Map.of("#id", JobItems.JOB_ID)));
    }

    public Optional<JobRecord> find(String jobId) {
        if (jobId == null || jobId.isBlank()) {
            return Optional.empty();
        }
        Map<String, AttributeValue> item = dynamo.getItem(
                        b -> b.tableName(table).consistentRead(true).key(key(jobId)))
                .item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(JobItems.fromItem(item));
    }

    /** A job only its owner may see: empty for another user's job, as for a missing one. */
    public Optional<JobRecord> findOwned(String jobId, String userId) {
        return find(jobId).filter(job -> job.ownedBy(userId));
    }

    /** One user's jobs, newest first, at most {@code limit}. */
    public List<JobRecord> listForUser(String userId, int limit) {
        List<JobRecord> jobs = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = dynamo.query(b -> b.tableName(table)
                    .indexName(JobItems.BY_USER_INDEX)
                    .keyConditionExpression("#u = :u")
                    .expressionAttributeNames(Map.of("#u", JobItems.USER_ID))
                    .expressionAttributeValues(Map.of(":u", AttributeValue.fromS(userId)))
                    .scanIndexForward(false)
                    .limit(Math.min(limit - jobs.size(), 500))
                    .exclusiveStartKey(from));
            page.items().forEach(item -> jobs.add(JobItems.fromItem(item)));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null && jobs.size() < limit);
        return jobs;
    }

    /**
     * An executor takes a pending job: {@code pending → staging_inputs}, recording where it
     * runs. Empty when the job is gone, no longer pending (a duplicate delivery) or cancelled.
     */
    public Optional<JobRecord> claim(String jobId, String instanceId, String instanceType, long now) {
        return claim(jobId, instanceId, instanceType, now, null);
    }

    /** As {@link #claim(String, String, String, long)}, recording the id of the message it came with. */
    public Optional<JobRecord> claim(String jobId, String instanceId, String instanceType, long now, String messageId) {
        Map<String, AttributeValue> set = new LinkedHashMap<>();
        if (messageId != null) {
            set.put(JobItems.MESSAGE_ID, AttributeValue.fromS(messageId));
        }
        set.put(JobItems.INSTANCE_ID, AttributeValue.fromS(instanceId));
        set.put(JobItems.INSTANCE_TYPE, AttributeValue.fromS(instanceType == null ? "unknown" : instanceType));
        set.put(JobItems.START_TIME, AttributeValue.fromN(Long.toString(now)));
        return update(
                jobId, Set.of(JobStatus.PENDING), JobStatus.STAGING_INPUTS, set, List.of(JobItems.RECEIPT), true, null);
    }

    /**
     * Moves a job that no executor holds from one of {@code from} (not running statuses: see
     * {@link #advance}) to {@code to}, setting {@code attributes}; empty when the job's status
     * was not one of {@code from} (someone else moved it first).
     */
    public Optional<JobRecord> transition(
            String jobId, Set<JobStatus> from, JobStatus to, Map<String, AttributeValue> attributes) {
        if (from.stream().anyMatch(JobStatus::isRunning)) {
            throw new IllegalArgumentException("a running job moves only through advance(), as its executor: " + from);
        }
        return update(jobId, from, to, attributes, List.of(), false, null);
    }

    /**
     * The executor holding a running job moves it on (to the next stage or to its end): from
     * one of {@code from} to {@code to}, only while {@code i_instance_id} is still
     * {@code instanceId}. Empty when the job moved or was taken over ({@link #reclaimStale}) or
     * put back meanwhile: an executor cut off from the table and the one that took its job over
     * can never both finish it.
     */
    public Optional<JobRecord> advance(
            String jobId,
            String instanceId,
            Set<JobStatus> from,
            JobStatus to,
            Map<String, AttributeValue> attributes) {
        return update(jobId, from, to, attributes, List.of(), false, instanceId);
    }

    /**
     * Puts a job this instance was running back in the queue ({@code pending}), as if never
     * claimed: another executor finishes it. Only while this instance still holds it.
     */
    public boolean requeue(String jobId, String instanceId) {
        try {
            dynamo.updateItem(b -> b.tableName(table)
                    .key(key(jobId))
                    .updateExpression("SET #s = :pending REMOVE #inst, #type, #start, #hb, #mid, #receipt")
                    .conditionExpression("#inst = :me AND #s IN (:a, :b, :c)")
                    .expressionAttributeNames(Map.of(
                            "#s",
                            JobItems.STATUS,
                            "#inst",
                            JobItems.INSTANCE_ID,
                            "#type",
                            JobItems.INSTANCE_TYPE,
                            "#start",
                            JobItems.START_TIME,
                            "#hb",
                            JobItems.HEARTBEAT,
                            "#mid",
                            JobItems.MESSAGE_ID,
                            "#receipt",
                            JobItems.RECEIPT))
                    .expressionAttributeValues(Map.of(
                            ":pending",
                            AttributeValue.fromS(JobStatus.PENDING.wireName()),
                            ":me",
                            AttributeValue.fromS(instanceId),
                            ":a",
                            AttributeValue.fromS(JobStatus.STAGING_INPUTS.wireName()),
                            ":b",
                            AttributeValue.fromS(JobStatus.PROCESSING.wireName()),
                            ":c",
                            AttributeValue.fromS(JobStatus.STAGING_OUTPUTS.wireName()))));
            return true;
        } catch (ConditionalCheckFailedException moved) {
            return false;
        }
    }

    /**
     * The executor running a job says it is alive ({@code i_heartbeat}). Empty when the job is no
     * longer this instance's (taken over, put back, ended); otherwise the receipt handle another
     * executor handed back ({@link #handOver}), or "" when there is none.
     */
    public Optional<String> heartbeat(String jobId, String instanceId, long now) {
        try {
            UpdateItemResponse response = dynamo.updateItem(b -> b.tableName(table)
                    .key(key(jobId))
                    .updateExpression("SET #hb = :now")
                    .conditionExpression("#inst = :me AND #s IN (:a, :b, :c)")
                    .expressionAttributeNames(
                            Map.of("#hb", JobItems.HEARTBEAT, "#inst", JobItems.INSTANCE_ID, "#s", JobItems.STATUS))
                    .expressionAttributeValues(runningValues(Map.of(
                            ":now", AttributeValue.fromN(Long.toString(now)), ":me", AttributeValue.fromS(instanceId))))
                    .returnValues(ReturnValue.ALL_NEW));
            AttributeValue receipt = response.attributes().get(JobItems.RECEIPT);
            return Optional.of(receipt == null || receipt.s() == null ? "" : receipt.s());
        } catch (ConditionalCheckFailedException moved) {
            return Optional.empty();
        }
    }

    /** The id of the message the running executor of a job holds; empty when it is not running or none is recorded. */
    public Optional<String> heldMessage(String jobId) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table)
                        .consistentRead(true)
                        .key(key(jobId))
                        .projectionExpression("#s, #mid")
                        .expressionAttributeNames(Map.of("#s", JobItems.STATUS, "#mid", JobItems.MESSAGE_ID)))
                .item();
        if (item == null
                || !item.containsKey(JobItems.MESSAGE_ID)
                || !JobStatus.fromWire(item.get(JobItems.STATUS).s())
                        .map(JobStatus::isRunning)
                        .orElse(false)) {
            return Optional.empty();
        }
        return Optional.of(item.get(JobItems.MESSAGE_ID).s());
    }

    /**
     * Another executor received the very message the running executor holds (its visibility
     * lapsed): it leaves the new receipt handle in the item for the running executor, which extends
     * and deletes the message with it from its next heartbeat on. False when the job no longer runs
     * with that message.
     */
    public boolean handOver(String jobId, String messageId, String receipt) {
        try {
            dynamo.updateItem(b -> b.tableName(table)
                    .key(key(jobId))
                    .updateExpression("SET #receipt = :receipt")
                    .conditionExpression("#mid = :mid AND #s IN (:a, :b, :c)")
                    .expressionAttributeNames(
                            Map.of("#receipt", JobItems.RECEIPT, "#mid", JobItems.MESSAGE_ID, "#s", JobItems.STATUS))
                    .expressionAttributeValues(runningValues(Map.of(
                            ":receipt", AttributeValue.fromS(receipt), ":mid", AttributeValue.fromS(messageId)))));
            return true;
        } catch (ConditionalCheckFailedException moved) {
            return false;
        }
    }

    /**
     * Takes over a job whose executor died without putting it back (no heartbeat, nor start,
     * since {@code staleBefore}): as {@link #claim}, from a running status instead of
     * {@code pending}. Empty when the job is not running or its executor is alive. A cancel
     * requested meanwhile stays: the new executor honours it before running anything.
     */
    public Optional<JobRecord> reclaimStale(
            String jobId, String instanceId, String instanceType, long now, long staleBefore) {
        return reclaimStale(jobId, instanceId, instanceType, now, staleBefore, "-");
    }

    /** As {@link #reclaimStale(String, String, String, long, long)}, recording the id of the message it came with. */
    public Optional<JobRecord> reclaimStale(
            String jobId, String instanceId, String instanceType, long now, long staleBefore, String messageId) {
        Map<String, String> names = new HashMap<>(Map.of(
                "#s",
                JobItems.STATUS,
                "#hb",
                JobItems.HEARTBEAT,
                "#start",
                JobItems.START_TIME,
                "#inst",
                JobItems.INSTANCE_ID,
                "#type",
                JobItems.INSTANCE_TYPE,
                "#attempt",
                JobItems.ATTEMPT,
                "#mid",
                JobItems.MESSAGE_ID,
                "#receipt",
                JobItems.RECEIPT));
        Map<String, AttributeValue> values = runningValues(Map.of(
                ":in",
                AttributeValue.fromS(JobStatus.STAGING_INPUTS.wireName()),
                ":now",
                AttributeValue.fromN(Long.toString(now)),
                ":stale",
                AttributeValue.fromN(Long.toString(staleBefore)),
                ":me",
                AttributeValue.fromS(instanceId),
                ":type",
                AttributeValue.fromS(instanceType == null ? "unknown" : instanceType),
                ":zero",
                AttributeValue.fromN("0"),
                ":one",
                AttributeValue.fromN("1"),
                ":mid",
                AttributeValue.fromS(messageId)));
        try {
            UpdateItemResponse response = dynamo.updateItem(b -> b.tableName(table)
                    .key(key(jobId))
                    .updateExpression("SET #s = :in, #inst = :me, #type = :type, #start = :now, #hb = :now,"
                            + " #attempt = if_not_exists(#attempt, :zero) + :one, #mid = :mid REMOVE #receipt")
                    .conditionExpression("#s IN (:a, :b, :c) AND (#hb < :stale"
                            + " OR (attribute_not_exists(#hb) AND #start < :stale))")
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values)
                    .returnValues(ReturnValue.ALL_NEW));
            return Optional.of(JobItems.fromItem(response.attributes()));
        } catch (ConditionalCheckFailedException aliveOrEnded) {
            return Optional.empty();
        }
    }

    private static Map<String, AttributeValue> runningValues(Map<String, AttributeValue> more) {
        Map<String, AttributeValue> values = new HashMap<>(more);
        values.put(":a", AttributeValue.fromS(JobStatus.STAGING_INPUTS.wireName()));
        values.put(":b", AttributeValue.fromS(JobStatus.PROCESSING.wireName()));
        values.put(":c", AttributeValue.fromS(JobStatus.STAGING_OUTPUTS.wireName()));
        return values;
    }

    /**
     * The owner cancels: a pending job becomes {@code cancelled} at once (an executor that
     * receives its message skips it); a running one is flagged, and its executor kills it.
     * Returns the job as it now is; empty when it is not the user's or has already ended.
     */
    public Optional<JobRecord> requestCancel(String jobId, String userId, long now) {
        return findOwned(jobId, userId).flatMap(job -> requestCancel(job, now));
    }

    /** {@link #requestCancel(String, String, long)} for a job its caller has already read as the user's. */
    public Optional<JobRecord> requestCancel(JobRecord owned, long now) {
        String jobId = owned.jobId();
        Optional<JobRecord> job = Optional.of(owned);
        if (job.get().status().isFinal()) {
            return Optional.empty();
        }
        Optional<JobRecord> cancelled = update(
                jobId,
                Set.of(JobStatus.PENDING),
                JobStatus.CANCELLED,
                JobItems.endedBecause(now, "cancelled by " + job.get().username()),
                List.of(),
                false,
                null);
        if (cancelled.isPresent()) {
            return cancelled;
        }
        try {
            UpdateItemResponse flagged = dynamo.updateItem(b -> b.tableName(table)
                    .key(key(jobId))
                    .updateExpression("SET #c = :t")
                    .conditionExpression("#s IN (:a, :b, :c2)")
                    .expressionAttributeNames(Map.of("#c", JobItems.CANCEL_REQUESTED, "#s", JobItems.STATUS))
                    .expressionAttributeValues(Map.of(
                            ":t",
                            AttributeValue.fromBool(true),
                            ":a",
                            AttributeValue.fromS(JobStatus.STAGING_INPUTS.wireName()),
                            ":b",
                            AttributeValue.fromS(JobStatus.PROCESSING.wireName()),
                            ":c2",
                            AttributeValue.fromS(JobStatus.STAGING_OUTPUTS.wireName())))
                    .returnValues(ReturnValue.ALL_NEW));
            return Optional.of(JobItems.fromItem(flagged.attributes()));
        } catch (ConditionalCheckFailedException ended) {
            return Optional.empty();
        }
    }

    /** @param holder when not null, the write also requires {@code i_instance_id = holder} */
    private Optional<JobRecord> update(
            String jobId,
            Set<JobStatus> from,
            JobStatus to,
            Map<String, AttributeValue> set,
            List<String> remove,
            boolean countAttempt,
            String holder) {
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        names.put("#s", JobItems.STATUS);
        values.put(":to", AttributeValue.fromS(to.wireName()));
        StringBuilder expression = new StringBuilder("SET #s = :to");
        int i = 0;
        for (Map.Entry<String, AttributeValue> entry : set.entrySet()) {
            names.put("#a" + i, entry.getKey());
            values.put(":a" + i, entry.getValue());
            expression.append(", #a").append(i).append(" = :a").append(i);
            i++;
        }
        if (countAttempt) {
            names.put("#attempt", JobItems.ATTEMPT);
            values.put(":zero", AttributeValue.fromN("0"));
            values.put(":one", AttributeValue.fromN("1"));
            expression.append(", #attempt = if_not_exists(#attempt, :zero) + :one");
        }
        if (!remove.isEmpty()) {
            expression.append(" REMOVE ");
            for (int r = 0; r < remove.size(); r++) {
                names.put("#r" + r, remove.get(r));
                expression.append(r == 0 ? "" : ", ").append("#r").append(r);
            }
        }
        List<String> fromNames = new ArrayList<>();
        int f = 0;
        for (JobStatus status : from) {
            values.put(":f" + f, AttributeValue.fromS(status.wireName()));
            fromNames.add(":f" + f);
            f++;
        }
        String condition = "#s IN (" + fromNames.stream().collect(Collectors.joining(", ")) + ")";
        if (from.contains(JobStatus.PENDING) && to == JobStatus.STAGING_INPUTS) {
            names.put("#cancel", JobItems.CANCEL_REQUESTED);
            condition += " AND attribute_not_exists(#cancel)";
        }
        if (holder != null) {
            names.put("#holder", JobItems.INSTANCE_ID);
            values.put(":holder", AttributeValue.fromS(holder));
            condition += " AND #holder = :holder";
        }
        String finalCondition = condition;
        try {
            UpdateItemResponse response = dynamo.updateItem(b -> b.tableName(table)
                    .key(key(jobId))
                    .updateExpression(expression.toString())
                    .conditionExpression(finalCondition)
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values)
                    .returnValues(ReturnValue.ALL_NEW));
            return Optional.of(JobItems.fromItem(response.attributes()));
        } catch (ConditionalCheckFailedException moved) {
            return Optional.empty();
        }
    }

    private static Map<String, AttributeValue> key(String jobId) {
        return Map.of(JobItems.JOB_ID, AttributeValue.fromS(jobId));
    }
}
