package org.kotta.platform.executor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kotta.platform.core.JobRecord;
import org.kotta.platform.core.JobStatus;

/**
 * A job put back again and again (spot interruptions, scale-ins, redeploys) is never
 * dead-lettered: each put-back sends a fresh message instead of making the received one
 * visible again, whose receive count would reach the queue's {@code maxReceiveCount}.
 */
class PutBackIT {

    @Test
    void aJobPutBackSixTimes_onAQueueThatDeadLettersAfterFiveReceives_stillCompletes() throws Exception {
        try (ExecutorCloud cloud = new ExecutorCloud(30, 5)) {
            String id = cloud.submit(
                    cloud.job("user-a", "sleep 2\necho done > result.txt\n", List.of(), List.of("result.txt"), 60));
            for (int stop = 1; stop <= 6; stop++) {
                int attempt = stop;
                cloud.startExecutor("exec-interrupted-" + stop + "-" + cloud.suffix);
                cloud.await(
                        id, j -> j.status() == JobStatus.PROCESSING && j.attempt() == attempt, Duration.ofSeconds(20));
                cloud.stopExecutors();
                assertThat(cloud.store.find(id).orElseThrow().status())
                        .as("after stop %d", stop)
                        .isEqualTo(JobStatus.PENDING);
            }

            cloud.startExecutor("exec-last-" + cloud.suffix);
            JobRecord ended = cloud.awaitEnd(id, Duration.ofSeconds(30));

            assertThat(ended.status()).isEqualTo(JobStatus.COMPLETED);
            assertThat(ended.attempt()).isEqualTo(7);
            assertThat(cloud.output(id, "result.txt")).isEqualTo("done\n");
            assertThat(cloud.messagesOn(cloud.deadLettersUrl))
                    .as("dead letters")
                    .isZero();
        }
    }
}
