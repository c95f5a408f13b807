package org.kotta.platform.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kotta.platform.core.JobItems;
import org.kotta.platform.core.JobRecord;
import org.kotta.platform.core.JobStatus;
import org.kotta.platform.core.JobStore;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A job taken over ({@link JobStore#reclaimStale}) from an executor that was only cut off, not
 * dead: the old executor's status writes are refused from then on, so the two never both
 * finish it. Against the JobsTable in the local cloud.
 */
class TakeOverIT {
    private static final String A = "exec-a";
    private static final String B = "exec-b";
    private ExecutorCloud cloud;
    private JobStore store;

    @BeforeEach
    void cloud() throws Exception {
        cloud = new ExecutorCloud();
        store = cloud.store;
    }

    @AfterEach
    void close() throws Exception {
        cloud.close();
    }

    private static Map<String, AttributeValue> ended() {
        return Map.of(JobItems.COMPLETE_TIME, AttributeValue.fromN("2000000000"));
    }

    @Test
    void afterATakeOver_theOldExecutorsWritesAreRefused_andTheNewOneFinishesTheJob() {
        JobRecord job = cloud.job("user-a", "sleep 1\n", List.of(), List.of(), 60);
        store.create(job);
        String id = job.jobId();
        assertThat(store.claim(id, A, "local", 1000)).isPresent();
        assertThat(store.advance(id, A, Set.of(JobStatus.STAGING_INPUTS), JobStatus.PROCESSING, Map.of()))
                .isPresent();

        // A fell silent (no heartbeat since 1000); B takes the job over and runs it to processing
        assertThat(store.reclaimStale(id, B, "local", 2000, 1500)).isPresent();
        assertThat(store.advance(id, B, Set.of(JobStatus.STAGING_INPUTS), JobStatus.PROCESSING, Map.of()))
                .isPresent();

        // A comes back: the status is again one A would leave, yet every write of A is refused
        assertThat(store.advance(id, A, Set.of(JobStatus.PROCESSING), JobStatus.STAGING_OUTPUTS, Map.of()))
                .isEmpty();
        assertThat(store.advance(id, A, Set.of(JobStatus.PROCESSING), JobStatus.COMPLETED, ended()))
                .isEmpty();
        assertThat(store.advance(
                        id,
                        A,
                        Set.of(JobStatus.STAGING_INPUTS, JobStatus.PROCESSING, JobStatus.STAGING_OUTPUTS),
                        JobStatus.FAILED,
                        ended()))
                .isEmpty();
        assertThat(store.requeue(id, A)).isFalse();
        assertThat(store.find(id).orElseThrow().status()).isEqualTo(JobStatus.PROCESSING);

        assertThat(store.advance(id, B, Set.of(JobStatus.PROCESSING), JobStatus.STAGING_OUTPUTS, Map.of()))
                .isPresent();
        JobRecord done = store.advance(id, B, Set.of(JobStatus.STAGING_OUTPUTS), JobStatus.COMPLETED, ended())
                .orElseThrow();
        assertThat(done.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(done.instanceId()).isEqualTo(B);
        assertThat(done.attempt()).isEqualTo(2);
    }

    @Test
    void aRunningJobMovesOnlyThroughItsHolder() {
        JobRecord job = cloud.job("user-a", "true\n", List.of(), List.of(), 60);
        store.create(job);
        assertThatThrownBy(
                        () -> store.transition(job.jobId(), Set.of(JobStatus.PROCESSING), JobStatus.COMPLETED, ended()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
