package org.kotta.platform.executor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.kotta.platform.core.JobItems;
import org.kotta.platform.core.JobRecord;
import org.kotta.platform.core.JobStatus;
import org.kotta.platform.core.JobStore;
import org.kotta.platform.core.PlatformClients;
import org.kotta.platform.core.Wiring;
import org.kotta.platform.executor.JobCommand.JobUser;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Cloud Kotta's task executor: long-polls its pool's pending queue, claims each job with a
 * conditional write (a message delivered twice runs once), runs it ({@link JobRun}) and deletes
 * the message only once the job's final status is written.
 *
 * <p>In an Auto Scaling group it protects its instance from scale-in while a job runs, and when
 * the group terminates the instance (scale-in, a rollout) it lets the running job finish, then
 * completes the termination hook and returns ({@link InstanceLifecycle}).
 *
 * <p>{@link #stop()} is what SIGTERM does (a spot interruption, a stop by hand): the running job is
 * killed, put back as {@code pending}, and a fresh message sent for it (the old one deleted), so
 * another executor finishes it. {@code Main task-executor} calls {@link #runFromEnvironment()}.
 */
public final class TaskExecutor {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ExecutorSettings settings;
    private final PendingQueue queue;
    private final ExecutorContext context;
    private final InstanceLifecycle lifecycle;
    private final Object lock = new Object();
    private final AtomicInteger claimed = new AtomicInteger();
    private final AtomicInteger received = new AtomicInteger();
    private volatile boolean stopping;
    private boolean busy;
    /** A receive (and the handling of what it returned) is in progress. */
    private boolean polling;

    private JobRun current;
    private String currentReceipt;
    private Heartbeat currentHeartbeat;

    public TaskExecutor(ExecutorSettings settings, PlatformClients clients) {
        this.settings = settings;
        JobStore store = new JobStore(clients.dynamo(), settings.jobsTable());
        FileStager stager = new FileStager(
                clients.s3(),
                settings.bucket(),
                settings.maxInputFileBytes(),
                settings.maxInputTotalBytes(),
                settings.limits().maxOutputFileBytes());
        this.context = new ExecutorContext(settings, store, stager, JobUser.lookUp(settings.jobUser()), clients.sns());
        this.queue = new PendingQueue(clients.sqs(), settings.queueUrl(), context);
        this.lifecycle = new InstanceLifecycle(
                settings,
                settings.scaling().group().map(g -> clients.autoScaling()),
                line -> context.log("-", "lifecycle", line));
    }

    /** The process of {@code kotta-start task-executor}: runs until SIGTERM, which puts a running job back. */
    public static void runFromEnvironment() {
        Wiring wiring = Wiring.fromEnvironment();
        TaskExecutor executor = new TaskExecutor(ExecutorSettings.fromWiring(wiring), new PlatformClients(wiring));
        Runtime.getRuntime().addShutdownHook(new Thread(executor::stop, "kotta-executor-stop"));
        executor.run();
    }

    /** Polls and runs jobs on a new thread (daemon); returns it. */
    public Thread start() {
        Thread thread = new Thread(this::run, "kotta-executor-" + settings.instanceId());
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Polls and runs jobs on this thread until {@link #stop()}. */
    public void run() {
        try {
            WorkDirs.prepareRoot(settings.workRoot(), context.jobUser().isPresent());
        } catch (IOException e) {
            throw new IllegalStateException("cannot prepare the work directory " + settings.workRoot(), e);
        }
        context.log(
                "-",
                "started",
                "pool " + settings.pool().pool() + ", work dir " + settings.workRoot()
                        + context.jobUser()
                                .map(u -> ", jobs run as " + u.name())
                                .orElse(", jobs run as this process's user"));
        while (true) {
            if (InstanceLifecycle.next(lifecycle.terminating(), false) == InstanceLifecycle.Next.COMPLETE_AND_EXIT) {
                // idle, or the job it ran has ended: nothing holds the instance any longer
                lifecycle.complete();
                break;
            }
            synchronized (lock) {
                if (stopping) {
                    break;
                }
                polling = true;
            }
            try {
                List<Message> messages = queue.receive(settings.pollWaitSeconds());
                for (Message message : messages) {
                    received.incrementAndGet();
                    handle(message);
                }
            } catch (SdkException e) {
                context.log("-", "poll", "receive failed, retrying: " + e.getMessage());
                pause(2000);
            } finally {
                synchronized (lock) {
                    polling = false;
                    lock.notifyAll();
                }
            }
        }
        context.log("-", "stopped", "");
    }

    /**
     * Stops polling; a running job is killed, put back as {@code pending} with a fresh message, as
     * is the job of a message the poll in progress still receives. Waits for that at most
     * the settings' stop grace.
     */
    public void stop() {
        long deadline = System.nanoTime() + settings.stopGrace().toNanos();
        synchronized (lock) {
            stopping = true;
            // a poll in progress is waited for too: the queue hands it a message even if this
            // process ended meanwhile, and only a live executor can release that message at once
            while (busy || polling) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    break;
                }
                try {
                    lock.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (busy && current != null) {
                context.log(current.jobId(), "pending", "stop grace over: killing and putting it back");
                current.killNow();
                if (context.store().requeue(current.jobId(), settings.instanceId())) {
                    queue.putBack(
                            current.jobId(), currentHeartbeat != null ? currentHeartbeat.receipt() : currentReceipt);
                }
            }
        }
    }

    /** Whether a job is pending; a failed read counts as not pending (its message is then only released). */
    private boolean isPending(String jobId) {
        try {
            return context.store()
                    .find(jobId)
                    .map(job -> job.status() == JobStatus.PENDING)
                    .orElse(false);
        } catch (SdkException e) {
            return false;
        }
    }

    /** How many messages this executor has received (claimed or skipped). */
    public int messagesReceived() {
        return received.get();
    }

    /** How many jobs this executor has claimed. */
    public int jobsClaimed() {
        return claimed.get();
    }

    private void handle(Message message) {
        boolean terminating = lifecycle.terminating();
        // read before the lock: only a pending job's message may be swapped for a fresh one (a put-back);
        // a running job's own message, come back while its executor works, must stay the one it holds
        boolean leaving = stopping || terminating;
        Optional<String> pendingJob = leaving ? jobIdOf(message.body()).filter(this::isPending) : Optional.empty();
        synchronized (lock) {
            if (stopping || terminating) {
                pendingJob.ifPresentOrElse(
                        id -> queue.putBack(id, message.receiptHandle()), () -> queue.release(message.receiptHandle()));
                return;
            }
            busy = true;
            currentReceipt = message.receiptHandle();
        }
        try {
            process(message);
        } catch (RuntimeException | IOException e) {
            context.log("-", "error", "handling a message failed (it comes back after its visibility timeout): " + e);
        } finally {
            synchronized (lock) {
                busy = false;
                current = null;
                currentReceipt = null;
                currentHeartbeat = null;
                lock.notifyAll();
            }
        }
    }

    private void process(Message message) throws IOException {
        String receipt = message.receiptHandle();
        Optional<String> jobId = jobIdOf(message.body());
        if (jobId.isEmpty()) {
            context.log("-", "skipped", "malformed message deleted: " + abbreviate(message.body()));
            queue.delete(receipt);
            return;
        }
        long now = System.currentTimeMillis() / 1000;
        Optional<JobRecord> job = context.store()
                .claim(jobId.get(), settings.instanceId(), settings.instanceType(), now, message.messageId());
        if (job.isEmpty()) {
            job = takeOverIfStale(jobId.get(), now, message.messageId());
        }
        if (job.isEmpty()) {
            skipUnclaimed(jobId.get(), message, now);
            return;
        }
        claimed.incrementAndGet();
        context.log(jobId.get(), "claimed", "attempt " + job.get().attempt());
        lifecycle.protect(true);
        try {
            runClaimed(job.get(), receipt);
        } finally {
            lifecycle.protect(false);
        }
    }

    private void runClaimed(JobRecord job, String receipt) throws IOException {
        Heartbeat heartbeat = new Heartbeat(context, queue, lifecycle, job.jobId(), receipt);
        heartbeat.extendNow();
        JobRun run = new JobRun(context, job, heartbeat::extendIfDue, () -> stopping);
        synchronized (lock) {
            current = run;
            currentHeartbeat = heartbeat;
        }
        switch (run.run()) {
            case ENDED -> queue.delete(heartbeat.receipt());
            case PUT_BACK -> queue.putBack(job.jobId(), heartbeat.receipt());
            case LOST -> settleLost(job.jobId(), heartbeat.receipt());
        }
    }

    /**
     * Someone else moved the job while this executor ran it. Pending: put back with a fresh
     * message. Running elsewhere (taken over): the message is the new holder's now — SQS may
     * honour a delete with an old receipt — so it is left alone. Ended or gone: deleted. When
     * the record cannot be read, nothing is done: the message comes back and is settled then.
     */
    private void settleLost(String jobId, String receipt) {
        Optional<JobRecord> now;
        try {
            now = context.store().find(jobId);
        } catch (SdkException e) {
            context.log(jobId, "lost", "could not read the record; its message comes back and is settled then");
            return;
        }
        if (now.isPresent() && now.get().status() == JobStatus.PENDING) {
            queue.putBack(jobId, receipt);
        } else if (now.isPresent() && now.get().status().isRunning()) {
            context.log(jobId, "lost", "running on " + now.get().instanceId() + ", whose message it is now");
        } else {
            queue.delete(receipt);
        }
    }

    /**
     * A running job whose message came back and whose executor has shown no sign of life for
     * {@link ExecutorSettings#staleAfterSeconds()}: its executor died without putting it back.
     */
    private Optional<JobRecord> takeOverIfStale(String jobId, long now, String messageId) {
        Optional<JobRecord> job = context.store().find(jobId);
        if (job.isEmpty() || !job.get().status().isRunning()) {
            return Optional.empty();
        }
        Optional<JobRecord> taken = context.store()
                .reclaimStale(
                        jobId,
                        settings.instanceId(),
                        settings.instanceType(),
                        now,
                        now - settings.staleAfterSeconds(),
                        messageId);
        taken.ifPresent(t -> context.log(
                jobId,
                "taken over",
                "from " + job.get().instanceId() + ", silent for over " + settings.staleAfterSeconds() + " s"));
        return taken;
    }

    /** A message whose job could not be claimed: unknown, ended, running elsewhere, or cancelled while pending. */
    private void skipUnclaimed(String jobId, Message message, long now) {
        String receipt = message.receiptHandle();
        Optional<JobRecord> job = context.store().find(jobId);
        if (job.isEmpty()) {
            context.log(jobId, "skipped", "no such job: message deleted");
            queue.delete(receipt);
        } else if (job.get().status() == JobStatus.PENDING && job.get().cancelRequested()) {
            context.store()
                    .transition(
                            jobId,
                            Set.of(JobStatus.PENDING),
                            JobStatus.CANCELLED,
                            JobItems.endedBecause(now, "cancelled by its owner before it ran"));
            context.log(jobId, "skipped", "cancelled while pending: message deleted");
            queue.delete(receipt);
        } else if (job.get().status() == JobStatus.PENDING) {
            context.log(jobId, "skipped", "still pending but not claimed: the message comes back later");
        } else if (job.get().status().isRunning()) {
            skipRunning(jobId, message);
        } else {
            context.log(jobId, "skipped", "already " + job.get().status().wireName() + ": message deleted");
            queue.delete(receipt);
        }
    }

    /**
     * The message of a job another executor runs, alive (else it was taken over). A duplicate of
     * the message that executor holds is deleted. The held message itself (its visibility lapsed:
     * the executor was late, or the message reached SQS's 12-hour cap) is never deleted: it is kept
     * invisible until that executor would count as dead, and its new receipt handle is left in the
     * item, from which that executor extends and finally deletes it. So a job is never left without
     * a message while it runs: if its executor dies, the message comes back and the job is taken over.
     */
    private void skipRunning(String jobId, Message message) {
        String receipt = message.receiptHandle();
        Optional<String> held = context.store().heldMessage(jobId);
        if (held.isPresent() && !held.get().equals(message.messageId())) {
            context.log(jobId, "skipped", "a duplicate of the message its executor holds: deleted");
            queue.delete(receipt);
            return;
        }
        queue.extend(jobId, receipt, (int) settings.staleAfterSeconds());
        boolean handed = held.isPresent() && context.store().handOver(jobId, message.messageId(), receipt);
        context.log(
                jobId,
                "skipped",
                handed
                        ? "its executor's message came back while it runs: handed back to it"
                        : "running elsewhere: its message is kept for " + settings.staleAfterSeconds() + " s");
    }

    static Optional<String> jobIdOf(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            JsonNode id = node == null ? null : node.get("job_id");
            return id != null && id.isTextual() && !id.asText().isBlank()
                    ? Optional.of(id.asText().strip())
                    : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String abbreviate(String body) {
        String text = body == null ? "" : body.replaceAll("\\s+", " ");
        return text.length() > 120 ? text.substring(0, 120) + "…" : text;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
