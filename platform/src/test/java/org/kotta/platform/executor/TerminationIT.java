package org.kotta.platform.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.kotta.platform.core.JobRecord;
import org.kotta.platform.core.JobStatus;
import org.kotta.platform.core.Wiring;

/**
 * An executor of an Auto Scaling group whose instance is being terminated (scale-in, a rollout)
 * lets its job finish and only then completes the termination hook and returns; an idle one
 * goes at once. The metadata service is a loopback stand-in; the Auto Scaling calls go to the
 * local cloud (which answers the hook's calls and refuses SetInstanceProtection: a warning).
 */
class TerminationIT {

    @Test
    void aRunningJobFinishesBeforeTheExecutorGoes_andAnIdleOneGoesAtOnce() throws Exception {
        try (ExecutorCloud cloud = new ExecutorCloud();
                MetadataStub imds = new MetadataStub()) {
            CompletableFuture<Instant> ended = new CompletableFuture<>();
            TaskExecutor executor = start(cloud, imds, "exec-draining-" + cloud.suffix, ended);
            String id = cloud.submit(cloud.job(
                    "user-a", "sleep 10\necho finished > result.txt\n", List.of(), List.of("result.txt"), 60));
            cloud.await(id, j -> j.status() == JobStatus.PROCESSING, Duration.ofSeconds(20));

            imds.state("Terminated");
            int readsBefore = imds.reads();
            // the executor has read "Terminated" (it reads the state while its job runs) and stays
            await("the executor's read of the terminating state")
                    .atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> imds.reads() > readsBefore);
            assertThat(ended).as("the executor waits for its job").isNotDone();
            String later = cloud.submit(cloud.job("user-a", "echo later\n", List.of(), List.of(), 60));

            JobRecord job = cloud.awaitEnd(id, Duration.ofSeconds(20));
            Instant gone = ended.get(15, java.util.concurrent.TimeUnit.SECONDS);

            assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
            assertThat(job.attempt()).as("finished, not put back").isEqualTo(1);
            assertThat(cloud.output(id, "result.txt")).isEqualTo("finished\n");
            assertThat(gone.getEpochSecond()).isGreaterThanOrEqualTo(job.completeTime());
            assertThat(executor.jobsClaimed()).isEqualTo(1);
            assertThat(cloud.store.find(later).orElseThrow().status())
                    .as("no new job taken")
                    .isEqualTo(JobStatus.PENDING);

            // an idle executor whose instance is already being terminated goes without receiving anything
            CompletableFuture<Instant> idleEnded = new CompletableFuture<>();
            try (MetadataStub idleImds = new MetadataStub()) {
                idleImds.state("Terminated");
                TaskExecutor idle = start(cloud, idleImds, "exec-idle-" + cloud.suffix, idleEnded);
                idleEnded.get(10, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(idle.messagesReceived()).isZero();
                assertThat(cloud.store.find(later).orElseThrow().status()).isEqualTo(JobStatus.PENDING);
            }
        }
    }

    private static TaskExecutor start(
            ExecutorCloud cloud, MetadataStub imds, String instanceId, CompletableFuture<Instant> ended) {
        Map<String, String> env = cloud.wiring(instanceId);
        env.put(Wiring.AUTOSCALING_GROUP, "kotta-" + cloud.suffix + "-test-workers");
        env.put(Wiring.LIFECYCLE_HOOK, "kotta-let-the-job-finish");
        env.put(Wiring.METADATA_URL, imds.url());
        ExecutorSettings settings = ExecutorSettings.fromWiring(new Wiring(env))
                .withTimings(
                        1,
                        Duration.ofSeconds(5),
                        30,
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(20));
        TaskExecutor executor = new TaskExecutor(settings, cloud.clients);
        Thread thread = executor.start();
        new Thread(() -> {
                    try {
                        thread.join();
                        ended.complete(Instant.now());
                    } catch (InterruptedException e) {
                        ended.completeExceptionally(e);
                    }
                })
                .start();
        return executor;
    }
}
