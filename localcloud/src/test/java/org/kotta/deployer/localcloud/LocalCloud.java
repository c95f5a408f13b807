package org.kotta.deployer.localcloud;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.kotta.deployer.core.DeploymentRecords;
import org.kotta.deployer.core.DeploymentState;
import org.kotta.deployer.core.Json;
import org.kotta.deployer.localcloud.platform.LocalPlatformStack;
import org.kotta.deployer.testing.RepoRoot;
import org.kotta.deployer.testing.Waits;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * The orchestrator installed once per test JVM into the local cloud at
 * {@code -Dkotta.endpoint}, with its function host running in this JVM.
 */
final class LocalCloud {
    private static LocalOrchestrator orchestrator;

    private LocalCloud() {}

    static String endpoint() {
        return System.getProperty("kotta.endpoint", "http://127.0.0.1:4566");
    }

    /**
     * A Kotta stack's resources in the local cloud (named {@code web…}, its wiring naming a
     * release {@code abab…}), for a web server and task executor started in this JVM.
     */
    static LocalPlatformStack platformStack() {
        return new LocalPlatformStack(endpoint(), "web", "ab".repeat(32));
    }

    /** Everything the handlers log in this JVM (they run here, in the function host). */
    static final Path FUNCTION_LOG = RepoRoot.path().resolve("localcloud/target/function-logs.txt");

    /** How long the site check waits for a local site that runs (a web server starts in seconds). */
    static final java.time.Duration SITE_CHECK_LIMIT = java.time.Duration.ofSeconds(60);

    static synchronized LocalOrchestrator orchestrator() {
        if (orchestrator == null) {
            teeStandardOutput();
            try {
                orchestrator = new LocalOrchestrator(RepoRoot.path(), endpoint()).start();
                // most tests deploy stacks whose instances nothing runs; CloudKottaIT turns the check on
                orchestrator.siteCheck(false, SITE_CHECK_LIMIT);
            } catch (Exception e) {
                throw new IllegalStateException("could not install the orchestrator in the local cloud", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(orchestrator::close));
        }
        return orchestrator;
    }

    /** Keeps a copy of standard output (the handlers' log lines) in {@link #FUNCTION_LOG}. */
    private static void teeStandardOutput() {
        try {
            Files.createDirectories(FUNCTION_LOG.getParent());
            OutputStream file = Files.newOutputStream(FUNCTION_LOG);
            PrintStream original = System.out;
            System.setOut(new PrintStream(
                    new OutputStream() {
                        @Override
                        public void write(int b) throws IOException {
                            original.write(b);
                            file.write(b);
                        }

                        @Override
                        public void write(byte[] bytes, int offset, int length) throws IOException {
                            original.write(bytes, offset, length);
                            file.write(bytes, offset, length);
                        }

                        @Override
                        public void flush() throws IOException {
                            original.flush();
                            file.flush();
                        }
                    },
                    true,
                    StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where the function log ends now: pass it to {@link #functionLogLinesSince} later. */
    static long functionLogSize() {
        orchestrator();
        System.out.flush();
        try {
            return Files.size(FUNCTION_LOG);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The handlers' JSON log lines written after {@code offset}. */
    static List<JsonNode> functionLogLinesSince(long offset) {
        System.out.flush();
        try {
            byte[] all = Files.readAllBytes(FUNCTION_LOG);
            String text = new String(all, (int) offset, all.length - (int) offset, StandardCharsets.UTF_8);
            List<JsonNode> lines = new ArrayList<>();
            for (String line : text.split("\n")) {
                if (line.startsWith("{")) {
                    lines.add(Json.MAPPER.readTree(line));
                }
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String newDeploymentId() {
        return "dep-" + UUID.randomUUID();
    }

    /** Starts the state machine directly, named after the deployment id. */
    static String startExecution(String deploymentId, ObjectNode request) {
        String input = DeploymentState.input(deploymentId, "test", request).toJson();
        SfnClient sfn = orchestrator().aws().stepFunctions();
        return sfn.startExecution(b -> b.stateMachineArn(orchestrator().output("StateMachineArn"))
                        .name(deploymentId)
                        .input(input))
                .executionArn();
    }

    /** The execution once it has ended; fails when it still runs after {@code limit}. */
    static DescribeExecutionResponse awaitEnd(String executionArn, Duration limit) {
        return await("the end of " + executionArn)
                .atMost(limit)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> describe(executionArn), execution -> execution.status() != ExecutionStatus.RUNNING);
    }

    /**
     * The execution once it has ended, or as it is when {@code limit} has passed: a fault case
     * gathers its figures (a RUNNING execution is a stuck deployment), records them, then asserts.
     */
    static DescribeExecutionResponse endOrLatest(String executionArn, Duration limit) {
        return Waits.untilOrLatest(
                limit,
                FaultChecks.POLL,
                () -> describe(executionArn),
                execution -> execution.status() != ExecutionStatus.RUNNING);
    }

    private static DescribeExecutionResponse describe(String executionArn) {
        return orchestrator().aws().stepFunctions().describeExecution(b -> b.executionArn(executionArn));
    }

    static List<HistoryEvent> history(String executionArn) {
        return ExecutionFollower.history(orchestrator().aws().stepFunctions(), executionArn);
    }

    /** Names of the states entered, in order. */
    static List<String> statesEntered(String executionArn) {
        return history(executionArn).stream()
                .filter(e -> e.stateEnteredEventDetails() != null)
                .map(e -> e.stateEnteredEventDetails().name())
                .toList();
    }

    static String stackStatus(String stackName) {
        return orchestrator()
                .aws()
                .cloudFormation()
                .describeStacks(b -> b.stackName(stackName))
                .stacks()
                .get(0)
                .stackStatusAsString();
    }

    /** A deployment's record as stored in the DeploymentsTable. */
    static JsonNode record(String deploymentId) {
        return new DeploymentRecords(
                        orchestrator().aws().dynamoDb(), orchestrator().output("DeploymentsTableName"))
                .get(deploymentId)
                .orElseThrow(() -> new AssertionError("no record " + deploymentId));
    }
}
