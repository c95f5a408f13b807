package org.kotta.platform.core;

import java.util.List;

/**
 * A job, as one JobsTable item. The attribute names are Cloud Kotta's, so an existing table's
 * history still reads ({@link JobItems} maps them); attributes starting {@code i_} are internal
 * and never shown to users.
 *
 * @param walltimeSeconds  {@code walltime}, seconds (the form and REST API take minutes)
 * @param submitTime       {@code submit_time}, epoch seconds; start and complete times likewise, null until then
 * @param userId           {@code i_user_id}: the submitter's identity-provider user id (owner of the job)
 * @param stdoutFile       {@code output_file_stdout}: where the command's standard output goes
 * @param errorCode        {@code ERROR_CODE}: the command's exit code, null if it never ran
 * @param attempt          {@code i_attempt}: how many times an executor has claimed it
 * @param cancelRequested  {@code i_cancel_requested}: the owner asked for a cancel while it ran
 */
public record JobRecord(
        String jobId,
        String jobName,
        String jobType,
        JobStatus status,
        Queue queue,
        long walltimeSeconds,
        long submitTime,
        Long startTime,
        Long completeTime,
        String submitStamp,
        String username,
        String userEmail,
        String userId,
        String executable,
        String args,
        String script,
        String scriptName,
        List<FileMapping> inputs,
        List<FileMapping> outputs,
        String stdoutFile,
        String stderrFile,
        String instanceId,
        String instanceType,
        String error,
        Integer errorCode,
        Double stageInSeconds,
        Double processingSeconds,
        Double stageOutSeconds,
        int attempt,
        boolean cancelRequested) {

    public static final String DEFAULT_STDOUT = "STDOUT.txt";
    public static final String DEFAULT_STDERR = "STDERR.txt";
    public static final String SCRIPT_TYPE = "script";
    /**
     * The longest wall time a job may ask for: 11 hours. A job's SQS message stays in flight
     * while it runs, and SQS extends a received message's invisibility to at most 12 hours in
     * all; 11 hours leave one for staging inputs and outputs. The web form, the REST API and the
     * executor (for items written before this cap) all hold to it.
     */
    public static final long MAX_WALLTIME_MINUTES = 11 * 60;

    public JobRecord {
        inputs = inputs == null ? List.of() : List.copyOf(inputs);
        outputs = outputs == null ? List.of() : List.copyOf(outputs);
    }

    public boolean ownedBy(String someUserId) {
        return userId != null && userId.equals(someUserId);
    }
}
