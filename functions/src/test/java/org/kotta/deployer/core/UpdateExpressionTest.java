package org.kotta.deployer.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class UpdateExpressionTest {

    @Test
    void setsGoThroughPlaceholders_soReservedWordsAreSafe() {
        UpdateExpression update = new UpdateExpression().set("status", AttributeValue.fromS("RUNNING"));

        assertThat(update.expression()).isEqualTo("SET #n0 = :v1");
        assertThat(update.names()).containsExactlyEntriesOf(java.util.Map.of("#n0", "status"));
        assertThat(update.values()).containsExactlyEntriesOf(java.util.Map.of(":v1", AttributeValue.fromS("RUNNING")));
    }

    @Test
    void anAttributeNamedTwice_keepsOnePlaceholder() {
        UpdateExpression update = new UpdateExpression()
                .setNested("steps", "createBaseStack", "finishedAt", AttributeValue.fromS("t1"))
                .setNestedIfAbsent("steps", "createBaseStack", "startedAt", AttributeValue.fromS("t0"));

        assertThat(update.expression())
                .isEqualTo("SET #n0.#n1.#n2 = :v3, #n0.#n1.#n4 = if_not_exists(#n0.#n1.#n4, :v5)");
        assertThat(update.names()).hasSize(4).containsEntry("#n0", "steps").containsEntry("#n4", "startedAt");
        assertThat(update.values()).hasSize(2);
    }

    @Test
    void setIfAbsent_keepsAnExistingValue() {
        UpdateExpression update = new UpdateExpression().setIfAbsent("createdAt", AttributeValue.fromS("now"));

        assertThat(update.expression()).isEqualTo("SET #n0 = if_not_exists(#n0, :v1)");
    }

    @Test
    void removesComeAfterTheSets() {
        UpdateExpression update = new UpdateExpression()
                .set("status", AttributeValue.fromS("SUCCEEDED"))
                .remove("currentStep")
                .set("finishedAt", AttributeValue.fromS("t"));

        assertThat(update.expression()).isEqualTo("SET #n0 = :v1, #n3 = :v4 REMOVE #n2");
    }

    @Test
    void aNameForAConditionIsTheSamePlaceholderTheSetUses() {
        UpdateExpression update = new UpdateExpression().set("status", AttributeValue.fromS("FAILED"));

        assertThat(update.name("status")).isEqualTo("#n0");
        assertThat(update.names()).hasSize(1);
    }
}
