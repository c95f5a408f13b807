package org.kotta.deployer.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

/**
 * The per-stack lock that keeps two deployments of one stack from running at once: one item
 * {@code lock#<stackName>} in the DeploymentsTable, taken and released with conditional writes.
 */
public final class StackLocks {
    private static final String LOCK_PREFIX = "lock#";
    /** Far longer than a starter takes from taking the lock to writing its PENDING record. */
    private static final Duration UNRECORDED_HOLDER_GRACE = Duration.ofMinutes(2);

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;
    private final DeploymentRecords records;

    public StackLocks(DynamoDbClient dynamo, String table) {
        this(dynamo, table, Clock.systemUTC());
    }

    public StackLocks(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
        this.records = new DeploymentRecords(dynamo, table, clock);
    }

    /**
     * Takes the lock for a deployment (again, if it holds it already); the conditional write
     * makes two racing starters unable to both win. Returns the holder when someone else has it.
     */
    public Optional<String> acquire(String stackName, String deploymentId) {
        Map<String, AttributeValue> item = Map.of(
                DeploymentRecords.KEY, s(LOCK_PREFIX + stackName), "lockedBy", s(deploymentId), "lockedAt", s(now()));
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                dynamo.putItem(PutItemRequest.builder()
                        .tableName(table)
                        .item(item)
                        .conditionExpression("attribute_not_exists(#k) OR lockedBy = :me")
                        .expressionAttributeNames(Map.of("#k", DeploymentRecords.KEY))
                        .expressionAttributeValues(Map.of(":me", s(deploymentId)))
                        .build());
                return Optional.empty();
            } catch (ConditionalCheckFailedException held) {
                Optional<Lock> lock = lock(stackName);
                if (lock.isEmpty()) {
                    continue; // released between our write and our read: try again
                }
                String holder = lock.get().lockedBy() == null ? "" : lock.get().lockedBy();
                if (holderHasEnded(holder, lock.get().lockedAt()) && takeOver(stackName, holder, deploymentId)) {
                    return Optional.empty();
                }
                return Optional.of(holder);
            }
        }
        return Optional.of("another deployment");
    }

    /** The deployment holding a stack's lock, if any. */
    public Optional<String> holder(String stackName) {
        return lock(stackName).map(Lock::lockedBy);
    }

    /** Releases the lock only if this deployment holds it. */
    public void release(String stackName, String deploymentId) {
        try {
            dynamo.deleteItem(b -> b.tableName(table)
                    .key(Map.of(DeploymentRecords.KEY, s(LOCK_PREFIX + stackName)))
                    .conditionExpression("lockedBy = :me")
                    .expressionAttributeValues(Map.of(":me", s(deploymentId))));
        } catch (ConditionalCheckFailedException notOurs) {
            // someone else's lock, or none: nothing to release
        }
    }

    /** A lock item: who holds it and since when ("" when unknown). */
    private record Lock(String lockedBy, String lockedAt) {}

    private Optional<Lock> lock(String stackName) {
        return records.item(LOCK_PREFIX + stackName)
                .map(item -> new Lock(
                        item.path("lockedBy").asText(null),
                        item.path("lockedAt").asText("")));
    }

    /**
     * A lock whose deployment has ended (its release was lost, e.g. a timed-out execution) is
     * stale. A holder without a record is usually a starter between taking the lock and
     * writing its record, so it counts as ended only once its lock is old.
     */
    private boolean holderHasEnded(String holderId, String lockedAt) {
        return records.find(holderId)
                .map(DeploymentRecord::ended)
                .orElseGet(() -> !lockedAt.isEmpty()
                        && Instant.parse(lockedAt).isBefore(Instant.now(clock).minus(UNRECORDED_HOLDER_GRACE)));
    }

    private boolean takeOver(String stackName, String staleHolder, String deploymentId) {
        try {
            dynamo.putItem(PutItemRequest.builder()
                    .tableName(table)
                    .item(Map.of(
                            DeploymentRecords.KEY,
                            s(LOCK_PREFIX + stackName),
                            "lockedBy",
                            s(deploymentId),
                            "lockedAt",
                            s(now())))
                    .conditionExpression("lockedBy = :stale")
                    .expressionAttributeValues(Map.of(":stale", s(staleHolder)))
                    .build());
            return true;
        } catch (ConditionalCheckFailedException someoneElse) {
            return false;
        }
    }

    private String now() {
        return Instant.now(clock).toString();
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }
}
