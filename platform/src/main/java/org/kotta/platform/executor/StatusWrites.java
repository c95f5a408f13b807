package org.kotta.platform.executor;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.kotta.platform.core.JobItems;
import org.kotta.platform.core.JobRecord;
import org.kotta.platform.core.JobStatus;
import org.kotta.platform.core.JobStore;
import org.kotta.platform.executor.JobRun.Ending;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The status writes of one {@link JobRun}: each a conditional write through the job store, made
 * only while this executor still holds the job; an ending is logged, and notified when the job ended.
 */
final class StatusWrites {
    private final ExecutorContext context;
    private final JobRecord job;

    StatusWrites(ExecutorContext context, JobRecord job) {
        this.context = context;
        this.job = job;
    }

    Ending putBack() {
        boolean requeued =
                context.store().requeue(job.jobId(), context.settings().instanceId());
        log("pending", requeued ? "put back in the queue" : "could not put back: someone else moved it");
        return requeued ? Ending.PUT_BACK : Ending.LOST;
    }

    Ending cancel(JobStatus from, Map<String, AttributeValue> attributes) {
        Map<String, AttributeValue> set = new HashMap<>(attributes);
        set.put(JobItems.COMPLETE_TIME, now());
        set.put(JobItems.ERROR, AttributeValue.fromS("cancelled by its owner while " + from.wireName()));
        return end(from, JobStatus.CANCELLED, set, "cancelled");
    }

    Ending fail(JobStatus from, String error, Integer code, Map<String, AttributeValue> attributes) {
        Map<String, AttributeValue> set = new HashMap<>(attributes);
        set.put(JobItems.ERROR, AttributeValue.fromS(error));
        if (code != null) {
            set.put(JobItems.ERROR_CODE, AttributeValue.fromN(Integer.toString(code)));
        }
        set.put(JobItems.COMPLETE_TIME, now());
        return end(from, JobStatus.FAILED, set, error);
    }

    Ending end(JobStatus from, JobStatus to, Map<String, AttributeValue> attributes, String why) {
        if (advance(Set.of(from), to, attributes).isEmpty()) {
            return lost(to.wireName());
        }
        log(to.wireName(), why);
        context.notifyEnded(job, to);
        return Ending.ENDED;
    }

    /** Every status write of a run: only while this executor still holds the job (see {@link JobStore#advance}). */
    Optional<JobRecord> advance(Set<JobStatus> from, JobStatus to, Map<String, AttributeValue> attributes) {
        return context.store().advance(job.jobId(), context.settings().instanceId(), from, to, attributes);
    }

    Ending lost(String step) {
        log(step, "the job was moved by someone else; leaving it");
        return Ending.LOST;
    }

    /** Now, in epoch seconds, as the job's times are written. */
    static AttributeValue now() {
        return AttributeValue.fromN(Long.toString(System.currentTimeMillis() / 1000));
    }

    private void log(String step, String detail) {
        context.log(job.jobId(), step, detail);
    }
}
