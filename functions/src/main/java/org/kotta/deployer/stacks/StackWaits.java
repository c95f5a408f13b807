package org.kotta.deployer.stacks;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.kotta.deployer.core.DeploymentRecords;
import org.kotta.deployer.core.Json;
import org.kotta.deployer.core.StackProgress;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The task tokens of the stack waits: one item {@code wait#<stack id>} in the DeploymentsTable per
 * stack a deployment waits on, holding the token, the deployment and the stack's progress so far,
 * expired by the table's TTL. Whoever completes a token first deletes its item with a condition on
 * the token, so a late or repeated event, or a wait that already ended, completes nothing.
 */
public final class StackWaits {
    static final String PREFIX = "wait#";
    /** Far past the wait task's own timeout; the item only has to outlive the task. */
    static final Duration TIME_TO_LIVE = Duration.ofHours(6);

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    public StackWaits(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    /** A deployment waiting on a stack: its task token and the stack's progress when it began to wait. */
    public record Waiting(String stackKey, String taskToken, String deploymentId, StackProgress stack) {}

    /** The key a stack is waited on by: its id (what the status-change event names), else its name. */
    public static String stackKey(StackProgress stack) {
        return stack.stackId() != null ? stack.stackId() : stack.stackName();
    }

    /** Keeps a token beside the stack (a newer wait on the same stack replaces an older one). */
    public void put(String taskToken, String deploymentId, StackProgress stack) {
        String progress;
        try {
            progress = Json.MAPPER.writeValueAsString(stack);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stack's progress cannot be written", e);
        }
        long expiresAt = clock.instant().plus(TIME_TO_LIVE).getEpochSecond();
        dynamo.putItem(b -> b.tableName(table)
                .item(Map.of(
                        DeploymentRecords.KEY,
                        s(PREFIX + stackKey(stack)),
                        "taskToken",
                        s(taskToken),
                        "waitingDeployment",
                        s(deploymentId),
                        "stack",
                        s(progress),
                        "waitingSince",
                        s(clock.instant().toString()),
                        "expiresAt",
                        AttributeValue.fromN(Long.toString(expiresAt)))));
    }

    /** Who waits on the stack with this key, if anyone (an expired item counts as nobody). */
    public Optional<Waiting> find(String stackKey) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table)
                        .key(Map.of(DeploymentRecords.KEY, s(PREFIX + stackKey)))
                        .consistentRead(true))
                .item();
        if (item == null || item.isEmpty() || !item.containsKey("taskToken")) {
            return Optional.empty();
        }
        AttributeValue expiresAt = item.get("expiresAt");
        if (expiresAt != null && Long.parseLong(expiresAt.n()) < clock.instant().getEpochSecond()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Waiting(
                    stackKey,
                    item.get("taskToken").s(),
                    item.get("waitingDeployment").s(),
                    Json.MAPPER.readValue(item.get("stack").s(), StackProgress.class)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the wait item of " + stackKey + " cannot be read", e);
        }
    }

    /**
     * Takes the token for completing it: deletes the item only if it still holds this token.
     * False when someone else completed it first (a duplicate event, or the waiting step itself).
     */
    public boolean claim(String stackKey, String taskToken) {
        try {
            dynamo.deleteItem(b -> b.tableName(table)
                    .key(Map.of(DeploymentRecords.KEY, s(PREFIX + stackKey)))
                    .conditionExpression("taskToken = :token")
                    .expressionAttributeValues(Map.of(":token", s(taskToken))));
            return true;
        } catch (ConditionalCheckFailedException taken) {
            return false;
        }
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }
}
