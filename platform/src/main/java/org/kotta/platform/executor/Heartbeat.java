package org.kotta.platform.executor;

import java.util.Optional;
import org.kotta.platform.core.JobStore;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Keeps a running job's message invisible (extended every {@code visibilityEvery} to
 * {@code visibilityAhead}) and records the executor's heartbeat on the job; takes up a receipt
 * handle another executor handed back ({@link JobStore#handOver}).
 */
final class Heartbeat {
    private final ExecutorContext context;
    private final ExecutorSettings settings;
    private final PendingQueue queue;
    private final InstanceLifecycle lifecycle;
    private final String jobId;
    private volatile String receipt;
    private long next;

    Heartbeat(ExecutorContext context, PendingQueue queue, InstanceLifecycle lifecycle, String jobId, String receipt) {
        this.context = context;
        this.settings = context.settings();
        this.queue = queue;
        this.lifecycle = lifecycle;
        this.jobId = jobId;
        this.receipt = receipt;
    }

    /** The newest receipt handle of the job's message this executor knows. */
    String receipt() {
        return receipt;
    }

    void extendNow() {
        try {
            Optional<String> handed =
                    context.store().heartbeat(jobId, settings.instanceId(), System.currentTimeMillis() / 1000);
            if (handed.isEmpty()) {
                context.log(jobId, "heartbeat", "the job is no longer this executor's");
            } else if (!handed.get().isEmpty() && !handed.get().equals(receipt)) {
                receipt = handed.get();
                context.log(jobId, "heartbeat", "its message came back and was handed back: extending it again");
            }
        } catch (SdkException e) {
            context.log(jobId, "heartbeat", "could not record the heartbeat: " + e.getMessage());
        }
        queue.extend(jobId, receipt, settings.visibilityAhead());
        next = System.nanoTime() + settings.visibilityEvery().toNanos();
    }

    void extendIfDue() {
        if (System.nanoTime() >= next) {
            extendNow();
        }
        lifecycle.whileJobRuns();
    }
}
