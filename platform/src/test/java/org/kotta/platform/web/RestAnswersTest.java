package org.kotta.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.kotta.platform.core.JobRecord;
import org.kotta.platform.core.JobStatus;

class RestAnswersTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JobRecord job() {
        return JobSubmission.build(
                JobSubmission.Fields.from(JobSubmissionTest.example()),
                new JobSubmission.Submitter("sub-ada", "Ada", "ada@example.org"),
                "bkt",
                "job-1",
                Instant.parse("2026-11-29T10:11:12Z"));
    }

    private static JobRecord ended(JobRecord job) {
        return new JobRecord(
                job.jobId(),
                job.jobName(),
                job.jobType(),
                JobStatus.COMPLETED,
                job.queue(),
                job.walltimeSeconds(),
                job.submitTime(),
                job.submitTime() + 2,
                job.submitTime() + 7,
                job.submitStamp(),
                job.username(),
                job.userEmail(),
                job.userId(),
                job.executable(),
                job.args(),
                job.script(),
                job.scriptName(),
                job.inputs(),
                job.outputs(),
                job.stdoutFile(),
                job.stderrFile(),
                "i-1",
                "t3.micro",
                null,
                0,
                0.5,
                4.0,
                0.5,
                1,
                false);
    }

    @Test
    void statusOfAPendingJobListsItsVisibleAttributesWithFormattedTimes() {
        JsonNode answer = JSON.valueToTree(RestAnswers.status(job(), o -> Optional.of("never")));
        assertThat(answer.get("status").asText()).isEqualTo("pending");
        JsonNode items = answer.get("items");
        assertThat(items.has("0")).isTrue();
        Map<String, Object> flat = flatten(answer);
        assertThat(flat)
                .containsEntry("submit_time", "2026-11-29 10:11:12")
                .containsEntry("status", "pending")
                .containsEntry("walltime", 300L)
                .containsEntry("jobname", "hello");
        assertThat(flat.keySet()).noneMatch(k -> k.startsWith("i_")).doesNotContain("outputs");
    }

    @Test
    void statusOfAnEndedJobLinksEachOutputOrNamesItWhenMissing() {
        JsonNode answer = JSON.valueToTree(RestAnswers.status(
                ended(job()),
                o -> o.src().equals("foo.txt")
                        ? Optional.of("http://s3.local/bkt/outputs/job-1/foo.txt?X-Amz-Signature=ab&X-Amz-Date=1")
                        : Optional.empty()));
        assertThat(flatten(answer)).containsEntry("complete_time", "2026-11-29 10:11:19");
        List<String> outputs = new java.util.ArrayList<>();
        answer.get("items").forEach(item -> {
            if (item.has("outputs")) {
                outputs.add(item.get("outputs").asText());
            }
        });
        assertThat(outputs)
                .containsExactly(
                        "<a href=\"http://s3.local/bkt/outputs/job-1/foo.txt?X-Amz-Signature=ab&X-Amz-Date=1\">foo.txt</a>",
                        "<i>STDOUT.txt</i>",
                        "<i>STDERR.txt</i>");
    }

    @Test
    void listAndRefusalShapes() {
        JsonNode list = JSON.valueToTree(RestAnswers.list(List.of(job())));
        assertThat(list.get("status").asText()).isEqualTo("Success");
        assertThat(list.at("/items/0/job_id").asText()).isEqualTo("job-1");
        assertThat(list.at("/items/0/submit_stamp").asText()).isEqualTo("2026-11-29 10:11:12");
        assertThat(list.at("/items/0/jobtype").asText()).isEqualTo("script");
        assertThat(list.at("/items/0/status").asText()).isEqualTo("pending");
        assertThat(JSON.valueToTree(RestAnswers.fail("walltime: bad")).toString())
                .isEqualTo("{\"status\":\"Fail\",\"reason\":\"walltime: bad\"}");
        assertThat(JSON.valueToTree(RestAnswers.submitted("job-1")).toString())
                .isEqualTo("{\"status\":\"Success\",\"job_id\":\"job-1\"}");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> flatten(JsonNode answer) {
        Map<String, Object> flat = new java.util.HashMap<>();
        for (Object item : ((Map<String, Object>) JSON.convertValue(answer.get("items"), Map.class)).values()) {
            ((Map<String, Object>) item).forEach((k, v) -> {
                if (!k.equals("outputs")) {
                    flat.put(k, v);
                }
            });
        }
        return flat;
    }
}
