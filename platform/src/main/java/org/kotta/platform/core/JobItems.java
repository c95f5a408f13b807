package org.kotta.platform.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Maps {@link JobRecord} to and from a JobsTable item, with Cloud Kotta's attribute names. */
public final class JobItems {
    public static final String JOB_ID = "job_id";
    public static final String JOB_NAME = "jobname";
    public static final String JOB_TYPE = "jobtype";
    public static final String STATUS = "status";
    public static final String QUEUE = "queue";
    public static final String WALLTIME = "walltime";
    public static final String SUBMIT_TIME = "submit_time";
    public static final String START_TIME = "start_time";
    public static final String COMPLETE_TIME = "complete_time";
    public static final String SUBMIT_STAMP = "submit_stamp";
    public static final String USERNAME = "username";
    public static final String USER_EMAIL = "user_email";
    public static final String USER_ID = "i_user_id";
    public static final String EXECUTABLE = "executable";
    public static final String ARGS = "args";
    public static final String SCRIPT = "i_script";
    public static final String SCRIPT_NAME = "i_script_name";
    public static final String INPUTS = "inputs";
    public static final String OUTPUTS = "outputs";
    public static final String STDOUT_FILE = "output_file_stdout";
    public static final String STDERR_FILE = "output_file_stderr";
    public static final String INSTANCE_ID = "i_instance_id";
    public static final String INSTANCE_TYPE = "i_instance_type";
    public static final String ERROR = "ERROR";
    public static final String ERROR_CODE = "ERROR_CODE";
    public static final String STAGE_IN_DURATION = "z_stagein_dur";
    public static final String PROCESSING_DURATION = "z_processing_dur";
    public static final String STAGE_OUT_DURATION = "z_stageout_dur";
    public static final String ATTEMPT = "i_attempt";
    public static final String CANCEL_REQUESTED = "i_cancel_requested";
    /** Epoch seconds of the running executor's last sign of life (a dead one's job is taken over). */
    public static final String HEARTBEAT = "i_heartbeat";
    /** The id of the SQS message the running executor holds for the job (duplicates are told apart by it). */
    public static final String MESSAGE_ID = "i_message_id";
    /**
     * A newer receipt handle of that message, left by an executor that received it again while the
     * job still ran (its visibility had lapsed): the running executor extends and deletes with it.
     */
    public static final String RECEIPT = "i_receipt";
    /** Declared outputs the job did not create (a list of file names), written when it ends. */
    public static final String MISSING_OUTPUTS = "missing_outputs";
    /** The JobsTable index listing one user's jobs newest first (kotta-base.yaml). */
    public static final String BY_USER_INDEX = "by-user";

    private JobItems() {}

    public static Map<String, AttributeValue> toItem(JobRecord job) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        putS(item, JOB_ID, job.jobId());
        putS(item, JOB_NAME, job.jobName());
        putS(item, JOB_TYPE, job.jobType());
        putS(item, STATUS, job.status().wireName());
        putS(item, QUEUE, job.queue().wireName());
        putN(item, WALLTIME, job.walltimeSeconds());
        putN(item, SUBMIT_TIME, job.submitTime());
        putN(item, START_TIME, job.startTime());
        putN(item, COMPLETE_TIME, job.completeTime());
        putS(item, SUBMIT_STAMP, job.submitStamp());
        putS(item, USERNAME, job.username());
        putS(item, USER_EMAIL, job.userEmail());
        putS(item, USER_ID, job.userId());
        putS(item, EXECUTABLE, job.executable());
        putS(item, ARGS, job.args());
        putS(item, SCRIPT, job.script());
        putS(item, SCRIPT_NAME, job.scriptName());
        item.put(INPUTS, mappings(job.inputs()));
        item.put(OUTPUTS, mappings(job.outputs()));
        putS(item, STDOUT_FILE, job.stdoutFile());
        putS(item, STDERR_FILE, job.stderrFile());
        putS(item, INSTANCE_ID, job.instanceId());
        putS(item, INSTANCE_TYPE, job.instanceType());
        putS(item, ERROR, job.error());
        putN(item, ERROR_CODE, job.errorCode());
        putN(item, STAGE_IN_DURATION, job.stageInSeconds());
        putN(item, PROCESSING_DURATION, job.processingSeconds());
        putN(item, STAGE_OUT_DURATION, job.stageOutSeconds());
        putN(item, ATTEMPT, job.attempt());
        if (job.cancelRequested()) {
            item.put(CANCEL_REQUESTED, AttributeValue.fromBool(true));
        }
        return item;
    }

    public static JobRecord fromItem(Map<String, AttributeValue> item) {
        String status = s(item, STATUS);
        String queue = s(item, QUEUE);
        return new JobRecord(
                s(item, JOB_ID),
                s(item, JOB_NAME),
                orElse(s(item, JOB_TYPE), JobRecord.SCRIPT_TYPE),
                JobStatus.fromWire(status)
                        .orElseThrow(() -> new IllegalStateException(
                                "job " + s(item, JOB_ID) + " has an unknown status " + status)),
                Queue.fromWire(queue).orElse(Queue.TEST),
                longOr(item, WALLTIME, 0L),
                longOr(item, SUBMIT_TIME, 0L),
                nullableLong(item, START_TIME),
                nullableLong(item, COMPLETE_TIME),
                s(item, SUBMIT_STAMP),
                s(item, USERNAME),
                s(item, USER_EMAIL),
                s(item, USER_ID),
                s(item, EXECUTABLE),
                s(item, ARGS),
                s(item, SCRIPT),
                s(item, SCRIPT_NAME),
                readMappings(item.get(INPUTS)),
                readMappings(item.get(OUTPUTS)),
                orElse(s(item, STDOUT_FILE), JobRecord.DEFAULT_STDOUT),
                orElse(s(item, STDERR_FILE), JobRecord.DEFAULT_STDERR),
                s(item, INSTANCE_ID),
                s(item, INSTANCE_TYPE),
                s(item, ERROR),
                item.containsKey(ERROR_CODE) ? (int) longOr(item, ERROR_CODE, 0L) : null,
                nullableDouble(item, STAGE_IN_DURATION),
                nullableDouble(item, PROCESSING_DURATION),
                nullableDouble(item, STAGE_OUT_DURATION),
                (int) longOr(item, ATTEMPT, 0L),
                item.containsKey(CANCEL_REQUESTED)
                        && Boolean.TRUE.equals(item.get(CANCEL_REQUESTED).bool()));
    }

    public static AttributeValue mappings(List<FileMapping> mappings) {
        List<AttributeValue> list = new ArrayList<>();
        for (FileMapping mapping : mappings) {
            list.add(AttributeValue.fromM(
                    Map.of("src", AttributeValue.fromS(mapping.src()), "dest", AttributeValue.fromS(mapping.dest()))));
        }
        return AttributeValue.fromL(list);
    }

    private static List<FileMapping> readMappings(AttributeValue value) {
        List<FileMapping> out = new ArrayList<>();
        if (value == null || !value.hasL()) {
            return out;
        }
        for (AttributeValue entry : value.l()) {
            if (entry.hasM()) {
                AttributeValue src = entry.m().get("src");
                AttributeValue dest = entry.m().get("dest");
                out.add(new FileMapping(src == null ? null : src.s(), dest == null ? null : dest.s()));
            }
        }
        return out;
    }

    static void putS(Map<String, AttributeValue> item, String name, String value) {
        if (value != null && !value.isEmpty()) {
            item.put(name, AttributeValue.fromS(value));
        }
    }

    static void putN(Map<String, AttributeValue> item, String name, Number value) {
        if (value != null) {
            item.put(name, AttributeValue.fromN(value.toString()));
        }
    }

    static String s(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        if (value == null) {
            return null;
        }
        return value.s() != null ? value.s() : value.n();
    }

    private static String orElse(String value, String fallback) {
        return value == null || value.isEmpty() ? fallback : value;
    }

    private static long longOr(Map<String, AttributeValue> item, String name, long fallback) {
        Long value = nullableLong(item, name);
        return value == null ? fallback : value;
    }

    private static Long nullableLong(Map<String, AttributeValue> item, String name) {
        String value = s(item, name);
        if (value == null) {
            return null;
        }
        return (long) Double.parseDouble(value);
    }

    private static Double nullableDouble(Map<String, AttributeValue> item, String name) {
        String value = s(item, name);
        return value == null ? null : Double.parseDouble(value);
    }

    /** What every ending before a run writes beside its status: when, and why (the job's error). */
    public static Map<String, AttributeValue> endedBecause(long epochSecond, String why) {
        return Map.of(
                COMPLETE_TIME, AttributeValue.fromN(Long.toString(epochSecond)), ERROR, AttributeValue.fromS(why));
    }
}
