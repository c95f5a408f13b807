package org.kotta.platform.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kotta.platform.core.JobRecord;
import org.kotta.platform.core.JobStatus;
import org.kotta.platform.core.Wiring;

/**
 * Jobs run as a dedicated job user (the executor runs as root, {@code KOTTA_JOB_USER=nobody},
 * {@code KOTTA_JOB_USER_DEDICATED=true}): nothing the job started outlives it, not even a
 * process that left its session, and the job's processes and files are capped.
 */
class JobUserIT {
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    @Test
    void aProcessThatLeftTheJobsSession_isKilledWhenTheJobEnds() throws Exception {
        assumeTrue(ROOT, "jobs run as a job user only when the executor runs as root");
        try (ExecutorCloud cloud = new ExecutorCloud()) {
            cloud.startExecutor(
                    "exec-sweep-" + cloud.suffix, Duration.ofSeconds(5), 30, Map.of(Wiring.JOB_USER_DEDICATED, "true"));
            String id = cloud.submit(cloud.job(
                    "user-a",
                    "setsid sleep 300 &\necho $! > leftover.pid\nsleep 1\n",
                    List.of(),
                    List.of("leftover.pid"),
                    60));

            JobRecord ended = cloud.awaitEnd(id, Duration.ofSeconds(40));

            assertThat(ended.status()).isEqualTo(JobStatus.COMPLETED);
            long leftover = Long.parseLong(cloud.output(id, "leftover.pid").strip());
            assertThat(JobLifecycleIT.gone(leftover))
                    .as("the job's setsid child " + leftover + " is gone")
                    .isTrue();
        }
    }

    @Test
    void aForkBombStopsAtTheProcessCap_andAFileStopsAtTheSizeCap() throws Exception {
        assumeTrue(ROOT, "jobs run as a job user only when the executor runs as root");
        try (ExecutorCloud cloud = new ExecutorCloud()) {
            cloud.startExecutor(
                    "exec-caps-" + cloud.suffix,
                    Duration.ofSeconds(5),
                    30,
                    Map.of(
                            Wiring.JOB_USER_DEDICATED,
                            "true",
                            Wiring.JOB_MAX_PROCESSES,
                            "20",
                            Wiring.OUTPUT_FILE_MAX_BYTES,
                            "100000"));
            // the shell that cannot fork ends: the loop runs in a subshell of its own
            String script = "(for i in $(seq 1 40); do sleep 2 & done) 2> forks.txt\nsleep 3\n"
                    + "head -c 200000 /dev/zero > big.bin\necho \"head: $?\" > size.txt\n";
            String id = cloud.submit(
                    cloud.job("user-a", script, List.of(), List.of("forks.txt", "big.bin", "size.txt"), 60));

            JobRecord ended = cloud.awaitEnd(id, Duration.ofSeconds(40));

            assertThat(cloud.output(id, "forks.txt"))
                    .as("forks refused past the cap")
                    .contains("fork");
            assertThat(cloud.output(id, "size.txt"))
                    .as("head killed by SIGXFSZ")
                    .isEqualTo("head: 153\n");
            assertThat(cloud.s3
                            .headObject(b -> b.bucket(cloud.bucket)
                                    .key(org.kotta.platform.core.JobPaths.outputKey(id, "big.bin")))
                            .contentLength())
                    .isLessThanOrEqualTo(100000L);
            assertThat(ended.status()).isEqualTo(JobStatus.COMPLETED);
        }
    }
}
