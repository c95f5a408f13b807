package org.kotta.deployer.trigger;

import java.util.Map;
import java.util.Optional;

import org.kotta.deployer.core.DeploymentRecords;
import org.kotta.deployer.core.DynamoJson;

import com.fasterxml.jackson.databind.node.ObjectNode;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Finds a JobsBucket's latest successful deployment through the {@code byJobsBucket} index. */
public final class SucceededDeployments {
    static final int PAGE_SIZE = 25;

    private final DynamoDbClient dynamo;
    private final String table;

    public SucceededDeployments(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    /** Newest first, page by page, the first record whose status is SUCCEEDED. */
    public Optional<ObjectNode> latestFor(String jobsBucketName) {
        return dynamo.queryPaginator(b -> b.tableName(table)
                        .indexName(DeploymentRecords.BY_BUCKET_INDEX)
                        .keyConditionExpression("#b = :b")
                        .expressionAttributeNames(Map.of("#b", "jobsBucketName"))
                        .expressionAttributeValues(Map.of(":b", AttributeValue.fromS(jobsBucketName)))
                        .scanIndexForward(false)
                        .limit(PAGE_SIZE))
                .items().stream()
                .filter(item -> item.containsKey("status")
                        && DeploymentRecords.SUCCEEDED.equals(item.get("status").s()))
                .findFirst()
                .map(DynamoJson::toJson);
    }
}
