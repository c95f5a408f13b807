package org.kotta.deployer.stacks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kotta.deployer.core.StackPhase;
import software.amazon.awssdk.services.cloudformation.model.StackStatus;

/** The pure rules of the package: status → phase, change set names, "no changes", specs. */
class StackRulesTest {

    @Test
    void everyStackStatus_hasThePhaseTheStateMachineExpects() {
        for (StackStatus status : StackStatus.knownValues()) {
            String name = status.toString();
            StackPhase expected;
            if (name.endsWith("_IN_PROGRESS")) {
                expected = StackPhase.IN_PROGRESS;
            } else if (name.equals("CREATE_COMPLETE")
                    || name.equals("UPDATE_COMPLETE")
                    || name.equals("IMPORT_COMPLETE")) {
                expected = StackPhase.SUCCEEDED;
            } else {
                expected = StackPhase.FAILED;
            }
            assertThat(StackWatcher.phaseOf(name)).as(name).isEqualTo(expected);
        }
    }

    @Test
    void statusesCloudFormationMayAddLater_andNoStatus_areFailures() {
        assertThat(StackWatcher.phaseOf("SOMETHING_NEW")).isEqualTo(StackPhase.FAILED);
        assertThat(StackWatcher.phaseOf(null)).isEqualTo(StackPhase.FAILED);
    }

    @Test
    void changeSetName_isTheTokenWhenItIsAlreadyValid() {
        assertThat(StackDeployer.changeSetName("d-1234-createBaseStack")).isEqualTo("d-1234-createBaseStack");
    }

    @Test
    void changeSetName_startsWithALetter() {
        assertThat(StackDeployer.changeSetName("1234-base")).isEqualTo("cs-1234-base");
    }

    @Test
    void changeSetName_replacesCharactersCloudFormationRefuses() {
        assertThat(StackDeployer.changeSetName("d_1.2:x"))
                .matches("[a-zA-Z][-a-zA-Z0-9]*")
                .isEqualTo("d-1-2-x");
    }

    @Test
    void changeSetName_isAtMost128Characters() {
        String name = StackDeployer.changeSetName("9" + "a".repeat(127));
        assertThat(name).hasSize(128).startsWith("cs-9");
    }

    @Test
    void noChanges_isRecognisedInBothWordings() {
        assertThat(StackDeployer.isNoChanges("The submitted information didn't contain changes. "
                        + "Submit different information to create a change set."))
                .isTrue();
        assertThat(StackDeployer.isNoChanges("No updates are to be performed.")).isTrue();
        assertThat(StackDeployer.isNoChanges("Template format error: unresolved resource"))
                .isFalse();
        assertThat(StackDeployer.isNoChanges(null)).isFalse();
    }

    @Test
    void spec_needsExactlyOneTemplateSource() {
        assertThatThrownBy(() -> new StackSpec("s", null, null, Map.of(), Map.of(), "t", null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StackSpec("s", "body", "https://x", Map.of(), Map.of(), "t", null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void spec_refusesATokenCloudFormationWouldRefuse() {
        assertThatThrownBy(() -> new StackSpec("s", "body", null, Map.of(), Map.of(), "-bad", null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StackSpec("s", "body", null, Map.of(), Map.of(), "a".repeat(129), null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void spec_treatsMissingMapsAsEmpty() {
        StackSpec spec = new StackSpec("s", "body", null, null, null, "t", null);
        assertThat(spec.parameters()).isEmpty();
        assertThat(spec.tags()).isEmpty();
    }
}
