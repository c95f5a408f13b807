package org.kotta.platform.executor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.kotta.platform.core.JobRecord;
import org.kotta.platform.core.JobStatus;
import org.kotta.platform.core.JobStore;
import org.kotta.platform.executor.JobCommand.JobUser;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sns.SnsClient;

/** What every job run of one executor shares: settings, the job store, the stager, the job user, notify, log. */
final class ExecutorContext {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ExecutorSettings settings;
    private final JobStore store;
    private final FileStager stager;
    private final Optional<JobUser> jobUser;
    private final SnsClient sns;

    ExecutorContext(
            ExecutorSettings settings, JobStore store, FileStager stager, Optional<JobUser> jobUser, SnsClient sns) {
        this.settings = settings;
        this.store = store;
        this.stager = stager;
        this.jobUser = jobUser;
        this.sns = sns;
    }

    ExecutorSettings settings() {
        return settings;
    }

    JobStore store() {
        return store;
    }

    FileStager stager() {
        return stager;
    }

    Optional<JobUser> jobUser() {
        return jobUser;
    }

    /** Publishes {@code {"job_id","status","user_email"}} to the notifications topic; a failure is logged, not fatal. */
    void notifyEnded(JobRecord job, JobStatus status) {
        if (settings.topicArn().isEmpty()) {
            return;
        }
        Map<String, String> message = new LinkedHashMap<>();
        message.put("job_id", job.jobId());
        message.put("status", status.wireName());
        message.put("user_email", job.userEmail() == null ? "" : job.userEmail());
        try {
            String body = JSON.writeValueAsString(message);
            sns.publish(b -> b.topicArn(settings.topicArn().get())
                    .subject("Cloud Kotta job " + status.wireName())
                    .message(body));
            log(job.jobId(), "notified", status.wireName());
        } catch (JsonProcessingException | SdkException e) {
            log(job.jobId(), "notify", "could not publish: " + e.getMessage());
        }
    }

    /** One line per job step on stdout; never a secret. */
    void log(String jobId, String step, String detail) {
        System.out.println(Instant.now() + " task-executor " + settings.instanceId() + " job=" + jobId + " " + step
                + (detail == null || detail.isEmpty() ? "" : ": " + detail));
    }
}
