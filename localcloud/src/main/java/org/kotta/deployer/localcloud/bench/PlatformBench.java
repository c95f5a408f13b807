package org.kotta.deployer.localcloud.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.kotta.deployer.core.Json;
import org.kotta.deployer.localcloud.platform.LocalPlatformStack;
import org.kotta.deployer.localcloud.platform.WebSession;
import org.kotta.platform.core.JobRecord;
import org.kotta.platform.core.JobStatus;

/**
 * The "Cloud Kotta platform" section of {@code ./kotta bench}: the release built by
 * {@code mvn package} ({@code platform/target/kotta-platform-release.tar.gz}) unpacked and run
 * as processes ({@code bin/kotta-start web-server}, two {@code bin/kotta-start task-executor})
 * against a stack's resources made in the local cloud, with the local identity provider. Trivial
 * jobs through the v1 REST API to {@code completed}, a batch over both executors, the job list and
 * a job page with 1,000 jobs in the table ({@link PagesBench}), and each executor's resident memory once idle.
 */
final class PlatformBench {
    static final int WARMUP_JOBS = 2;
    static final int LATENCY_JOBS = 10;
    static final int BATCH_JOBS = 50;
    static final int POLL_MILLIS = 100;
    /** How often the batch's jobs are read while it runs. */
    static final int BATCH_POLL_MILLIS = 250;

    static final int IDLE_SECONDS = 10;
    static final String RUNNER = "bench-runner@example.org";
    static final String BATCH = "bench-batch@example.org";

    private final Path root;
    private final Path work;
    private final String endpoint;
    private final Consumer<String> progress;
    private final ObjectNode out = Json.MAPPER.createObjectNode();
    private LocalPlatformStack stack;
    private PlatformProcess web;
    private final List<PlatformProcess> executors = new ArrayList<>();

    private PlatformBench(Path root, String endpoint, Consumer<String> progress) {
        this.root = root;
        this.endpoint = endpoint;
        this.progress = progress;
        this.work = root.resolve("target/bench/platform");
    }

    /** @param progress where the lines that say how far it got go */
    static ObjectNode measure(Path root, String endpoint, Consumer<String> progress) throws Exception {
        return new PlatformBench(root, endpoint, progress).run();
    }

    private ObjectNode run() throws Exception {
        Path tarball = root.resolve("platform/target/kotta-platform-release.tar.gz");
        if (!Files.isRegularFile(tarball)) {
            throw new IllegalStateException("no " + root.relativize(tarball) + ": mvn package builds it");
        }
        Path release = unpack(tarball);
        String sha256 = sha256(tarball);
        out.put(
                "release",
                root.relativize(tarball) + " (" + Files.size(tarball) + " bytes, sha256 " + sha256.substring(0, 12)
                        + "…)");
        out.put("how", "processes: bin/kotta-start of the unpacked release");
        try (LocalPlatformStack started = new LocalPlatformStack(endpoint, "bench", sha256)) {
            stack = started;
            try {
                startAndMeasure(release);
            } finally {
                if (web != null) {
                    web.close();
                }
                executors.forEach(PlatformProcess::close);
            }
        }
        return out;
    }

    private void startAndMeasure(Path release) throws Exception {
        stack.register(RUNNER);
        stack.register(BATCH);
        long t = System.nanoTime();
        web = PlatformProcess.startWeb(release, stack.wiring, work);
        out.put("webStartMs", millis(t));
        for (int i = 1; i <= 2; i++) {
            t = System.nanoTime();
            executors.add(PlatformProcess.startExecutor(release, stack.wiring, "executor-" + i, work));
            out.put("executor" + i + "StartMs", millis(t));
        }
        out.put("jvm", executors.get(0).commandLine());
        String opts = System.getenv("KOTTA_JAVA_OPTS");
        out.put(
                "javaOpts",
                opts == null || opts.isBlank()
                        ? "`KOTTA_JAVA_OPTS` unset, so kotta-start's defaults"
                        : "`KOTTA_JAVA_OPTS` set by the bench's caller (not the release's defaults)");
        progress.accept("platform: web server and 2 executors up (" + stack.id + ")");
        out.set("longPoll", LongPollProbe.measure(stack.clients.sqs(), stack.id));
        latency();
        batch();
        idleMemory();
        new PagesBench(stack, web, progress).measure(out);
    }

    // ---------------------------------------------------------------- one trivial job at a time

    private void latency() throws Exception {
        WebSession client = new WebSession(web.url());
        String token = stack.idp.accessToken(RUNNER);
        List<Double> total = new ArrayList<>();
        List<Double> submit = new ArrayList<>();
        List<Double> pickedUp = new ArrayList<>();
        List<Double> executorSeconds = new ArrayList<>();
        List<Double> claimedLogged = new ArrayList<>();
        List<Double> completedLogged = new ArrayList<>();
        for (int i = 0; i < WARMUP_JOBS + LATENCY_JOBS; i++) {
            Instant sent = Instant.now();
            long t0 = System.nanoTime();
            String jobId = WebSession.rest(client.post("/rest/v1/submit_task", trivialJob(token, "latency-" + i)))
                    .path("job_id")
                    .asText();
            double submitted = millis(t0);
            Double picked = null;
            String status = "pending";
            for (int poll = 1; !JobStatus.COMPLETED.wireName().equals(status); poll++) {
                long wait = t0 + poll * POLL_MILLIS * 1_000_000L - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
                }
                status = WebSession.rest(client.get("/rest/v1/status_task/" + jobId + "?access_token=" + enc(token)))
                        .path("status")
                        .asText();
                if (picked == null && !"pending".equals(status)) {
                    picked = millis(t0);
                }
                if ("failed".equals(status) || "cancelled".equals(status) || millis(t0) > 60_000) {
                    throw new IllegalStateException("trivial job " + jobId + " is " + status + ": "
                            + stack.jobs.find(jobId).map(JobRecord::error).orElse("?"));
                }
            }
            double done = millis(t0);
            if (i < WARMUP_JOBS) {
                continue;
            }
            JobRecord job = stack.jobs.find(jobId).orElseThrow();
            total.add(done);
            submit.add(submitted);
            pickedUp.add(picked);
            executorSeconds.add(job.stageInSeconds() + job.processingSeconds() + job.stageOutSeconds());
            claimedLogged.add(loggedAfter(sent, jobId, "claimed"));
            completedLogged.add(loggedAfter(sent, jobId, "completed"));
        }
        ObjectNode node = out.putObject("trivialJob");
        node.put("jobs", LATENCY_JOBS);
        node.put("warmup", WARMUP_JOBS);
        node.set("totalMs", samples(total));
        node.set("submitMs", samples(submit));
        node.set("pickedUpMs", samples(pickedUp));
        node.set(
                "recordedStagesMs",
                samples(executorSeconds.stream().map(s -> s * 1000).toList()));
        node.set("claimedLoggedMs", samples(claimedLogged));
        node.set("completedLoggedMs", samples(completedLogged));
        progress.accept(String.format(
                "platform: trivial job submit → completed median %.0f ms, p90 %.0f ms",
                Stats.percentile(total, 50), Stats.percentile(total, 90)));
    }

    /**
     * ms from {@code sent} to the executor's log line for a step of the job ({@code <instant>
     * task-executor <id> job=<job> <step>…}): same machine, same clock, millisecond stamps.
     */
    private double loggedAfter(Instant sent, String jobId, String step) {
        String mark = " job=" + jobId + " " + step;
        for (PlatformProcess executor : executors) {
            for (String line : executor.logText().lines().toList()) {
                if (line.contains(mark)) {
                    Instant at = Instant.parse(line.substring(0, line.indexOf(' ')));
                    return java.time.Duration.between(sent, at).toNanos() / 1e6;
                }
            }
        }
        throw new IllegalStateException("no executor logged '" + step + "' for job " + jobId);
    }

    // ---------------------------------------------------------------- a batch over both executors

    private void batch() throws Exception {
        WebSession client = new WebSession(web.url());
        String token = stack.idp.accessToken(BATCH);
        Instant sent = Instant.now();
        long t0 = System.nanoTime();
        for (int i = 0; i < BATCH_JOBS; i++) {
            WebSession.rest(client.post("/rest/v1/submit_task", trivialJob(token, "batch-" + i)));
        }
        double submitted = millis(t0);
        List<JobRecord> jobs;
        while (true) {
            jobs = stack.jobs.listForUser(BATCH, BATCH_JOBS + 10);
            if (jobs.size() == BATCH_JOBS
                    && jobs.stream().allMatch(j -> j.status().isFinal())) {
                break;
            }
            if (millis(t0) > 600_000) {
                throw new IllegalStateException("the batch did not end within 10 minutes");
            }
            Thread.sleep(BATCH_POLL_MILLIS);
        }
        double seen = millis(t0);
        double wall = 0;
        for (JobRecord job : jobs) {
            wall = Math.max(wall, loggedAfter(sent, job.jobId(), job.status().wireName()));
        }
        Map<String, Integer> byExecutor = new TreeMap<>();
        Map<String, Integer> byStatus = new TreeMap<>();
        for (JobRecord job : jobs) {
            byExecutor.merge(job.instanceId(), 1, Integer::sum);
            byStatus.merge(job.status().wireName(), 1, Integer::sum);
        }
        ObjectNode node = out.putObject("batch");
        node.put("jobs", BATCH_JOBS);
        node.put("executors", executors.size());
        node.put("submitSeconds", Stats.round(submitted / 1000));
        node.put("wallSeconds", Stats.round(wall / 1000));
        node.put("seenEndedSeconds", Stats.round(seen / 1000));
        node.put("jobsPerMinute", Stats.round(BATCH_JOBS / (wall / 60_000)));
        node.set("byExecutor", Json.MAPPER.valueToTree(byExecutor));
        node.set("byStatus", Json.MAPPER.valueToTree(byStatus));
        progress.accept(String.format(
                "platform: %d jobs over 2 executors in %.1f s (%.0f jobs/min)",
                BATCH_JOBS, wall / 1000, BATCH_JOBS / (wall / 60_000)));
    }

    // ---------------------------------------------------------------- memory

    private void idleMemory() throws InterruptedException {
        Thread.sleep(IDLE_SECONDS * 1000L);
        ObjectNode node = out.putObject("memory");
        node.put("idleSeconds", IDLE_SECONDS);
        for (int i = 0; i < executors.size(); i++) {
            PlatformProcess e = executors.get(i);
            ObjectNode x = node.putObject("executor-" + (i + 1));
            x.put("rssMb", Stats.round(e.statusKb("VmRSS") / 1024.0));
            x.put("peakRssMb", Stats.round(e.statusKb("VmHWM") / 1024.0));
        }
        ObjectNode w = node.putObject("web-server");
        w.put("rssMb", Stats.round(web.statusKb("VmRSS") / 1024.0));
        w.put("peakRssMb", Stats.round(web.statusKb("VmHWM") / 1024.0));
        progress.accept("platform: idle memory " + node);
    }

    // ---------------------------------------------------------------- helpers

    /** The trivial job: a two-line shell script that echoes, Test queue, one minute of wall time. */
    private static Map<String, String> trivialJob(String token, String name) {
        Map<String, String> fields = new LinkedHashMap<>();
        trivialJobFields(token, name).forEach((k, v) -> fields.put(k, v.get(0)));
        return fields;
    }

    /** The trivial job as the submit form's fields (the access token left out when null). */
    static Map<String, List<String>> trivialJobFields(String token, String name) {
        Map<String, List<String>> fields = new LinkedHashMap<>();
        fields.put("jobtype", List.of("script"));
        fields.put("jobname", List.of(name));
        fields.put("script", List.of("#!/bin/sh\necho hello\n"));
        fields.put("script_name", List.of("hello.sh"));
        fields.put("executable", List.of("/bin/sh"));
        fields.put("args", List.of("hello.sh"));
        fields.put("walltime", List.of("1"));
        fields.put("queue", List.of("Test"));
        if (token != null) {
            fields.put("access_token", List.of(token));
        }
        return fields;
    }

    private Path unpack(Path tarball) throws IOException, InterruptedException {
        Path release = work.resolve("release");
        if (Files.exists(work)) {
            Process rm =
                    new ProcessBuilder("rm", "-rf", work.toString()).inheritIO().start();
            rm.waitFor();
        }
        Files.createDirectories(release);
        Process tar = new ProcessBuilder("tar", "-xzf", tarball.toString(), "-C", release.toString())
                .redirectErrorStream(true)
                .start();
        String said = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (tar.waitFor() != 0) {
            throw new IllegalStateException("tar -xzf " + tarball + ": " + said);
        }
        return release;
    }

    /** n, median, p90, p99, min, max of latency samples in ms. */
    static ObjectNode samples(List<Double> values) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("n", values.size());
        node.put("median", Stats.round(Stats.percentile(values, 50)));
        node.put("p90", Stats.round(Stats.percentile(values, 90)));
        node.put("p99", Stats.round(Stats.percentile(values, 99)));
        node.put("min", Stats.round(Stats.percentile(values, 0)));
        node.put("max", Stats.round(Stats.percentile(values, 100)));
        return node;
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    static double millis(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1e6;
    }
}
