package org.kotta.deployer.localcloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.kotta.deployer.core.AwsClients;
import org.kotta.deployer.core.DeploymentRecords;
import org.kotta.deployer.core.Json;
import org.kotta.deployer.core.Settings;
import org.kotta.deployer.core.StackLocks;
import org.kotta.deployer.localcloud.SignedApiClient.Response;
import org.kotta.deployer.testing.RepoRoot;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * The local cloud stops in the middle of a deployment and comes back. A MiniStack of this
 * test's own (on a free port, persistence on: PERSIST_STATE saves every service's state on a clean
 * shutdown, S3_PERSIST keeps object bodies) gets its own orchestrator; a deployment is caught
 * in its base-stack wait loop, MiniStack is sent SIGTERM and started again on the same state.
 * The deployment must end, its record must not stay RUNNING, and the lock must be free.
 */
class LocalCloudRestartIT {
    /** A port nobody listens on now, so that parallel runs (or another checkout's) never share this MiniStack. */
    private static final int PORT = freePort();

    private static final String ENDPOINT = "http://127.0.0.1:" + PORT;
    private static final Duration LIMIT = Duration.ofMinutes(2);

    @Test
    void miniStackRestartsMidDeployment_theExecutionEnds_andTheSweepEndsTheRecord() throws Exception {
        Path stateDir = Files.createTempDirectory("kotta-ministack-state");
        Path logFile = RepoRoot.path().resolve("localcloud/target/ministack-" + PORT + ".log");
        Process ministack = startMiniStack(stateDir, logFile);
        LocalOrchestrator orchestrator = null;
        try {
            orchestrator = new LocalOrchestrator(RepoRoot.path(), ENDPOINT).start();
            AwsClients aws = orchestrator.aws();
            DeploymentRecords records =
                    new DeploymentRecords(aws.dynamoDb(), orchestrator.output("DeploymentsTableName"));
            StackLocks locks = new StackLocks(aws.dynamoDb(), orchestrator.output("DeploymentsTableName"));
            ObjectNode request = Fixtures.validRequest(sharedCloud(), Fixtures.shortId());
            request.put(
                    "certificateArn",
                    aws.acm()
                            .requestCertificate(
                                    b -> b.domainName("kotta.example.org").validationMethod("DNS"))
                            .certificateArn());
            request.put(
                    "oauthClientSecretArn",
                    aws.secretsManager()
                            .createSecret(b -> b.name("kotta/lwa-client-secret-" + Fixtures.shortId())
                                    .secretString("restart-test"))
                            .arn());
            String stackName = request.path("stackName").asText();
            SlowTemplates.use(orchestrator, SlowTemplates.withBaseStackDelay(120));

            String apiUrl = orchestrator.output("ApiUrl");
            SignedApi api = new SignedApi(SignedApiClient.localStageUrl(
                    ENDPOINT, orchestrator.output("ApiId"), apiUrl.substring(apiUrl.lastIndexOf('/') + 1)));
            int exchanges = FaultChecks.exchangeMark();
            Response accepted = api.postJson("/deployments", request.toString(), Map.of());
            assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
            String id = accepted.json().path("deploymentId").asText();
            String executionArn = accepted.json().path("executionArn").asText();
            awaitBaseStackInProgress(records, id);

            Instant stopped = Instant.now();
            boolean exitedOnSigterm = stop(ministack);
            ministack = startMiniStack(stateDir, logFile);
            long downAndUpSeconds = Duration.between(stopped, Instant.now()).toSeconds();

            // what survived the restart
            Map<String, Object> survived = new LinkedHashMap<>();
            Optional<DescribeExecutionResponse> execution = describe(aws, executionArn);
            survived.put(
                    "execution",
                    execution.map(e -> e.statusAsString() + " " + e.error()).orElse("gone"));
            Optional<ObjectNode> record = records.get(id);
            survived.put("record", record.map(r -> r.path("status").asText()).orElse("gone"));
            survived.put("lock", locks.holder(stackName).orElse("none"));
            survived.put("baseStack", stackStatus(aws, stackName + "-base"));
            survived.put("orchestratorStack", stackStatus(aws, LocalOrchestrator.STACK_NAME));
            survived.put(
                    "artifactObjects",
                    aws.s3()
                            .listObjectsV2(b -> b.bucket("kotta-deployer-local-artifacts"))
                            .keyCount());
            System.out.println("after the restart: " + survived);

            // the schedule's sweep, invoked through the Lambda API of the restarted cloud
            InvokeResponse sweep = SweepIT.invokeSweepFunction(
                    orchestrator,
                    Json.MAPPER.readTree(
                            "{\"source\":\"aws.events\",\"detail-type\":\"Scheduled Event\",\"detail\":{}}"));
            String sweepPayload = sweep.payload().asUtf8String();
            JsonNode summary =
                    sweep.functionError() == null ? Json.MAPPER.readTree(sweepPayload) : Json.MAPPER.createObjectNode();
            List<String> markedBySweep = new ArrayList<>();
            summary.path("markedFailed").forEach(m -> markedBySweep.add(m.asText()));
            Optional<ObjectNode> ended = records.get(id);
            ended.ifPresent(r -> System.out.println("record after the sweep: "
                    + r.path("error").asText() + ": " + r.path("cause").asText()));
            boolean lockFree = locks.holder(stackName).isEmpty();
            List<String> lost = FaultChecks.lostRecords(records, List.of(id));
            List<String> stuck = FaultChecks.stuckDeployments(records, List.of(id));
            long serverErrors = FaultChecks.serverErrors(FaultChecks.answersSince(exchanges));

            Map<String, Object> counts = new LinkedHashMap<>();
            counts.put("restarts", 1);
            counts.put("exitedOnSigtermAlone", exitedOnSigterm ? 1 : 0);
            counts.put("downAndUpSeconds", downAndUpSeconds);
            counts.put("executionAfterRestart", survived.get("execution"));
            counts.put("recordAfterRestart", survived.get("record"));
            counts.put("baseStackAfterRestart", survived.get("baseStack"));
            counts.put("markedFailedBySweep", markedBySweep.size());
            counts.put("lockFreed", lockFree ? 1 : 0);
            counts.put("lostRecords", lost.size());
            counts.put("stuckDeployments", stuck.size());
            counts.put("serverErrors", serverErrors);
            ReliabilityReport.record(
                    "4b-local-cloud-restart",
                    "The local cloud (MiniStack, persistence on) is stopped "
                            + "(SIGTERM) and started again while a deployment waits on its base stack",
                    "the execution ends at the restart (FAILED States.ServiceRestart); the record survives RUNNING and "
                            + "the sweep marks it FAILED (ExecutionEnded) and frees the lock; nothing stays RUNNING",
                    counts);

            // the execution survived the restart and has ended
            assertThat(execution).as("the execution after the restart").isPresent();
            assertThat(execution.get().status()).isNotEqualTo(ExecutionStatus.RUNNING);
            // the record survived, RUNNING: nothing recorded the end, until the sweep did
            assertThat(record).as("the record after the restart").isPresent();
            assertThat(record.get().path("status").asText())
                    .as("nothing recorded the end yet")
                    .isEqualTo("RUNNING");
            assertThat(sweep.functionError()).as(sweepPayload).isNull();
            assertThat(markedBySweep).contains(id);
            assertThat(ended).isPresent();
            assertThat(ended.get().path("status").asText()).isEqualTo("FAILED");
            assertThat(ended.get().path("error").asText()).isIn("ExecutionEnded", "ExecutionLost");
            assertThat(ended.get().path("failedStep").asText()).isEqualTo("createBaseStack");
            assertThat(lockFree).isTrue();
            assertThat(lost).isEmpty();
            assertThat(stuck).isEmpty();
            assertThat(serverErrors).isZero();
        } finally {
            if (orchestrator != null) {
                orchestrator.close();
            }
            stop(ministack);
            deleteTree(stateDir);
        }
    }

    private static Process startMiniStack(Path stateDir, Path logFile) throws IOException, InterruptedException {
        Path root = RepoRoot.path();
        Files.createDirectories(logFile.getParent());
        ProcessBuilder builder = new ProcessBuilder(
                        root.resolve(".venv/bin/ministack").toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        Map<String, String> env = builder.environment();
        env.put("BIND_HOST", "127.0.0.1");
        env.put("IOT_MTLS_ENABLED", "0");
        env.put("GATEWAY_PORT", Integer.toString(PORT));
        env.put("MINISTACK_REGION", "us-east-1");
        env.put("SFN_WAIT_SCALE", "0.2");
        env.put("PERSIST_STATE", "1");
        env.put("STATE_DIR", stateDir.resolve("state").toString());
        env.put("S3_PERSIST", "1");
        env.put("S3_DATA_DIR", stateDir.resolve("s3").toString());
        Process process = builder.start();
        HttpClient http = HttpClient.newHttpClient();
        try {
            await("MiniStack's health on " + PORT)
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("MiniStack on " + PORT + " exited; see " + logFile);
                        }
                        try {
                            return http.send(
                                                    HttpRequest.newBuilder(URI.create(ENDPOINT + "/_localstack/health"))
                                                            .timeout(Duration.ofSeconds(2))
                                                            .build(),
                                                    HttpResponse.BodyHandlers.discarding())
                                            .statusCode()
                                    == 200;
                        } catch (IOException notYet) {
                            return false; // not listening yet
                        }
                    });
        } catch (ConditionTimeoutException late) {
            stop(process);
            throw new IllegalStateException("MiniStack on " + PORT + " did not answer within 60 s; see " + logFile);
        }
        if (!process.isAlive()) {
            throw new IllegalStateException("port " + PORT + " answers, but not our MiniStack; see " + logFile);
        }
        return process;
    }

    /**
     * SIGTERM: MiniStack saves its state at once, but does not exit while a custom resource's
     * worker process is still waiting; then its workers are ended, and finally MiniStack with
     * SIGKILL (its state is already on disk). True when SIGTERM alone ended it.
     */
    private static boolean stop(Process process) throws InterruptedException {
        if (process == null || !process.isAlive()) {
            return true;
        }
        var workers = process.descendants().toList();
        process.destroy();
        boolean exited = process.waitFor(10, TimeUnit.SECONDS);
        if (!exited) {
            workers.forEach(ProcessHandle::destroy);
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        workers.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        return exited;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Optional<DescribeExecutionResponse> describe(AwsClients aws, String executionArn) {
        try {
            return Optional.of(aws.stepFunctions().describeExecution(b -> b.executionArn(executionArn)));
        } catch (ExecutionDoesNotExistException gone) {
            return Optional.empty();
        }
    }

    private static String stackStatus(AwsClients aws, String stackName) {
        try {
            return aws.cloudFormation()
                    .describeStacks(b -> b.stackName(stackName))
                    .stacks()
                    .get(0)
                    .stackStatusAsString();
        } catch (software.amazon.awssdk.services.cloudformation.model.CloudFormationException gone) {
            return "gone";
        }
    }

    private static void awaitBaseStackInProgress(DeploymentRecords records, String id) {
        await("deployment " + id + " in its base-stack wait loop")
                .atMost(LIMIT)
                .pollInterval(Duration.ofMillis(250))
                .until(
                        () -> records.get(id),
                        record -> record.isPresent()
                                && record.get().path("baseStack").path("checks").asInt() >= 1
                                && "IN_PROGRESS"
                                        .equals(record.get()
                                                .path("baseStack")
                                                .path("phase")
                                                .asText()));
    }

    /** The shared local cloud's clients, only for {@link Fixtures}' request shape (its ARNs are replaced). */
    private static AwsClients sharedCloud() {
        return new AwsClients(
                new Settings(Map.of(Settings.ENDPOINT_URL, LocalCloud.endpoint(), Settings.REGION, "us-east-1")));
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
