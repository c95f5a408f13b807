package org.kotta.platform.executor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.kotta.platform.core.JobRecord;
import org.kotta.platform.core.JobStatus;

/** A job running longer than its queue's visibility timeout keeps its message from every other executor. */
class VisibilityIT {

    @Test
    void aRunningJobsMessageStaysInvisible_whileItRunsPastTheQueuesVisibilityTimeout() throws Exception {
        try (ExecutorCloud cloud = new ExecutorCloud(3)) {
            TaskExecutor runner = cloud.startExecutor("exec-runner-" + cloud.suffix, Duration.ofSeconds(1), 4);
            String id = cloud.submit(cloud.job("user-a", "sleep 8\necho done\n", List.of(), List.of(), 60));
            cloud.await(id, j -> j.status() == JobStatus.PROCESSING, Duration.ofSeconds(20));
            TaskExecutor watcher = cloud.startExecutor("exec-watcher-" + cloud.suffix, Duration.ofSeconds(1), 4);

            JobRecord ended = cloud.awaitEnd(id, Duration.ofSeconds(30));
            // the executor deletes the message just after writing the final status
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (cloud.messagesLeft() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }

            assertThat(ended.status()).isEqualTo(JobStatus.COMPLETED);
            assertThat(runner.jobsClaimed()).isEqualTo(1);
            assertThat(watcher.messagesReceived()).as("the message never came back while the job ran").isZero();
            assertThat(cloud.messagesLeft()).isZero();
        }
    }
}
