package org.kotta.platform.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kotta.platform.core.JobItems;
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
            cloud.awaitNoMessagesLeft(Duration.ofSeconds(10));

            assertThat(ended.status()).isEqualTo(JobStatus.COMPLETED);
            assertThat(runner.jobsClaimed()).isEqualTo(1);
            assertThat(watcher.messagesReceived())
                    .as("the message never came back while the job ran")
                    .isZero();
            assertThat(cloud.messagesLeft()).isZero();
        }
    }

    /**
     * The running executor's message lapses (here: it extends only every 5 s, 2 s ahead). Another
     * executor receives it while the job runs on a live executor: the message is neither deleted
     * (the job would have no message left if its executor died) nor run twice; its new receipt
     * handle is handed back through the item, and the job's executor deletes it at the end.
     */
    @Test
    void aRunningJobsMessageThatCameBack_isKept_andHandedBackToItsExecutor() throws Exception {
        try (ExecutorCloud cloud = new ExecutorCloud(3)) {
            TaskExecutor runner = cloud.startExecutor("exec-late-" + cloud.suffix, Duration.ofSeconds(5), 2);
            String id = cloud.submit(cloud.job("user-a", "sleep 12\necho done\n", List.of(), List.of(), 60));
            cloud.await(id, j -> j.status() == JobStatus.PROCESSING, Duration.ofSeconds(20));
            TaskExecutor watcher = cloud.startExecutor("exec-watcher-" + cloud.suffix, Duration.ofSeconds(5), 2);

            await("the lapsed message at the watcher")
                    .atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> watcher.messagesReceived() > 0);
            assertThat(watcher.messagesReceived())
                    .as("the lapsed message reached the watcher")
                    .isPositive();
            // the watcher is done with it once it has handed the new receipt back through the item
            await("the receipt handed back")
                    .atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> cloud.item(id).containsKey(JobItems.RECEIPT));
            assertThat(cloud.store.find(id).orElseThrow().status()).isEqualTo(JobStatus.PROCESSING);
            assertThat(cloud.messagesLeft())
                    .as("the running job's message is still on the queue")
                    .isEqualTo(1);

            JobRecord ended = cloud.awaitEnd(id, Duration.ofSeconds(30));
            cloud.awaitNoMessagesLeft(Duration.ofSeconds(10));

            assertThat(ended.status()).isEqualTo(JobStatus.COMPLETED);
            assertThat(ended.attempt()).isEqualTo(1);
            assertThat(runner.jobsClaimed()).isEqualTo(1);
            assertThat(watcher.jobsClaimed()).isZero();
            assertThat(cloud.messagesLeft()).isZero();
        }
    }
}
