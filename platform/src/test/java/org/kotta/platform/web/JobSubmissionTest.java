package org.kotta.platform.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kotta.platform.core.FileMapping;
import org.kotta.platform.core.JobPaths;
import org.kotta.platform.core.JobRecord;
import org.kotta.platform.core.JobStatus;
import org.kotta.platform.core.Queue;

class JobSubmissionTest {
    private static final JobSubmission.Submitter ADA = new JobSubmission.Submitter("sub-ada", "Ada", "ada@example.org");
    private static final Instant NOW = Instant.parse("2026-11-29T10:11:12Z");

    /** The example job of Cloud Kotta's client, as it sends it. */
    static Map<String, List<String>> example() {
        return new java.util.HashMap<>(Map.of(
                "jobtype",
                List.of("script"),
                "script",
                List.of("#!/bin/bash\n echo Hello World &> foo.txt"),
                "script_name",
                List.of("test.sh"),
                "executable",
                List.of("/bin/bash test.sh"),
                "outputs",
                List.of("foo.txt"),
                "walltime",
                List.of("5"),
                "queue",
                List.of("Test"),
                "jobname",
                List.of("hello")));
    }

    private static JobRecord build(Map<String, List<String>> form) {
        return JobSubmission.build(JobSubmission.Fields.from(form), ADA, "jobs-bucket", "job-1", NOW);
    }

    private static List<String> errors(Map<String, List<String>> form) {
        try {
            build(form);
            throw new AssertionError("accepted");
        } catch (JobSubmission.Invalid invalid) {
            return invalid.errors();
        }
    }

    @Test
    void buildsThePendingRecordOfTheClientsExampleJob() {
        JobRecord job = build(example());
        assertThat(job.status()).isEqualTo(JobStatus.PENDING);
        assertThat(job.queue()).isEqualTo(Queue.TEST);
        assertThat(job.walltimeSeconds()).isEqualTo(300);
        assertThat(job.submitTime()).isEqualTo(NOW.getEpochSecond());
        assertThat(job.submitStamp()).isEqualTo("2026-11-29 10:11:12");
        assertThat(job.userId()).isEqualTo("sub-ada");
        assertThat(job.userEmail()).isEqualTo("ada@example.org");
        assertThat(job.username()).isEqualTo("Ada");
        assertThat(job.executable()).isEqualTo("/bin/bash test.sh");
        assertThat(job.stdoutFile()).isEqualTo("STDOUT.txt");
        assertThat(job.outputs())
                .containsExactly(
                        new FileMapping("foo.txt", "jobs-bucket/outputs/job-1/foo.txt"),
                        new FileMapping("STDOUT.txt", "jobs-bucket/outputs/job-1/STDOUT.txt"),
                        new FileMapping("STDERR.txt", "jobs-bucket/outputs/job-1/STDERR.txt"));
    }

    @Test
    void takesInputUrlsPerLineOrCommaAndUploadedFilesFromTheUsersArea() {
        Map<String, List<String>> form = example();
        form.put("inputs", List.of("s3://jobs-bucket/users/x/a.csv,\nhttps://example.org/data/b.txt"));
        form.put("uploaded", List.of("c.dat"));
        JobRecord job = build(form);
        assertThat(job.inputs())
                .containsExactly(
                        new FileMapping("s3://jobs-bucket/users/x/a.csv", "a.csv"),
                        new FileMapping("https://example.org/data/b.txt", "b.txt"),
                        new FileMapping("s3://jobs-bucket/" + JobPaths.userArea("sub-ada") + "c.dat", "c.dat"));
    }

    @Test
    void defaultsTheNameAndCommandLine() {
        Map<String, List<String>> form = example();
        form.remove("jobname");
        form.remove("executable");
        JobRecord job = build(form);
        assertThat(job.jobName()).isEqualTo("job-1");
        assertThat(job.executable()).isEqualTo("/bin/bash");
        assertThat(job.args()).isEqualTo("test.sh");
    }

    @Test
    void refusesWalltimeZeroNegativeTooLargeOrNotANumber() {
        for (String bad : List.of("0", "-3", "661", "10080", "five", "")) {
            Map<String, List<String>> form = example();
            form.put("walltime", List.of(bad));
            assertThat(errors(form)).as(bad).singleElement().asString().startsWith("walltime:");
        }
    }

    @Test
    void acceptsElevenHours_andRefusesMore_namingWhatHoldsTheCap() {
        Map<String, List<String>> form = example();
        form.put("walltime", List.of("660"));
        assertThat(build(form).walltimeSeconds()).isEqualTo(11 * 3600);
        form.put("walltime", List.of("661"));
        assertThat(errors(form))
                .singleElement()
                .asString()
                .isEqualTo("walltime: at most 660 minutes (11 hours: a job's queue message can be held for at most"
                        + " 12 hours, staging included)");
    }

    @Test
    void refusesAnUnknownQueue() {
        Map<String, List<String>> form = example();
        form.put("queue", List.of("Fast"));
        assertThat(errors(form)).singleElement().asString().startsWith("queue:").contains("Fast");
    }

    @Test
    void refusesAMissingScript() {
        Map<String, List<String>> form = example();
        form.put("script", List.of("  "));
        assertThat(errors(form)).containsExactly("script: no script given");
    }

    @Test
    void refusesBadUrlsAndFileNames() {
        Map<String, List<String>> form = example();
        form.put("inputs", List.of("ftp://host/x.txt, s3://bucket/dir/"));
        form.put("outputs", List.of("../etc/passwd"));
        form.put("script_name", List.of("/tmp/x.sh"));
        form.put("uploaded", List.of("a/b"));
        assertThat(errors(form))
                .extracting(e -> e.substring(0, e.indexOf(':')))
                .containsExactlyInAnyOrder("inputs", "inputs", "outputs", "script_name", "uploaded");
    }

    @Test
    void refusesAnOversizedScriptAndOtherJobTypes() {
        Map<String, List<String>> form = example();
        form.put("script", List.of("x".repeat(JobSubmission.MAX_SCRIPT_BYTES + 1)));
        form.put("jobtype", List.of("doc_to_vec"));
        assertThat(errors(form))
                .extracting(e -> e.substring(0, e.indexOf(':')))
                .containsExactlyInAnyOrder("script", "jobtype");
    }

    @Test
    void reportsEveryBadFieldAtOnce() {
        Map<String, List<String>> form = example();
        form.put("walltime", List.of("0"));
        form.put("queue", List.of("prod"));
        form.remove("script");
        assertThatThrownBy(() -> build(form))
                .isInstanceOf(JobSubmission.Invalid.class)
                .hasMessageContaining("walltime:")
                .hasMessageContaining("queue:")
                .hasMessageContaining("script:");
    }
}
