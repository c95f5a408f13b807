package org.kotta.platform.web;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.kotta.platform.core.FileMapping;
import org.kotta.platform.core.JobItems;
import org.kotta.platform.core.JobPaths;
import org.kotta.platform.core.JobRecord;
import org.kotta.platform.core.JobStatus;
import org.kotta.platform.core.JobStore;
import org.kotta.platform.core.Queue;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The one place a job is submitted, for the web form and the REST {@code submit_task} alike:
 * validates the fields (every error names its field), builds the {@link JobRecord}, writes it
 * and sends {@code {"job_id":...}} to the pending queue of the job's queue.
 */
public final class JobSubmission {
    public static final long MAX_WALLTIME_MINUTES = JobRecord.MAX_WALLTIME_MINUTES;
    public static final int MAX_SCRIPT_BYTES = 256 * 1024;
    public static final int MAX_FILES = 100;
    public static final int MAX_TEXT = 4096;
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,254}");
    public static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    /** The fields as the form and {@code submit_task} send them (names are the REST API's). */
    public record Fields(
            String jobtype,
            String jobname,
            String script,
            String scriptName,
            String executable,
            String args,
            String inputs,
            List<String> uploaded,
            String outputs,
            String stdoutFile,
            String stderrFile,
            String walltime,
            String queue) {
        public Fields {
            uploaded = uploaded == null ? List.of() : List.copyOf(uploaded);
        }

        /** From form or REST fields: {@code script_name}, {@code output_file_stdout}, …; {@code uploaded} repeats. */
        public static Fields from(Map<String, List<String>> form) {
            Function<String, String> one = name -> {
                List<String> values = form.get(name);
                return values == null || values.isEmpty() ? null : values.get(0);
            };
            return new Fields(
                    one.apply("jobtype"),
                    one.apply("jobname"),
                    one.apply("script"),
                    one.apply("script_name"),
                    one.apply("executable"),
                    one.apply("args"),
                    one.apply("inputs"),
                    form.getOrDefault("uploaded", List.of()),
                    one.apply("outputs"),
                    one.apply("output_file_stdout"),
                    one.apply("output_file_stderr"),
                    one.apply("walltime"),
                    one.apply("queue"));
        }
    }

    /** Who submits: the signed-in identity (never a field the client sends). */
    public record Submitter(String userId, String username, String email) {}

    /** The fields were refused; every message names its field. */
    public static final class Invalid extends RuntimeException {
        private final List<String> errors;

        public Invalid(List<String> errors) {
            super(String.join("; ", errors));
            this.errors = List.copyOf(errors);
        }

        public List<String> errors() {
            return errors;
        }
    }

    private final JobStore jobs;
    private final SqsClient sqs;
    private final Function<Queue, String> pendingQueueUrl;
    private final String bucket;

    public JobSubmission(JobStore jobs, SqsClient sqs, Function<Queue, String> pendingQueueUrl, String bucket) {
        this.jobs = jobs;
        this.sqs = sqs;
        this.pendingQueueUrl = pendingQueueUrl;
        this.bucket = bucket;
    }

    /**
     * Validates, writes the pending job and queues it. Throws {@link Invalid} naming each bad field.
     * A job whose message cannot be sent is not left {@code pending} (no executor would ever take
     * it): it is failed, saying so, and the send's error is thrown.
     */
    public JobRecord submit(Fields fields, Submitter who) {
        JobRecord job = build(fields, who, bucket, UUID.randomUUID().toString(), Instant.now());
        jobs.create(job);
        try {
            sqs.sendMessage(b ->
                    b.queueUrl(pendingQueueUrl.apply(job.queue())).messageBody("{\"job_id\":\"" + job.jobId() + "\"}"));
        } catch (RuntimeException notQueued) {
            jobs.transition(
                    job.jobId(),
                    Set.of(JobStatus.PENDING),
                    JobStatus.FAILED,
                    JobItems.endedBecause(
                            Instant.now().getEpochSecond(),
                            "the job could not be queued ("
                                    + notQueued.getClass().getSimpleName() + "); submit it again"));
            throw notQueued;
        }
        return job;
    }

    /** Pure: the record these fields make, or {@link Invalid} listing every bad field at once. */
    public static JobRecord build(Fields f, Submitter who, String bucket, String jobId, Instant now) {
        List<String> errors = new ArrayList<>();
        String jobtype = blankTo(f.jobtype(), JobRecord.SCRIPT_TYPE);
        if (!JobRecord.SCRIPT_TYPE.equals(jobtype)) {
            errors.add("jobtype: only 'script' jobs are supported, not '" + clip(jobtype) + "'");
        }
        String script = f.script() == null ? "" : f.script().replace("\r\n", "\n");
        if (script.isBlank()) {
            errors.add("script: no script given");
        } else if (script.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_SCRIPT_BYTES) {
            errors.add("script: larger than " + MAX_SCRIPT_BYTES / 1024 + " KiB");
        }
        String scriptName = blankTo(f.scriptName(), "script.sh");
        checkFileName("script_name", scriptName, errors);
        String executable = blankTo(f.executable(), "/bin/bash");
        String args = f.args() == null ? "" : f.args().strip();
        if (f.executable() == null || f.executable().isBlank()) {
            args = args.isEmpty() ? scriptName : args;
        }
        checkText("executable", executable, errors);
        checkText("args", args, errors);
        String jobname = blankTo(f.jobname(), jobId);
        checkText("jobname", jobname, errors);
        long minutes = 0;
        try {
            minutes = Long.parseLong(blankTo(f.walltime(), "").strip());
            if (minutes <= 0) {
                errors.add("walltime: must be more than 0 minutes");
            } else if (minutes > MAX_WALLTIME_MINUTES) {
                errors.add("walltime: at most " + MAX_WALLTIME_MINUTES + " minutes (11 hours: a job's queue message"
                        + " can be held for at most 12 hours, staging included)");
            }
        } catch (NumberFormatException e) {
            errors.add("walltime: a whole number of minutes is needed");
        }
        Optional<Queue> queue = Queue.fromWire(blankTo(f.queue(), "").strip());
        if (queue.isEmpty()) {
            errors.add("queue: must be Test or Prod, not '" + clip(f.queue()) + "'");
        }
        List<FileMapping> inputs = inputs(f, who, bucket, errors);
        String stdout = blankTo(f.stdoutFile(), JobRecord.DEFAULT_STDOUT);
        String stderr = blankTo(f.stderrFile(), JobRecord.DEFAULT_STDERR);
        checkFileName("output_file_stdout", stdout, errors);
        checkFileName("output_file_stderr", stderr, errors);
        Set<String> outputNames = new LinkedHashSet<>();
        for (String name : split(f.outputs())) {
            checkFileName("outputs", name, errors);
            outputNames.add(name);
        }
        if (outputNames.size() > MAX_FILES) {
            errors.add("outputs: at most " + MAX_FILES + " files");
        }
        outputNames.add(stdout);
        outputNames.add(stderr);
        if (!errors.isEmpty()) {
            throw new Invalid(errors);
        }
        List<FileMapping> outputs = outputNames.stream()
                .map(name -> new FileMapping(name, bucket + "/" + JobPaths.outputKey(jobId, name)))
                .toList();
        return new JobRecord(
                jobId,
                jobname,
                jobtype,
                JobStatus.PENDING,
                queue.get(),
                minutes * 60,
                now.getEpochSecond(),
                null,
                null,
                STAMP.format(now),
                who.username(),
                who.email(),
                who.userId(),
                executable,
                args,
                script,
                scriptName,
                inputs,
                outputs,
                stdout,
                stderr,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                0,
                false);
    }

    private static List<FileMapping> inputs(Fields f, Submitter who, String bucket, List<String> errors) {
        List<FileMapping> inputs = new ArrayList<>();
        for (String url : split(f.inputs())) {
            try {
                URI uri = new URI(url);
                String scheme = uri.getScheme() == null ? "" : uri.getScheme();
                String path = uri.getPath() == null ? "" : uri.getPath();
                String name = path.substring(path.lastIndexOf('/') + 1);
                if (!(scheme.equals("s3") || scheme.equals("https")) || uri.getHost() == null) {
                    errors.add("inputs: '" + clip(url) + "' is not an s3:// or https:// URL");
                } else if (!FILE_NAME.matcher(name).matches()) {
                    errors.add("inputs: '" + clip(url) + "' does not end in a file name");
                } else {
                    inputs.add(new FileMapping(url, name));
                }
            } catch (URISyntaxException e) {
                errors.add("inputs: '" + clip(url) + "' is not a URL");
            }
        }
        for (String name : f.uploaded()) {
            if (name == null || name.isBlank()) {
                continue;
            }
            if (checkFileName("uploaded", name, errors)) {
                inputs.add(new FileMapping("s3://" + bucket + "/" + JobPaths.userArea(who.userId()) + name, name));
            }
        }
        if (inputs.size() > MAX_FILES) {
            errors.add("inputs: at most " + MAX_FILES + " files");
        }
        Set<String> seen = new LinkedHashSet<>();
        for (FileMapping input : inputs) {
            if (!seen.add(input.dest())) {
                errors.add("inputs: two inputs are named '" + input.dest() + "'");
            }
        }
        return inputs;
    }

    /** Names a job may write or read in its work directory: no paths, no dot files. */
    public static boolean isFileName(String name) {
        return name != null && FILE_NAME.matcher(name).matches() && !name.contains("..");
    }

    private static boolean checkFileName(String field, String name, List<String> errors) {
        if (!isFileName(name)) {
            errors.add(field + ": '" + clip(name) + "' is not a plain file name (letters, digits, . _ + -)");
            return false;
        }
        return true;
    }

    private static void checkText(String field, String value, List<String> errors) {
        if (value.length() > MAX_TEXT) {
            errors.add(field + ": longer than " + MAX_TEXT + " characters");
        }
    }

    /** One per line or comma-separated. */
    static List<String> split(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return Arrays.stream(value.split("[,\\r\\n]+"))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    private static String blankTo(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }

    private static String clip(String value) {
        if (value == null) {
            return "";
        }
        return value.length() > 80 ? value.substring(0, 80) + "…" : value;
    }
}
