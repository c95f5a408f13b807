package org.kotta.platform.executor;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.kotta.platform.core.Queue;
import org.kotta.platform.core.Wiring;

/**
 * What a task executor needs to know: its pool's queue, the stack's bucket, table and topic,
 * where work directories go, whom jobs run as, the job limits, its Auto Scaling group and its timings.
 *
 * @param jobUser           {@code KOTTA_JOB_USER}: jobs run as this user when the executor runs as root
 * @param pollWaitSeconds   SQS long poll (5 in production: a stop waits for the poll in progress,
 *                          whose message it releases, so a short poll keeps a stop short)
 * @param visibilityEvery   how often a running job's message visibility is extended
 * @param visibilityAhead   by how much (seconds from now) it is extended
 * @param cancelCheckEvery  how often a running job's record is read for a cancel request (at most 3 s)
 * @param killGrace         between TERM and KILL of a job's process tree
 * @param stopGrace         how long a stop (SIGTERM) waits for the running job to be put back
 * @param limits            per-job limits: output file size, processes, whether the job user is dedicated
 * @param scaling           the instance's Auto Scaling group, termination hook and metadata service
 */
public record ExecutorSettings(
        Queue pool,
        String queueUrl,
        String bucket,
        String jobsTable,
        Optional<String> topicArn,
        Path workRoot,
        Optional<String> jobUser,
        String instanceId,
        String instanceType,
        long maxInputFileBytes,
        long maxInputTotalBytes,
        int pollWaitSeconds,
        Duration visibilityEvery,
        int visibilityAhead,
        Duration cancelCheckEvery,
        Duration killGrace,
        Duration stopGrace,
        JobLimits limits,
        Scaling scaling) {

    public static final long GIB = 1024L * 1024 * 1024;
    /** The metadata service of every EC2 instance. */
    public static final String EC2_METADATA_URL = "http://169.254.169.254";

    /**
     * @param maxOutputFileBytes the largest file a job may write (its processes' file size limit) and have uploaded
     * @param maxProcesses       the most processes the job user may have at once
     * @param dedicatedUser      no one else runs as the job user: every process of it is killed after a job
     */
    public record JobLimits(long maxOutputFileBytes, int maxProcesses, boolean dedicatedUser) {}

    /**
     * @param group          the instance's Auto Scaling group; empty: no protection, no termination hook
     * @param hook           the group's termination lifecycle hook
     * @param metadataUrl    the instance metadata service's base URL
     * @param checkEvery     how often the instance's target lifecycle state is read while a job runs
     * @param heartbeatEvery how often a pending termination's hook is heartbeaten while a job runs
     */
    public record Scaling(
            Optional<String> group,
            Optional<String> hook,
            String metadataUrl,
            Duration checkEvery,
            Duration heartbeatEvery) {}

    public ExecutorSettings {
        if (cancelCheckEvery.compareTo(Duration.ofSeconds(3)) > 0) {
            throw new IllegalArgumentException("a running job's cancel request is checked every 3 s at most");
        }
    }

    public static ExecutorSettings fromWiring(Wiring wiring) {
        wiring.requireAll(List.of(Wiring.POOL, Wiring.JOBS_BUCKET, Wiring.JOBS_TABLE, Wiring.WORK_DIR));
        String poolName = wiring.required(Wiring.POOL);
        Queue pool = Queue.fromPool(poolName)
                .orElseThrow(
                        () -> new IllegalStateException(Wiring.POOL + " is " + poolName + ": expected prod or test"));
        JobLimits limits = new JobLimits(
                Long.parseLong(wiring.orDefault(Wiring.OUTPUT_FILE_MAX_BYTES, Long.toString(5 * GIB))),
                Integer.parseInt(wiring.orDefault(Wiring.JOB_MAX_PROCESSES, "512")),
                "true".equalsIgnoreCase(wiring.orDefault(Wiring.JOB_USER_DEDICATED, "false")));
        String metadataUrl = wiring.orDefault(Wiring.METADATA_URL, EC2_METADATA_URL);
        try {
            java.net.URI.create(metadataUrl + "/latest/api/token").toURL();
        } catch (IllegalArgumentException | java.net.MalformedURLException e) {
            // refused at start, naming the variable, instead of failing inside the queue loop
            throw new IllegalStateException(Wiring.METADATA_URL + " is not an http URL: " + metadataUrl, e);
        }
        Scaling scaling = new Scaling(
                wiring.optional(Wiring.AUTOSCALING_GROUP),
                wiring.optional(Wiring.LIFECYCLE_HOOK),
                metadataUrl,
                Duration.ofSeconds(5),
                Duration.ofMinutes(5));
        return new ExecutorSettings(
                pool,
                wiring.pendingQueueUrl(pool),
                wiring.required(Wiring.JOBS_BUCKET),
                wiring.required(Wiring.JOBS_TABLE),
                wiring.optional(Wiring.NOTIFICATIONS_TOPIC_ARN),
                Path.of(wiring.required(Wiring.WORK_DIR)),
                wiring.optional(Wiring.JOB_USER),
                wiring.optional(Wiring.INSTANCE_ID).orElseGet(ExecutorSettings::hostName),
                wiring.orDefault(Wiring.INSTANCE_TYPE, "unknown"),
                Long.parseLong(wiring.orDefault(Wiring.INPUT_FILE_MAX_BYTES, Long.toString(5 * GIB))),
                Long.parseLong(wiring.orDefault(Wiring.INPUT_TOTAL_MAX_BYTES, Long.toString(20 * GIB))),
                5,
                Duration.ofSeconds(60),
                180,
                Duration.ofSeconds(2),
                Duration.ofSeconds(3),
                Duration.ofSeconds(25),
                limits,
                scaling);
    }

    /** The same settings with other timings (tests use short ones). */
    public ExecutorSettings withTimings(
            int pollWait,
            Duration visibilityEveryNow,
            int visibilityAheadNow,
            Duration cancelCheck,
            Duration kill,
            Duration stop) {
        return new ExecutorSettings(
                pool,
                queueUrl,
                bucket,
                jobsTable,
                topicArn,
                workRoot,
                jobUser,
                instanceId,
                instanceType,
                maxInputFileBytes,
                maxInputTotalBytes,
                pollWait,
                visibilityEveryNow,
                visibilityAheadNow,
                cancelCheck,
                kill,
                stop,
                limits,
                scaling);
    }

    /**
     * A running job whose record shows no heartbeat for this long, and whose message came back,
     * lost its executor (a crash, not a stop): another executor takes it over.
     */
    public long staleAfterSeconds() {
        return visibilityAhead + visibilityEvery.toSeconds();
    }

    private static String hostName() {
        try {
            return "host-" + InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "host-unknown";
        }
    }
}
