package org.kotta.deployer.localcloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.kotta.deployer.localcloud.platform.LocalPlatformStack;
import org.kotta.platform.core.JobRecord;
import org.kotta.platform.core.JobStatus;
import org.kotta.platform.core.Wiring;
import org.kotta.platform.web.JobSubmission;
import software.amazon.awssdk.core.exception.SdkException;

/** Submitting, for the form and the REST API alike, in the local cloud. */
class JobSubmissionIT {

    /** A pending job without its message would wait for ever: no executor would ever take it. */
    @Test
    void aJobWhoseMessageCannotBeSentIsNotLeftPending() {
        try (LocalPlatformStack stack = LocalCloud.platformStack()) {
            String gone = stack.wiring.get(Wiring.TEST_PENDING_QUEUE_URL) + "-gone";
            JobSubmission submission = new JobSubmission(
                    stack.jobs, stack.clients.sqs(), queue -> gone, stack.wiring.get(Wiring.JOBS_BUCKET));
            JobSubmission.Fields fields = new JobSubmission.Fields(
                    null,
                    "not queued",
                    "#!/bin/bash\necho hi\n",
                    "test.sh",
                    null,
                    null,
                    null,
                    List.of(),
                    null,
                    null,
                    null,
                    "5",
                    "Test");

            assertThatThrownBy(() ->
                            submission.submit(fields, new JobSubmission.Submitter("sub-ada", "Ada", "ada@example.org")))
                    .isInstanceOf(SdkException.class);

            List<JobRecord> jobs = stack.jobs.listForUser("sub-ada", 10);
            assertThat(jobs).hasSize(1);
            assertThat(jobs.get(0).status()).isEqualTo(JobStatus.FAILED);
            assertThat(jobs.get(0).error()).contains("could not be queued");
        }
    }
}
