package org.kotta.platform.executor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.kotta.platform.executor.JobCommand.JobUser;

class JobCommandTest {

    @Test
    void joinsExecutableAndArgs() {
        assertThat(JobCommand.commandLine(" /bin/bash test.sh ", " -v 3 ")).contains("/bin/bash test.sh -v 3");
        assertThat(JobCommand.commandLine("/bin/bash test.sh", null)).contains("/bin/bash test.sh");
        assertThat(JobCommand.commandLine(" ", "")).isEmpty();
    }

    @Test
    void runsInItsOwnSessionThroughTheShell() {
        assertThat(JobCommand.argv("echo hi > foo.txt", Optional.empty()))
                .containsExactly("setsid", "/bin/sh", "-c", "echo hi > foo.txt");
    }

    @Test
    void dropsToTheJobUser() {
        assertThat(JobCommand.argv("make", Optional.of(new JobUser("nobody", 65534, 65534))))
                .containsExactly(
                        "setsid",
                        "setpriv",
                        "--reuid=65534",
                        "--regid=65534",
                        "--init-groups",
                        "--",
                        "/bin/sh",
                        "-c",
                        "make");
    }

    @Test
    void capsFileSizeAlways_andProcessesOnlyForTheJobUser() {
        assertThat(JobCommand.argv("make", Optional.of(new JobUser("kotta-job", 990, 990)), 1024, 64))
                .containsExactly(
                        "setsid",
                        "prlimit",
                        "--fsize=1024",
                        "--nproc=64",
                        "--",
                        "setpriv",
                        "--reuid=990",
                        "--regid=990",
                        "--init-groups",
                        "--",
                        "/bin/sh",
                        "-c",
                        "make");
        assertThat(JobCommand.argv("make", Optional.empty(), 1024, 64))
                .containsExactly("setsid", "prlimit", "--fsize=1024", "--", "/bin/sh", "-c", "make");
    }

    @Test
    void theEnvironmentCarriesNothingOfTheExecutors() {
        assertThat(JobCommand.environment(Path.of("/work/j1"), "j1", Optional.empty()))
                .containsEntry("HOME", "/work/j1")
                .containsEntry("KOTTA_JOB_ID", "j1")
                .doesNotContainKeys(
                        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "KOTTA_JOBS_TABLE");
    }

    @Test
    void readsTheJobIdFromAMessage() {
        assertThat(TaskExecutor.jobIdOf("{\"job_id\":\"abc\"}")).contains("abc");
        assertThat(TaskExecutor.jobIdOf("not json")).isEmpty();
        assertThat(TaskExecutor.jobIdOf("{\"job_id\":3}")).isEmpty();
        assertThat(TaskExecutor.jobIdOf("{}")).isEmpty();
        assertThat(TaskExecutor.jobIdOf("[]")).isEmpty();
    }
}
