package org.kotta.platform.executor;

import java.io.IOException;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;

/**
 * The executor's side of its Auto Scaling group, so that no job is killed by a scale-in or a
 * rollout: scale-in protection while a job runs, and the termination lifecycle hook
 * ({@code kotta-let-the-job-finish}). The group terminating this instance shows in the metadata
 * service's {@code autoscaling/target-lifecycle-state} as {@code Terminated}: the executor then
 * takes no new job, heartbeats the hook while its job runs, and completes it (CONTINUE) once the
 * job has ended, or at once when idle; then it exits.
 *
 * <p>Without {@code KOTTA_AUTOSCALING_GROUP} (tests, a host outside a group) it does nothing. A
 * failed call is a warning, never a reason to fail or drop a job.
 */
final class InstanceLifecycle {
    static final String TERMINATED = "Terminated";

    /** What the executor does next, from the target lifecycle state and whether a job runs. */
    enum Next {
        /** Not being terminated: go on taking jobs. */
        TAKE_JOBS,
        /** Being terminated while a job runs: let it finish, heartbeating the hook. */
        FINISH_THE_JOB,
        /** Being terminated and idle: complete the hook and exit. */
        COMPLETE_AND_EXIT
    }

    private final ExecutorSettings.Scaling scaling;
    private final String instanceId;
    private final Optional<AutoScalingClient> autoScaling;
    private final InstanceMetadata metadata;
    private final Consumer<String> log;
    private volatile boolean terminating;
    private long nextCheck;
    private long nextHeartbeat;
    private String lastProblem;

    InstanceLifecycle(ExecutorSettings settings, Optional<AutoScalingClient> autoScaling, Consumer<String> log) {
        this.scaling = settings.scaling();
        this.instanceId = settings.instanceId();
        this.autoScaling = scaling.group().isPresent() ? autoScaling : Optional.empty();
        this.metadata = new InstanceMetadata(scaling.metadataUrl());
        this.log = log;
    }

    /** Whether the target lifecycle state means this instance is on its way out. */
    static boolean isTerminating(Optional<String> targetLifecycleState) {
        return targetLifecycleState
                .map(String::strip)
                .filter(TERMINATED::equals)
                .isPresent();
    }

    static Next next(boolean terminating, boolean jobRunning) {
        if (!terminating) {
            return Next.TAKE_JOBS;
        }
        return jobRunning ? Next.FINISH_THE_JOB : Next.COMPLETE_AND_EXIT;
    }

    /** Whether this executor belongs to a group (else every call here does nothing). */
    boolean managed() {
        return autoScaling.isPresent();
    }

    /** Reads the target lifecycle state now; once {@code Terminated}, it stays so. */
    boolean terminating() {
        if (!managed() || terminating) {
            return terminating;
        }
        try {
            if (isTerminating(metadata.read(InstanceMetadata.TARGET_LIFECYCLE_STATE))) {
                terminating = true;
                log.accept("the instance is being terminated (target lifecycle state " + TERMINATED
                        + ": scale-in or a rollout): taking no new job");
            }
            lastProblem = null;
        } catch (IOException e) {
            warnOnce("could not read the target lifecycle state: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return terminating;
    }

    /**
     * Called often while a job runs: reads the state every {@code checkEvery}; once terminating,
     * heartbeats the hook every {@code heartbeatEvery}, so the instance waits for the job.
     */
    void whileJobRuns() {
        if (!managed()) {
            return;
        }
        long now = System.nanoTime();
        if (!terminating && now >= nextCheck) {
            nextCheck = now + scaling.checkEvery().toNanos();
            terminating();
        }
        if (next(terminating, true) == Next.FINISH_THE_JOB && now >= nextHeartbeat) {
            nextHeartbeat = now + scaling.heartbeatEvery().toNanos();
            call(
                    "RecordLifecycleActionHeartbeat",
                    () -> autoScaling
                            .get()
                            .recordLifecycleActionHeartbeat(
                                    b -> b.autoScalingGroupName(scaling.group().get())
                                            .lifecycleHookName(hook())
                                            .instanceId(instanceId)));
        }
    }

    /** Protects the instance from scale-in while a job runs ({@code true} at the claim, {@code false} at its end). */
    void protect(boolean on) {
        if (managed()) {
            call(
                    "SetInstanceProtection " + on,
                    () -> autoScaling
                            .get()
                            .setInstanceProtection(
                                    b -> b.autoScalingGroupName(scaling.group().get())
                                            .instanceIds(instanceId)
                                            .protectedFromScaleIn(on)));
        }
    }

    /** Lets the termination go on: CompleteLifecycleAction CONTINUE. */
    void complete() {
        if (managed()) {
            call(
                    "CompleteLifecycleAction CONTINUE",
                    () -> autoScaling
                            .get()
                            .completeLifecycleAction(
                                    b -> b.autoScalingGroupName(scaling.group().get())
                                            .lifecycleHookName(hook())
                                            .instanceId(instanceId)
                                            .lifecycleActionResult("CONTINUE")));
            log.accept("completed the termination hook " + hook() + ": the instance may go");
        }
    }

    private String hook() {
        return scaling.hook().orElse("kotta-let-the-job-finish");
    }

    private void call(String what, Runnable call) {
        try {
            call.run();
        } catch (SdkException e) {
            log.accept("warning: " + what + " failed (the job goes on): " + e.getMessage());
        }
    }

    private void warnOnce(String problem) {
        if (!problem.equals(lastProblem)) {
            log.accept("warning: " + problem);
            lastProblem = problem;
        }
    }
}
