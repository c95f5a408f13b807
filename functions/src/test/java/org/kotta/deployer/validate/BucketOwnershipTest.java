package org.kotta.deployer.validate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * What the bucket check says of an existing bucket, from the base stack's JobsBucket resource. The
 * local cloud forgets a rolled-back stack's resources, so the "left behind" answer is tested here.
 */
class BucketOwnershipTest {

    @Test
    void theStacksOwnBucket_isARedeploy() {
        assertThat(AccountChecker.heldProblem("k-base", "jobs", "jobs", "UPDATE_COMPLETE"))
                .isNull();
    }

    @Test
    void aBucketItsStackLeftBehindOnARolledBackCreate_saysSo_andThatAnotherCreateWouldFail() {
        assertThat(AccountChecker.heldProblem("k-base", "jobs", "jobs", "DELETE_SKIPPED"))
                .contains("left behind by stack k-base")
                .contains("DELETE_SKIPPED")
                .contains("already exists")
                .contains("delete the bucket");
    }

    @Test
    void aBucketNoStackHolds_isNotCalledAnotherStacksOrAccounts() {
        assertThat(AccountChecker.heldProblem("k-base", "jobs", null, null))
                .contains("already exists in this account but stack k-base does not hold it")
                .doesNotContain("another stack or account");
    }

    @Test
    void aBucketThatIsNotTheStacksJobsBucket_namesTheStacksOwn() {
        assertThat(AccountChecker.heldProblem("k-base", "jobs", "other-jobs", "CREATE_COMPLETE"))
                .contains("is not the JobsBucket of stack k-base (that is other-jobs)");
    }
}
