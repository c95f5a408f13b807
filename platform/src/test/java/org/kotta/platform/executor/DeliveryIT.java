package org.kotta.platform.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kotta.platform.Main;
import org.kotta.platform.core.JobRecord;
import org.kotta.platform.core.JobStatus;

/** A message delivered twice runs once; SIGTERM mid-job puts the job back and another executor finishes it. */
class DeliveryIT {
    /** What bin/kotta-start passes to an executor's JVM by default (KOTTA_JAVA_OPTS replaces them). */
    static final List<String> EXECUTOR_JAVA_OPTS = List.of(
            "-Xmx96m",
            "-Xss512k",
            "-XX:+UseSerialGC",
            "-XX:MaxMetaspaceSize=64m",
            "-XX:ReservedCodeCacheSize=32m",
            "-XX:TieredStopAtLevel=1");

    private ExecutorCloud cloud;

    @BeforeEach
    void cloud() throws Exception {
        cloud = new ExecutorCloud();
    }

    @AfterEach
    void close() throws Exception {
        cloud.close();
    }

    @Test
    void aMessageDeliveredTwiceRunsTheJobOnce() throws Exception {
        JobRecord job = cloud.job("user-a", "sleep 2\necho ran\n", List.of(), List.of(), 60);
        cloud.submit(job);
        cloud.send(job.jobId());
        TaskExecutor first = cloud.startExecutor("exec-one-" + cloud.suffix);
        TaskExecutor second = cloud.startExecutor("exec-two-" + cloud.suffix);

        JobRecord ended = cloud.awaitEnd(job.jobId(), Duration.ofSeconds(40));
        cloud.awaitNoMessagesLeft(Duration.ofSeconds(20));

        assertThat(ended.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(ended.attempt()).isEqualTo(1);
        assertThat(first.jobsClaimed() + second.jobsClaimed()).isEqualTo(1);
        assertThat(cloud.output(job.jobId(), "STDOUT.txt")).isEqualTo("ran\n");
        assertThat(cloud.messagesLeft()).as("both messages deleted").isZero();
    }

    @Test
    void sigtermMidJobLeavesItPending_andAnotherExecutorCompletesIt() throws Exception {
        Path log = Files.createTempFile("kotta-executor-", ".log");
        Process executor = startExecutorProcess("exec-doomed-" + cloud.suffix, log);
        try {
            awaitLog(log, "started", Duration.ofSeconds(30));
            long idleRssKb = rssKb(executor.pid());
            System.out.println("idle executor RSS: " + idleRssKb / 1024 + " MB with " + EXECUTOR_JAVA_OPTS);
            assertThat(idleRssKb).as("idle executor RSS (kB)").isLessThan(200 * 1024);

            JobRecord job = cloud.job(
                    "user-a",
                    "echo started\nsleep 4\necho finished > result.txt\n",
                    List.of(),
                    List.of("result.txt"),
                    120);
            String id = cloud.submit(job);
            cloud.await(id, j -> j.status() == JobStatus.PROCESSING, Duration.ofSeconds(30));
            // mid-job: the script has echoed "started" and sleeps
            await("the job's sleep")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> executor.descendants()
                            .anyMatch(p -> p.info()
                                    .command()
                                    .filter(c -> c.endsWith("/sleep"))
                                    .isPresent()));

            executor.destroy();
            assertThat(executor.waitFor(20, TimeUnit.SECONDS))
                    .as("the executor exits promptly on SIGTERM")
                    .isTrue();

            JobRecord putBack = cloud.store.find(id).orElseThrow();
            assertThat(putBack.status()).isEqualTo(JobStatus.PENDING);
            assertThat(putBack.instanceId()).isNull();
            assertThat(putBack.attempt()).isEqualTo(1);
            assertThat(cloud.outputKeys(id))
                    .as("nothing uploaded by the stopped run")
                    .isEmpty();
            assertThat(Files.readString(log)).contains("put back in the queue");

            TaskExecutor successor = cloud.startExecutor("exec-successor-" + cloud.suffix);
            JobRecord ended = cloud.awaitEnd(id, Duration.ofSeconds(20));

            assertThat(ended.status()).isEqualTo(JobStatus.COMPLETED);
            assertThat(ended.attempt()).isEqualTo(2);
            assertThat(ended.instanceId()).isEqualTo("exec-successor-" + cloud.suffix);
            assertThat(successor.jobsClaimed()).isEqualTo(1);
            assertThat(cloud.output(id, "result.txt")).isEqualTo("finished\n");
        } finally {
            executor.destroyForcibly();
            System.out.println(Files.readString(log));
        }
    }

    /**
     * An idle executor told to stop still has a long poll open: a message sent meanwhile is handed
     * to that poll even if the process has gone. The executor waits for the poll and releases
     * what it got, so the next executor receives the message at once (not after its visibility
     * timeout, 30 s here).
     */
    @Test
    void aMessageArrivingDuringTheStopIsReleased_notSwallowed() throws Exception {
        Path log = Files.createTempFile("kotta-executor-", ".log");
        Process executor = startExecutorProcess("exec-idle-" + cloud.suffix, log);
        try {
            awaitLog(log, "started", Duration.ofSeconds(30));
            // The stop must come while the executor's first long poll is open. Nothing outside the
            // process shows an open poll (the queue's counts do not change), so this waits a second.
            Thread.sleep(1000);
            executor.destroy();
            JobRecord job = cloud.job("user-a", "echo ran\n", List.of(), List.of(), 60);
            cloud.submit(job);
            assertThat(executor.waitFor(20, TimeUnit.SECONDS))
                    .as("the executor exits on SIGTERM")
                    .isTrue();

            TaskExecutor successor = cloud.startExecutor("exec-next-" + cloud.suffix);
            JobRecord ended = cloud.awaitEnd(job.jobId(), Duration.ofSeconds(15));
            assertThat(ended.status()).isEqualTo(JobStatus.COMPLETED);
            assertThat(successor.jobsClaimed()).isEqualTo(1);
        } finally {
            executor.destroyForcibly();
            System.out.println(Files.readString(log));
        }
    }

    private Process startExecutorProcess(String instanceId, Path log) throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(EXECUTOR_JAVA_OPTS);
        command.add("-cp");
        command.add(classpath);
        command.add(Main.class.getName());
        command.add("task-executor");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().putAll(cloud.wiring(instanceId));
        builder.environment().put("AWS_ACCESS_KEY_ID", "test");
        builder.environment().put("AWS_SECRET_ACCESS_KEY", "test");
        return builder.start();
    }

    private static void awaitLog(Path log, String text, Duration within) {
        await("'" + text + "' in the executor's log")
                .atMost(within)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> Files.readString(log).contains(text));
    }

    private static long rssKb(long pid) throws Exception {
        // A measurement, not a wait: the idle executor's resident size once start-up has settled
        // (classes loaded, first polls made), for which no event exists.
        Thread.sleep(3000);
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new AssertionError("no VmRSS for " + pid);
    }
}
