package org.kotta.platform.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class JobItemsTest {

    static JobRecord fullJob() {
        return new JobRecord(
                "7d9a2c1e-0000-4000-8000-000000000001",
                "hello",
                "script",
                JobStatus.FAILED,
                Queue.PROD,
                300,
                1_790_000_000L,
                1_790_000_005L,
                1_790_000_042L,
                "2026-09-21 10:13:20",
                "Ada",
                "ada@example.org",
                "amzn1.account.ADA",
                "/bin/bash test.sh",
                "--fast",
                "#!/bin/bash\necho hi",
                "test.sh",
                List.of(new FileMapping("s3://bucket/users/abc/in.txt", "in.txt")),
                List.of(new FileMapping("foo.txt", "bucket/outputs/7d9a2c1e-0000-4000-8000-000000000001/foo.txt")),
                "out.log",
                "err.log",
                "i-0123",
                "c5.large",
                "the command exited with code 3",
                3,
                1.25,
                30.5,
                0.75,
                2,
                true);
    }

    @Test
    void everyFieldSurvivesTheRoundTrip() {
        JobRecord job = fullJob();
        assertThat(JobItems.fromItem(JobItems.toItem(job))).isEqualTo(job);
    }

    @Test
    void usesCloudKottasAttributeNames() {
        Map<String, AttributeValue> item = JobItems.toItem(fullJob());
        assertThat(item)
                .containsKeys(
                        "job_id",
                        "jobname",
                        "jobtype",
                        "status",
                        "queue",
                        "walltime",
                        "submit_time",
                        "start_time",
                        "complete_time",
                        "submit_stamp",
                        "username",
                        "user_email",
                        "i_user_id",
                        "executable",
                        "args",
                        "i_script",
                        "i_script_name",
                        "inputs",
                        "outputs",
                        "output_file_stdout",
                        "output_file_stderr",
                        "i_instance_id",
                        "i_instance_type",
                        "ERROR",
                        "ERROR_CODE",
                        "z_stagein_dur",
                        "z_processing_dur",
                        "z_stageout_dur",
                        "i_cancel_requested");
        assertThat(item.get("status").s()).isEqualTo("failed");
        assertThat(item.get("queue").s()).isEqualTo("Prod");
        assertThat(item.get("ERROR_CODE").n()).isEqualTo("3");
        assertThat(item.get("inputs").l().get(0).m().get("src").s()).isEqualTo("s3://bucket/users/abc/in.txt");
    }

    @Test
    void aFreshJobReadsBackWithDefaultsAndNoOptionalAttributes() {
        JobRecord fresh = new JobRecord(
                "id-1",
                "id-1",
                "script",
                JobStatus.PENDING,
                Queue.TEST,
                60,
                1L,
                null,
                null,
                "2026-11-29 00:00:00",
                "Bo",
                "bo@example.org",
                "u-1",
                "/bin/sh run.sh",
                null,
                "echo",
                "run.sh",
                List.of(),
                List.of(),
                "STDOUT.txt",
                "STDERR.txt",
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                0,
                false);
        Map<String, AttributeValue> item = JobItems.toItem(fresh);
        assertThat(item).doesNotContainKeys("start_time", "ERROR", "ERROR_CODE", "i_cancel_requested", "args");
        assertThat(JobItems.fromItem(item)).isEqualTo(fresh);
    }
}
