package org.kotta.deployer.sweep;

import java.time.Duration;
import java.time.Instant;
import org.kotta.deployer.core.DeploymentStatus;

/**
 * Whether a deployment record is stale: still PENDING or RUNNING although its execution has
 * ended, or although no execution exists for it. Pure: the record's fields and what
 * Step Functions said about the execution go in, a verdict comes out.
 */
public final class SweepRules {
    /** The execution ended (FAILED, TIMED_OUT, ABORTED, or even SUCCEEDED) without a final record. */
    public static final String EXECUTION_ENDED = "ExecutionEnded";
    /** No execution exists for the record (never started, or its history is gone). */
    public static final String EXECUTION_LOST = "ExecutionLost";
    /**
     * How long a record may be without an execution before it counts as lost: a starter
     * writes PENDING before StartExecution, and notes the execution's ARN only after it.
     */
    public static final Duration GRACE = Duration.ofMinutes(2);

    private SweepRules() {}

    /**
     * @param record    the record as stored
     * @param execution what DescribeExecution answered; {@link Execution#missing()} for
     *                  ExecutionDoesNotExist
     */
    public static Verdict judge(Record record, Execution execution, Instant now) {
        if (!record.unfinished()) {
            return Verdict.leave("already " + record.status());
        }
        String step = record.currentStep() != null
                ? record.currentStep()
                : DeploymentStatus.PENDING.name().equals(record.status()) ? "start" : "unknown";
        if (execution.exists()) {
            if ("RUNNING".equals(execution.status())) {
                return Verdict.leave("execution RUNNING");
            }
            StringBuilder cause = new StringBuilder("the execution ended ")
                    .append(execution.status())
                    .append(" while the deployment was ")
                    .append(record.status());
            if (execution.error() != null && !execution.error().isBlank()) {
                cause.append(" (").append(execution.error());
                if (execution.cause() != null && !execution.cause().isBlank()) {
                    cause.append(": ").append(execution.cause());
                }
                cause.append(")");
            }
            cause.append("; nothing recorded its outcome, so the sweep did");
            return Verdict.markFailed(step, EXECUTION_ENDED, cause.toString());
        }
        Instant lastWrite = record.updatedAt() != null ? record.updatedAt() : record.createdAt();
        if (lastWrite != null && lastWrite.plus(GRACE).isAfter(now)) {
            return Verdict.leave("no execution yet, within the grace period");
        }
        return Verdict.markFailed(
                step,
                EXECUTION_LOST,
                "no execution " + record.executionArn()
                        + " exists (it was never started, or the service lost it) while the deployment was "
                        + record.status() + "; the sweep marked it failed");
    }

    /** The fields of a deployment record the rules read. */
    public record Record(
            String deploymentId,
            String status,
            String currentStep,
            String executionArn,
            Instant createdAt,
            Instant updatedAt) {
        /** Still PENDING or RUNNING: only such a record can be stale. */
        public boolean unfinished() {
            return DeploymentStatus.PENDING.name().equals(status)
                    || DeploymentStatus.RUNNING.name().equals(status);
        }
    }

    /** What Step Functions said about the record's execution. */
    public record Execution(boolean exists, String status, String error, String cause) {
        public static Execution missing() {
            return new Execution(false, null, null, null);
        }

        public static Execution of(String status, String error, String cause) {
            return new Execution(true, status, error, cause);
        }
    }

    /**
     * What to do about a stack of a deployment whose execution ended: an update still running is
     * cancelled (it rolls back, and the next deployment finds the stack settled); any other
     * operation in progress cannot be cancelled, so the record says when to deploy again. Null
     * when the stack is settled or gone.
     */
    public static StackAdvice stackAdvice(String stackName, String status) {
        if (status == null || !status.endsWith("_IN_PROGRESS")) {
            return null;
        }
        if (status.equals("UPDATE_IN_PROGRESS")) {
            return new StackAdvice(
                    true,
                    "stack " + stackName + " was still UPDATE_IN_PROGRESS: the sweep cancelled"
                            + " the update (CancelUpdateStack), which rolls it back; deploy again once the stack is"
                            + " UPDATE_ROLLBACK_COMPLETE");
        }
        return new StackAdvice(
                false,
                "stack " + stackName + " is still " + status + ", which CloudFormation cannot"
                        + " cancel; deploy again once it has finished (its events are in the CloudFormation console;"
                        + " a certificate waiting for DNS validation can hold it for hours)");
    }

    /** Whether to cancel the stack's update, and what the record says about the stack. */
    public record StackAdvice(boolean cancelUpdate, String text) {}

    /** Leave the record alone, or mark it FAILED with this step, error and cause. */
    public record Verdict(boolean markFailed, String step, String error, String cause) {
        static Verdict leave(String why) {
            return new Verdict(false, null, null, why);
        }

        static Verdict markFailed(String step, String error, String cause) {
            return new Verdict(true, step, error, cause);
        }
    }
}
