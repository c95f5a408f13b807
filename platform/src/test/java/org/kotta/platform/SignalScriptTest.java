package org.kotta.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/kotta-signal, the web server's CloudFormation signal, run with stand-ins for curl,
 * systemctl, journalctl and cfn-signal on its PATH: SUCCESS only once /health answers, FAILURE
 * at once when the service has exited, with its last lines in the boot log first.
 */
class SignalScriptTest {
    private static final Path SCRIPT = Path.of("src/release/bin/kotta-signal").toAbsolutePath();
    private static final String WIRING = "AWS_REGION=eu-west-1\nKOTTA_STACK_NAME=kotta-x\nKOTTA_PORT=8888\n";

    @TempDir
    Path dir;

    private Path stubs;

    record Run(int exitCode, String output, String signalled, String curlCalls) {}

    @BeforeEach
    void stubs() throws IOException {
        stubs = Files.createDirectories(dir.resolve("stubs"));
        Files.createDirectories(dir.resolve("log"));
        stub("curl", "echo \"$*\" >> \"$STATE/curl-calls\"; exit \"$(cat \"$STATE/curl-exit\")\"");
        stub(
                "systemctl",
                "case \"$*\" in *ActiveState*) cat \"$STATE/state\";; *NRestarts*) cat \"$STATE/restarts\";; esac");
        stub("journalctl", "echo 'kotta-web-server.service: Main process exited, status=1/FAILURE'");
        stub("cfn-signal", "echo \"$*\" > \"$STATE/signalled\"");
        write("state", "activating");
        write("restarts", "0");
        write("curl-exit", "7");
    }

    @Test
    void healthAnswers_signalsSuccessToTheWiredResource() throws Exception {
        write("curl-exit", "0");

        Run run = run(
                WIRING + "KOTTA_SIGNAL_RESOURCE=WebServerGroup\n", "wait", "web-server", "kotta-web-server.service");

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.signalled()).isEqualTo("-e 0 --stack kotta-x --resource WebServerGroup --region eu-west-1");
        assertThat(run.curlCalls()).contains("http://127.0.0.1:8888/health");
    }

    @Test
    void serviceExitedOnce_signalsFailureAtOnce_afterLoggingItsLastLines() throws Exception {
        write("restarts", "1");
        Files.writeString(dir.resolve("log/web-server.log"), "Exception in thread main: cannot read the session key\n");

        Run run = run(
                WIRING + "KOTTA_SIGNAL_RESOURCE=WebServerGroup\n", "wait", "web-server", "kotta-web-server.service");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.signalled()).startsWith("-e 1 --stack kotta-x --resource WebServerGroup");
        assertThat(run.curlCalls().lines())
                .as("no second /health try once the service has exited")
                .hasSize(1);
        assertThat(run.output())
                .contains(
                        "FAILED: kotta-web-server.service exited (state activating, restarts 1)",
                        "journal: kotta-web-server.service: Main process exited",
                        "service: Exception in thread main: cannot read the session key");
    }

    @Test
    void healthNeverAnswers_signalsFailureWhenTheWaitIsOver() throws Exception {
        write("state", "active");

        Run run = run(
                WIRING + "KOTTA_SIGNAL_RESOURCE=WebServerGroup\n", "wait", "web-server", "kotta-web-server.service");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.signalled()).startsWith("-e 1 ");
        assertThat(run.output()).contains("/health did not answer 200 within 0s");
    }

    @Test
    void aWiringWithoutASignalResource_signalsNothing() throws Exception {
        Run wait = run(WIRING + "KOTTA_POOL=prod\n", "wait", "task-executor", "kotta-task-executor.service");
        Run failure = run(WIRING, "failure", "task-executor", "-", "no java");

        assertThat(wait.exitCode()).isZero();
        assertThat(failure.signalled()).isEmpty();
        assertThat(wait.curlCalls()).isEmpty();
    }

    @Test
    void theBootstrapsOwnFailure_isSignalledWithItsReasonLogged() throws Exception {
        Run run = run(
                WIRING + "KOTTA_SIGNAL_RESOURCE=WebServerGroup\n",
                "failure",
                "web-server",
                "-",
                "kotta-bootstrap exited with 1");

        assertThat(run.exitCode()).isZero();
        assertThat(run.signalled()).isEqualTo("-e 1 --stack kotta-x --resource WebServerGroup --region eu-west-1");
        assertThat(run.output())
                .contains("FAILED: kotta-bootstrap exited with 1")
                .doesNotContain("journal:");
    }

    private Run run(String wiring, String... arguments) throws IOException, InterruptedException {
        Path env = dir.resolve("kotta.env");
        Files.writeString(env, wiring);
        Files.deleteIfExists(dir.resolve("signalled"));
        Files.deleteIfExists(dir.resolve("curl-calls"));
        ProcessBuilder builder =
                new ProcessBuilder(concat("bash", SCRIPT.toString(), arguments)).redirectErrorStream(true);
        Map<String, String> environment = builder.environment();
        environment.put("PATH", stubs + ":" + System.getenv("PATH"));
        environment.put("STATE", dir.toString());
        environment.put("KOTTA_ENV_FILE", env.toString());
        environment.put("KOTTA_LOG_DIR", dir.resolve("log").toString());
        environment.put("KOTTA_CFN_SIGNAL", stubs.resolve("cfn-signal").toString());
        environment.put("KOTTA_HEALTH_WAIT_SECONDS", "0");
        environment.put("KOTTA_POLL_SECONDS", "0");
        environment.put("KOTTA_FLUSH_SECONDS", "0");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS))
                .as("kotta-signal finished")
                .isTrue();
        return new Run(process.exitValue(), output, read("signalled"), read("curl-calls"));
    }

    private static List<String> concat(String first, String second, String... rest) {
        List<String> all = new java.util.ArrayList<>(List.of(first, second));
        all.addAll(List.of(rest));
        return all;
    }

    private String read(String name) throws IOException {
        Path file = dir.resolve(name);
        return Files.exists(file) ? Files.readString(file).strip() : "";
    }

    private void write(String name, String value) throws IOException {
        Files.writeString(dir.resolve(name), value + "\n");
    }

    private void stub(String name, String body) throws IOException {
        Path file = stubs.resolve(name);
        Files.writeString(file, "#!/bin/bash\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
