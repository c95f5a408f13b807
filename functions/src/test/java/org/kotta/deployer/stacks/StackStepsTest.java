package org.kotta.deployer.stacks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kotta.deployer.core.StackPhase;

class StackStepsTest {

    @Test
    void nothingToChange_onAStackWhoseLastUpdateRolledBack_isUsable_withItsOutputs() {
        StackReport rolledBack = new StackReport(
                "kotta-lab",
                "id",
                StackPhase.FAILED,
                "UPDATE_ROLLBACK_COMPLETE",
                "WebServerGroup (AWS::AutoScaling::AutoScalingGroup): timed out",
                Map.of("WebUrl", "https://k.example.org"));

        StackReport afterNoChange = StackSteps.afterNoChange(rolledBack);

        assertThat(afterNoChange.phase()).isEqualTo(StackPhase.SUCCEEDED);
        assertThat(afterNoChange.reason()).isNull();
        assertThat(afterNoChange.outputs()).containsEntry("WebUrl", "https://k.example.org");
    }

    @Test
    void nothingToChange_leavesOtherLooksAsTheyAre() {
        StackReport complete = new StackReport("s", "id", StackPhase.SUCCEEDED, "UPDATE_COMPLETE", null, Map.of());
        StackReport busy = new StackReport("s", "id", StackPhase.IN_PROGRESS, "UPDATE_IN_PROGRESS", null, Map.of());
        StackReport failedCreate = new StackReport("s", "id", StackPhase.FAILED, "ROLLBACK_COMPLETE", "bad", Map.of());

        assertThat(StackSteps.afterNoChange(complete)).isEqualTo(complete);
        assertThat(StackSteps.afterNoChange(busy)).isEqualTo(busy);
        assertThat(StackSteps.afterNoChange(failedCreate)).isEqualTo(failedCreate);
    }

    @Test
    void theImageChoice_isRecordedAsResolvedOrKept() {
        ImageChoice kept =
                new ImageChoice("ami-0123456789abcdef0", ImageChoice.Source.KEPT, null, "the image the stack runs");

        assertThat(org.kotta.deployer.core.DynamoJson.toAttribute(kept)
                        .m()
                        .get("source")
                        .s())
                .isEqualTo("kept");
        assertThat(org.kotta.deployer.core.Json.MAPPER
                        .valueToTree(new ImageChoice(
                                "ami-0123456789abcdef0",
                                ImageChoice.Source.RESOLVED,
                                KottaImages.PUBLIC_PARAMETER,
                                "created"))
                        .path("source")
                        .asText())
                .isEqualTo("resolved");
    }
}
