package org.kotta.platform.executor;

import java.io.File;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.kotta.platform.core.FileMapping;
import org.kotta.platform.core.JobItems;
import org.kotta.platform.core.JobRecord;
import org.kotta.platform.core.JobStatus;
import org.kotta.platform.executor.InputRules.RefusedInput;
import org.kotta.platform.executor.InputRules.Source;
import org.kotta.platform.executor.JobCommand.JobUser;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One claimed job, from {@code staging_inputs} to its end: stage the inputs, run the command
 * under its wall time (watching for a cancel request and for the executor being stopped),
 * upload the outputs, write the final status. Every status change is a conditional write
 * through the job store ({@link StatusWrites}): when someone else moved the job first, this run is
 * {@link Ending#LOST}.
 */
final class JobRun {
    /** How a run left the job, which decides what happens to its message. */
    enum Ending {
        ENDED,
        PUT_BACK,
        LOST
    }

    /** How the job's command stopped running. */
    private enum CommandEnd {
        EXITED,
        WALLTIME,
        CANCELLED,
        STOPPED,
        LOST
    }

    private static final long DEFAULT_WALLTIME = 3600;

    private final ExecutorContext context;
    private final JobRecord job;
    private final Runnable heartbeat;
    private final BooleanSupplier stopping;
    private final Path workDir;
    private final StatusWrites status;
    private volatile long sessionId = -1;
    private int exitCode;

    JobRun(ExecutorContext context, JobRecord job, Runnable heartbeat, BooleanSupplier stopping) {
        this.context = context;
        this.job = job;
        this.heartbeat = heartbeat;
        this.stopping = stopping;
        this.workDir = context.settings().workRoot().resolve(job.jobId());
        this.status = new StatusWrites(context, job);
    }

    String jobId() {
        return job.jobId();
    }

    /** Kills the job's process tree, if it runs (a stop that could not wait any longer), and what it left behind. */
    void killNow() {
        long sid = sessionId;
        if (sid > 0) {
            ProcessTree.kill(sid, context.settings().killGrace());
        }
        killLeftovers();
    }

    /**
     * Every process of the job user, when that user is dedicated to this executor's jobs
     * ({@code KOTTA_JOB_USER_DEDICATED}): a job that left its session ({@code setsid}, a double
     * fork) must not outlive it, read its outputs' files while they are uploaded, or run on
     * into the next job. Never the executor's own user: without a job user there is none to sweep.
     */
    private void killLeftovers() {
        Optional<JobUser> user = context.jobUser();
        if (user.isEmpty() || !context.settings().limits().dedicatedUser()) {
            return;
        }
        List<Long> left = ProcessTree.ofUser(user.get().uid());
        if (!left.isEmpty()) {
            log(
                    "processing",
                    "killing " + left.size() + " process(es) of " + user.get().name() + " the job left behind");
            ProcessTree.killUser(user.get().uid(), context.settings().killGrace());
        }
    }

    Ending run() throws IOException {
        try {
            return stageAndRun();
        } catch (IOException | RuntimeException unexpected) {
            killNow();
            log("failed", "executor error: " + unexpected);
            Map<String, AttributeValue> set = new HashMap<>();
            set.put(JobItems.ERROR, AttributeValue.fromS("the executor failed: " + unexpected.getMessage()));
            set.put(JobItems.COMPLETE_TIME, StatusWrites.now());
            if (status.advance(
                            Set.of(JobStatus.STAGING_INPUTS, JobStatus.PROCESSING, JobStatus.STAGING_OUTPUTS),
                            JobStatus.FAILED,
                            set)
                    .isEmpty()) {
                return status.lost("failed");
            }
            context.notifyEnded(job, JobStatus.FAILED);
            return Ending.ENDED;
        } finally {
            WorkDirs.remove(workDir);
        }
    }

    private Ending stageAndRun() throws IOException {
        long stageInStart = System.nanoTime();
        log("staging_inputs", job.inputs().size() + " input(s)");
        String command;
        try {
            command = prepare();
        } catch (RefusedInput refused) {
            return status.fail(
                    JobStatus.STAGING_INPUTS,
                    "staging_inputs: " + refused.getMessage(),
                    null,
                    Map.of(JobItems.STAGE_IN_DURATION, seconds(stageInStart)));
        }
        if (stopping.getAsBoolean()) {
            return status.putBack();
        }
        if (cancelRequested()) {
            return status.cancel(JobStatus.STAGING_INPUTS, Map.of(JobItems.STAGE_IN_DURATION, seconds(stageInStart)));
        }
        if (status.advance(
                        Set.of(JobStatus.STAGING_INPUTS),
                        JobStatus.PROCESSING,
                        Map.of(JobItems.STAGE_IN_DURATION, seconds(stageInStart)))
                .isEmpty()) {
            return status.lost("processing");
        }
        long processingStart = System.nanoTime();
        log("processing", "walltime " + walltime() + " s");
        CommandEnd outcome = runCommand(command);
        AttributeValue processing = seconds(processingStart);
        switch (outcome) {
            case STOPPED:
                return status.putBack();
            case LOST:
                return status.lost("processing");
            case CANCELLED:
                return status.cancel(JobStatus.PROCESSING, Map.of(JobItems.PROCESSING_DURATION, processing));
            default:
                break;
        }
        if (status.advance(
                        Set.of(JobStatus.PROCESSING),
                        JobStatus.STAGING_OUTPUTS,
                        Map.of(JobItems.PROCESSING_DURATION, processing))
                .isEmpty()) {
            return status.lost("staging_outputs");
        }
        long stageOutStart = System.nanoTime();
        log("staging_outputs", outcome == CommandEnd.WALLTIME ? "after the wall-time kill" : "exit code " + exitCode);
        FileStager.Uploaded uploaded = context.stager().stageOut(job.jobId(), outputNames(), workDir, heartbeat);
        Map<String, AttributeValue> ending = new HashMap<>();
        ending.put(JobItems.STAGE_OUT_DURATION, seconds(stageOutStart));
        if (!uploaded.missing().isEmpty()) {
            ending.put(
                    JobItems.MISSING_OUTPUTS,
                    AttributeValue.fromL(uploaded.missing().stream()
                            .map(AttributeValue::fromS)
                            .toList()));
            log("staging_outputs", "missing: " + String.join(", ", uploaded.missing()));
        }
        if (!uploaded.tooLarge().isEmpty()) {
            log(
                    "staging_outputs",
                    "not uploaded, larger than " + context.settings().limits().maxOutputFileBytes() + " bytes: "
                            + String.join(", ", uploaded.tooLarge()));
        }
        if (outcome == CommandEnd.WALLTIME) {
            return status.fail(
                    JobStatus.STAGING_OUTPUTS,
                    "the wall time of " + walltime() + " s was exceeded: the job was killed",
                    exitCode,
                    ending);
        }
        if (exitCode != 0) {
            return status.fail(JobStatus.STAGING_OUTPUTS, "the command exited with code " + exitCode, exitCode, ending);
        }
        ending.put(JobItems.COMPLETE_TIME, StatusWrites.now());
        return status.end(JobStatus.STAGING_OUTPUTS, JobStatus.COMPLETED, ending, "exit code 0");
    }

    /** Makes the work directory, stages the inputs, writes the script; returns the command line. */
    private String prepare() throws RefusedInput, IOException {
        WorkDirs.remove(workDir);
        Files.createDirectories(workDir);
        Files.setPosixFilePermissions(workDir, PosixFilePermissions.fromString("rwx------"));
        String command = JobCommand.commandLine(job.executable(), job.args())
                .orElseThrow(
                        () -> new RefusedInput("(none)", "the job names no command (executable and args are empty)"));
        InputRules rules = new InputRules(
                context.settings().bucket(),
                job.userId(),
                otherJob -> context.store().findOwned(otherJob, job.userId()).isPresent());
        List<Source> sources = new ArrayList<>();
        for (FileMapping input : job.inputs()) {
            sources.add(rules.check(input));
        }
        long bytes = context.stager().stageIn(sources, workDir, heartbeat);
        if (job.script() != null && !job.script().isEmpty()) {
            String name = job.scriptName();
            if (!InputRules.isSafeFileName(name)) {
                throw new RefusedInput("(script)", "the script's file name '" + name + "' must be a plain file name");
            }
            Path script = workDir.resolve(name);
            Files.writeString(script, job.script(), StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Optional<JobUser> user = context.jobUser();
        if (user.isPresent()) {
            WorkDirs.chown(workDir, user.get());
        }
        log("staging_inputs", "staged " + bytes + " bytes");
        return command;
    }

    private CommandEnd runCommand(String command) throws IOException {
        Optional<JobUser> user = context.jobUser();
        String stdout = outputFile(job.stdoutFile(), JobRecord.DEFAULT_STDOUT);
        String stderr = outputFile(job.stderrFile(), JobRecord.DEFAULT_STDERR);
        ProcessBuilder builder = new ProcessBuilder(JobCommand.argv(
                        command,
                        user,
                        context.settings().limits().maxOutputFileBytes(),
                        context.settings().limits().maxProcesses()))
                .directory(workDir.toFile());
        builder.environment().clear();
        builder.environment().putAll(JobCommand.environment(workDir, job.jobId(), user));
        builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.redirectOutput(workDir.resolve(stdout).toFile());
        if (stdout.equals(stderr)) {
            builder.redirectErrorStream(true);
        } else {
            builder.redirectError(workDir.resolve(stderr).toFile());
        }
        Process process = builder.start();
        sessionId = process.pid();
        CommandEnd outcome = watch(process);
        ProcessTree.kill(sessionId, context.settings().killGrace());
        sessionId = -1;
        killLeftovers();
        try {
            exitCode = process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exitCode = -1;
        }
        if (outcome == CommandEnd.EXITED && exitCode > 128 && stoppingWithin(1000)) {
            log("processing", "killed by signal " + (exitCode - 128) + " while the executor stops: putting it back");
            return CommandEnd.STOPPED;
        }
        return outcome;
    }

    /**
     * A job killed by a signal just as the executor is told to stop (the host's shutdown may
     * signal every process at once) was interrupted, not failed: wait briefly for the stop to show.
     */
    private boolean stoppingWithin(long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!stopping.getAsBoolean() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return stopping.getAsBoolean();
    }

    private CommandEnd watch(Process process) {
        long started = System.nanoTime();
        long deadline = started + TimeUnit.SECONDS.toNanos(walltime());
        long checkEvery = context.settings().cancelCheckEvery().toNanos();
        long nextCheck = started + checkEvery;
        while (true) {
            try {
                if (process.waitFor(200, TimeUnit.MILLISECONDS)) {
                    return CommandEnd.EXITED;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return CommandEnd.STOPPED;
            }
            long now = System.nanoTime();
            if (stopping.getAsBoolean()) {
                log("processing", "the executor is stopping: killing the job to put it back");
                return CommandEnd.STOPPED;
            }
            if (now >= deadline) {
                log("processing", "wall time of " + walltime() + " s exceeded: killing the process tree");
                return CommandEnd.WALLTIME;
            }
            if (now >= nextCheck) {
                nextCheck = now + checkEvery;
                Optional<JobRecord> current = readRecord();
                if (current == null) {
                    heartbeat.run();
                    continue;
                }
                if (current.isEmpty()
                        || current.get().status() != JobStatus.PROCESSING
                        || !context.settings().instanceId().equals(current.get().instanceId())) {
                    return CommandEnd.LOST;
                }
                if (current.get().cancelRequested()) {
                    log("processing", "cancel requested: killing the process tree");
                    return CommandEnd.CANCELLED;
                }
            }
            heartbeat.run();
        }
    }

    private boolean cancelRequested() {
        Optional<JobRecord> current = readRecord();
        return current != null && current.map(JobRecord::cancelRequested).orElse(false);
    }

    /**
     * The job's record as it is now, or null when it could not be read: a read that fails even
     * after the SDK's retries (throttling, a network blip) is no news, never a reason to fail
     * a job that runs for hours; the next look, seconds later, tries again.
     */
    private Optional<JobRecord> readRecord() {
        try {
            return context.store().find(job.jobId());
        } catch (SdkException e) {
            log(
                    job.status().wireName(),
                    "could not read the job's record (" + e.getClass().getSimpleName()
                            + "): looking again at the next check");
            return null;
        }
    }

    private List<String> outputNames() {
        Set<String> names = new LinkedHashSet<>();
        job.outputs().forEach(output -> names.add(output.src()));
        names.add(outputFile(job.stdoutFile(), JobRecord.DEFAULT_STDOUT));
        names.add(outputFile(job.stderrFile(), JobRecord.DEFAULT_STDERR));
        return new ArrayList<>(names);
    }

    /** The job's wall time in seconds, at most {@link JobRecord#MAX_WALLTIME_MINUTES} (older items may ask for more). */
    long walltime() {
        long asked = job.walltimeSeconds() > 0 ? job.walltimeSeconds() : DEFAULT_WALLTIME;
        return Math.min(asked, JobRecord.MAX_WALLTIME_MINUTES * 60);
    }

    private static String outputFile(String name, String fallback) {
        return InputRules.isSafeFileName(name) ? name : fallback;
    }

    private static AttributeValue seconds(long sinceNanos) {
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sinceNanos);
        return AttributeValue.fromN(BigDecimal.valueOf(millis, 3).toPlainString());
    }

    private void log(String step, String detail) {
        context.log(job.jobId(), step, detail);
    }
}
