package org.kotta.platform.executor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.kotta.platform.core.FileMapping;
import org.kotta.platform.core.JobPaths;
import org.kotta.platform.core.JobRecord;
import org.kotta.platform.core.JobStatus;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** One executor of the Test pool, in this JVM, running jobs from start to end against the local cloud. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobLifecycleIT {
    private static final Duration END = Duration.ofSeconds(40);
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));
    private ExecutorCloud cloud;

    @BeforeAll
    void startAnExecutor() throws Exception {
        cloud = new ExecutorCloud();
        cloud.startExecutor("exec-lifecycle-" + cloud.suffix);
    }

    @AfterAll
    void stop() throws Exception {
        cloud.close();
    }

    @Test
    void aJobCompletes_withItsOutputsInS3_andCloudKottasAttributes() throws Exception {
        JobRecord job = cloud.job(
                "user-a",
                "echo hello > foo.txt\necho to-stdout\necho to-stderr >&2\nid -un > whoami.txt\n",
                List.of(),
                List.of("foo.txt", "whoami.txt", "never-made.txt"),
                60);
        String id = cloud.submit(job);

        JobRecord ended = cloud.awaitEnd(id, END);

        assertThat(ended.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(ended.error()).isNull();
        assertThat(ended.attempt()).isEqualTo(1);
        assertThat(ended.instanceId()).isEqualTo("exec-lifecycle-" + cloud.suffix);
        assertThat(cloud.outputKeys(id)).containsExactlyInAnyOrder("foo.txt", "whoami.txt", "STDOUT.txt", "STDERR.txt");
        assertThat(cloud.output(id, "foo.txt")).isEqualTo("hello\n");
        assertThat(cloud.output(id, "STDOUT.txt")).isEqualTo("to-stdout\n");
        assertThat(cloud.output(id, "STDERR.txt")).isEqualTo("to-stderr\n");
        if (ROOT) {
            assertThat(cloud.output(id, "whoami.txt")).isEqualTo("nobody\n");
        }
        Map<String, AttributeValue> item = cloud.item(id);
        assertThat(item)
                .containsKeys(
                        "start_time",
                        "complete_time",
                        "z_stagein_dur",
                        "z_processing_dur",
                        "z_stageout_dur",
                        "i_instance_id",
                        "i_instance_type");
        assertThat(item.get("status").s()).isEqualTo("completed");
        assertThat(item.get("missing_outputs").l())
                .extracting(AttributeValue::s)
                .containsExactly("never-made.txt");
        assertThat(Files.exists(cloud.workRoot.resolve(id)))
                .as("work dir removed")
                .isFalse();
        awaitNoMessages();
        assertThat(String.join("\n", cloud.notifications()))
                .contains(id)
                .contains("completed")
                .contains("user-a@example.org");
    }

    @Test
    void aNonZeroExitFails_withItsExitCode() throws Exception {
        String id = cloud.submit(
                cloud.job("user-a", "echo partial > foo.txt\nexit 3\n", List.of(), List.of("foo.txt"), 60));

        JobRecord ended = cloud.awaitEnd(id, END);

        assertThat(ended.status()).isEqualTo(JobStatus.FAILED);
        assertThat(ended.errorCode()).isEqualTo(3);
        assertThat(ended.error()).contains("exited with code 3");
        assertThat(cloud.output(id, "foo.txt")).isEqualTo("partial\n");
    }

    @Test
    void theWallTimeKillsTheWholeProcessTree() throws Exception {
        String script = "(sleep 600) &\necho $! > child.pid\nsleep 600\n";
        String id = cloud.submit(cloud.job("user-a", script, List.of(), List.of("child.pid"), 2));

        JobRecord ended = cloud.awaitEnd(id, Duration.ofSeconds(30));

        assertThat(ended.status()).isEqualTo(JobStatus.FAILED);
        assertThat(ended.error()).contains("wall time of 2 s was exceeded");
        assertThat(ended.processingSeconds()).isBetween(1.5, 10.0);
        long child = Long.parseLong(cloud.output(id, "child.pid").strip());
        assertThat(gone(child))
                .as("the job's child process " + child + " is gone")
                .isTrue();
    }

    @Test
    void aPendingJobThatWasCancelledIsSkipped() throws Exception {
        JobRecord job = cloud.job("user-a", "echo ran > ran.txt\n", List.of(), List.of("ran.txt"), 60);
        cloud.store.create(job);
        assertThat(cloud.store.requestCancel(job.jobId(), "user-a", 1L)).isPresent();
        cloud.send(job.jobId());

        awaitNoMessages();

        JobRecord after = cloud.store.find(job.jobId()).orElseThrow();
        assertThat(after.status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(after.attempt()).isZero();
        assertThat(cloud.outputKeys(job.jobId())).isEmpty();
    }

    @Test
    void aRunningJobIsKilledWithinTenSecondsOfItsCancel() throws Exception {
        String id = cloud.submit(cloud.job("user-a", "sleep 600\n", List.of(), List.of(), 600));
        cloud.await(id, j -> j.status() == JobStatus.PROCESSING, END);

        long asked = System.nanoTime();
        assertThat(cloud.store.requestCancel(id, "user-a", 1L)).isPresent();
        JobRecord ended = cloud.awaitEnd(id, Duration.ofSeconds(10));

        assertThat(ended.status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofSeconds(10));
        awaitNoMessages();
    }

    @Test
    void anInputFromTheUsersOwnAreaIsStaged() throws Exception {
        String key = JobPaths.userArea("user-a") + "data/in.txt";
        cloud.put(key, "abc\n");
        String url = "s3://" + cloud.bucket + "/" + key;
        String id = cloud.submit(cloud.job(
                "user-a",
                "tr a-z A-Z < in.txt > out.txt\n",
                List.of(new FileMapping(url, "in.txt")),
                List.of("out.txt"),
                60));

        JobRecord ended = cloud.awaitEnd(id, END);

        assertThat(ended.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(cloud.output(id, "out.txt")).isEqualTo("ABC\n");
    }

    @Test
    void anInputFromAnotherUsersAreaFailsTheJobAtStagingInputs_namingIt() throws Exception {
        String key = JobPaths.userArea("user-b") + "private.txt";
        cloud.put(key, "not yours\n");
        String url = "s3://" + cloud.bucket + "/" + key;
        String id = cloud.submit(
                cloud.job("user-a", "cat private.txt\n", List.of(new FileMapping(url, "private.txt")), List.of(), 60));

        JobRecord ended = cloud.awaitEnd(id, END);

        assertThat(ended.status()).isEqualTo(JobStatus.FAILED);
        assertThat(ended.error()).startsWith("staging_inputs:").contains(url).contains("outside your own area");
        assertThat(ended.processingSeconds()).as("never ran").isNull();
        assertThat(ended.errorCode()).isNull();
        assertThat(cloud.outputKeys(id)).isEmpty();
    }

    @Test
    void aJobWhoseExecutorDiedSilently_isTakenOverWhenItsMessageComesBack() throws Exception {
        JobRecord job = cloud.job("user-a", "echo second try\n", List.of(), List.of(), 60);
        cloud.store.create(job);
        long longAgo = java.time.Instant.now().getEpochSecond() - 3600;
        assertThat(cloud.store.claim(job.jobId(), "exec-crashed", "local", longAgo))
                .isPresent();
        cloud.send(job.jobId());

        JobRecord ended = cloud.awaitEnd(job.jobId(), END);

        assertThat(ended.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(ended.attempt()).isEqualTo(2);
        assertThat(ended.instanceId()).isEqualTo("exec-lifecycle-" + cloud.suffix);
        assertThat(cloud.output(job.jobId(), "STDOUT.txt")).isEqualTo("second try\n");
    }

    private void awaitNoMessages() {
        cloud.awaitNoMessagesLeft(Duration.ofSeconds(20));
        assertThat(cloud.messagesLeft())
                .as("messages left on the pending queue")
                .isZero();
    }

    /** Gone, or a zombie nobody reaped (dead all the same). */
    static boolean gone(long pid) {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        try {
            String text = Files.readString(stat);
            return text.substring(text.lastIndexOf(')') + 2).startsWith("Z");
        } catch (java.io.IOException vanished) {
            return true;
        }
    }
}
