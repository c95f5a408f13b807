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
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The API's Idempotency-Key claims: one item {@code idem#<key>} in the DeploymentsTable per key,
 * holding the request's hash and, once answered, the answer to replay. Expired by TTL.
 */
public final class IdempotencyKeys {
    private static final String PREFIX = "idem#";

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;
    private final DeploymentRecords records;

    public IdempotencyKeys(DynamoDbClient dynamo, String table) {
        this(dynamo, table, Clock.systemUTC());
    }

    public IdempotencyKeys(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
        this.records = new DeploymentRecords(dynamo, table, clock);
    }

    /**
     * A key's claim.
     *
     * @param responseStatus the answer's HTTP status once the first request has answered, else null
     * @param responseBody   the answer's body once the first request has answered, else null
     */
    public record Claim(String claimedBy, String requestHash, Integer responseStatus, String responseBody) {
        public boolean answered() {
            return responseStatus != null;
        }
    }

    /**
     * Claims an Idempotency-Key for a new deployment with a conditional write, so that of two
     * racing requests with one key only one goes on. Empty when claimed; otherwise the
     * existing claim (an expired claim counts as free: TTL deletes items only eventually).
     */
    public Optional<Claim> claim(String key, String requestHash, String deploymentId, Duration ttl) {
        Instant now = Instant.now(clock);
        Map<String, AttributeValue> item = Map.of(
                DeploymentRecords.KEY,
                s(itemKey(key)),
                "claimedBy",
                s(deploymentId),
                "requestHash",
                s(requestHash),
                "claimedAt",
                s(now.toString()),
                "expiresAt",
                AttributeValue.fromN(Long.toString(now.plus(ttl).getEpochSecond())));
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                dynamo.putItem(PutItemRequest.builder()
                        .tableName(table)
                        .item(item)
                        .conditionExpression("attribute_not_exists(#k) OR expiresAt < :now")
                        .expressionAttributeNames(Map.of("#k", DeploymentRecords.KEY))
                        .expressionAttributeValues(
                                Map.of(":now", AttributeValue.fromN(Long.toString(now.getEpochSecond()))))
                        .build());
                return Optional.empty();
            } catch (ConditionalCheckFailedException taken) {
                Optional<Claim> existing = records.item(itemKey(key))
                        .map(claim -> new Claim(
                                claim.path("claimedBy").asText(null),
                                claim.path("requestHash").asText(),
                                claim.hasNonNull("responseStatus")
                                        ? claim.get("responseStatus").asInt()
                                        : null,
                                claim.path("responseBody").asText(null)));
                if (existing.isPresent()) {
                    return existing;
                }
                // released between our write and our read: try again
            }
        }
        throw new IllegalStateException("the idempotency key keeps changing hands");
    }

    /** Stores the answer given under a claimed key, for replays. */
    public void complete(String key, String deploymentId, int status, String responseBody) {
        dynamo.updateItem(UpdateItemRequest.builder()
                .tableName(table)
                .key(Map.of(DeploymentRecords.KEY, s(itemKey(key))))
                .updateExpression("SET responseStatus = :status, responseBody = :body")
                .conditionExpression("claimedBy = :me")
                .expressionAttributeValues(Map.of(
                        ":status",
                        AttributeValue.fromN(Integer.toString(status)),
                        ":body",
                        s(responseBody),
                        ":me",
                        s(deploymentId)))
                .build());
    }

    /** Frees a claimed key whose request started nothing, so a retry is judged afresh. */
    public void release(String key, String deploymentId) {
        try {
            dynamo.deleteItem(b -> b.tableName(table)
                    .key(Map.of(DeploymentRecords.KEY, s(itemKey(key))))
                    .conditionExpression("claimedBy = :me")
                    .expressionAttributeValues(Map.of(":me", s(deploymentId))));
        } catch (ConditionalCheckFailedException notOurs) {
            // expired and claimed by another request meanwhile: not ours to free
        }
    }

    private static String itemKey(String key) {
        return PREFIX + key;
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }
}
