package org.kotta.deployer.rollback;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.kotta.deployer.core.DeploymentIds;

class RollBackIdTest {

    @Test
    void aRollbacksIdNamesTheDeploymentItUndoes_soARepeatedStepStartsNothingNew() {
        assertThat(RollBack.rollbackId("dep-1234")).isEqualTo("dep-1234-rollback");
        assertThat(RollBack.rollbackId("dep-1234")).isEqualTo(RollBack.rollbackId("dep-1234"));
    }

    @Test
    void anIdTooLongForASuffix_getsOneDerivedFromIt() {
        String longest = "d".repeat(DeploymentIds.MAX_LENGTH);
        String id = RollBack.rollbackId(longest);
        assertThat(id).hasSizeLessThanOrEqualTo(DeploymentIds.MAX_LENGTH);
        assertThat(DeploymentIds.isPlausible(id)).isTrue();
        assertThat(RollBack.rollbackId(longest)).isEqualTo(id);
        assertThat(RollBack.rollbackId("e".repeat(DeploymentIds.MAX_LENGTH))).isNotEqualTo(id);
    }
}
