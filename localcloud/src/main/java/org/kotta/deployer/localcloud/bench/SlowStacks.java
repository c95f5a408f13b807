package org.kotta.deployer.localcloud.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import org.kotta.deployer.core.DeploymentRequest;
import org.kotta.deployer.core.Settings;
import org.kotta.deployer.localcloud.ExecutionFollower;
import org.kotta.deployer.localcloud.LocalOrchestrator;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.StackEvent;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * Deployments whose stacks really take time in the local cloud: copies of both production
 * templates, each with one {@code Custom::Delay} resource whose Lambda (run by MiniStack, which
 * invokes the ServiceToken and blocks until the ResponseURL PUT) answers after N seconds. The
 * orchestrator's template readers are pointed at the copies through {@code KOTTA_TEMPLATES_DIR}
 * for these deployments only. Measured per deployment: state transitions (the history's
 * StateEntered events), the orchestrator's Lambda invocations and handler seconds (the
 * function host), and for each stack the delay from its completion (the stack's own last
 * event) to the next state the execution entered.
 */
final class SlowStacks {
    /** The functions that read the stack templates. */
    static final List<String> TEMPLATE_READERS =
            List.of("CreateBaseStackFunction", "PackageAndUploadCodeFunction", "CreateKottaStackFunction");

    private static final List<String> STACK_WAIT_STATES =
            List.of("Wait for the base stack", "Wait for the Kotta stack");
    private static final List<String> FALLBACK_CHECK_STATES = List.of("Check the base stack", "Check the Kotta stack");

    private final Path root;
    private final LocalOrchestrator orchestrator;
    private final EndToEnd endToEnd;
    private final TemplateFunctions template;
    private final CloudFormationClient cfn;

    SlowStacks(Path root, LocalOrchestrator orchestrator, EndToEnd endToEnd, TemplateFunctions template) {
        this.root = root;
        this.orchestrator = orchestrator;
        this.endToEnd = endToEnd;
        this.template = template;
        this.cfn = orchestrator.aws().cloudFormation();
    }

    /**
     * Deploys {@code runs} times with stacks of {@code delaySeconds} each, the stack waits timing
     * out after {@code waitTimeoutSeconds}; the real templates and the installed timeouts again after.
     */
    List<BenchResults.SlowStackRun> measure(
            int delaySeconds, int waitTimeoutSeconds, int runs, Function<String, ObjectNode> request) throws Exception {
        orchestrator.stackWaitTimeout(Duration.ofSeconds(waitTimeoutSeconds));
        Path dir = templates(delaySeconds);
        use(dir);
        List<BenchResults.SlowStackRun> out = new ArrayList<>();
        try {
            for (int i = 0; i < runs; i++) {
                String stackName = "bench-d" + delaySeconds + "-" + i + "-" + Bench.shortId();
                out.add(deploy(delaySeconds, waitTimeoutSeconds, request.apply(stackName), stackName));
            }
        } finally {
            use(null);
            orchestrator.stackWaitTimeout(null);
        }
        return out;
    }

    private BenchResults.SlowStackRun deploy(
            int delaySeconds, int waitTimeoutSeconds, ObjectNode request, String stackName) throws Exception {
        Map<String, Double> secondsBefore = handlerSeconds();
        EndToEnd.Run run = endToEnd.deploy(request);
        if (!"SUCCEEDED".equals(run.status())) {
            throw new IllegalStateException(
                    "deployment " + run.deploymentId() + " with " + delaySeconds + " s stacks ended " + run.status());
        }
        Map<String, Double> secondsAfter = handlerSeconds();
        double gbSeconds = 0;
        for (TemplateFunctions.Function f : template.functions()) {
            double seconds =
                    secondsAfter.getOrDefault(f.logicalId(), 0.0) - secondsBefore.getOrDefault(f.logicalId(), 0.0);
            gbSeconds += seconds * f.memoryMb() / 1024.0;
        }
        List<HistoryEvent> history =
                ExecutionFollower.history(orchestrator.aws().stepFunctions(), run.executionArn());
        Map<String, Double> completionToNext = new LinkedHashMap<>();
        for (String stack : List.of(stackName + DeploymentRequest.BASE_STACK_SUFFIX, stackName)) {
            Instant completed = completion(stack);
            Instant next = history.stream()
                    .filter(e -> e.stateEnteredEventDetails() != null
                            && e.timestamp().isAfter(completed))
                    .map(HistoryEvent::timestamp)
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no state entered after " + stack + " completed"));
            completionToNext.put(stack, Duration.between(completed, next).toNanos() / 1e9);
        }
        int waits = 0;
        int fallbackChecks = 0;
        for (String state : STACK_WAIT_STATES) {
            waits += run.stateEntries().getOrDefault(state, 0);
        }
        for (String state : FALLBACK_CHECK_STATES) {
            fallbackChecks += run.stateEntries().getOrDefault(state, 0);
        }
        double sfnUsd = run.transitions() * Costs.SFN_PER_TRANSITION;
        double lambdaUsd = gbSeconds * Costs.LAMBDA_PER_GB_SECOND + run.lambdaInvocations() * Costs.LAMBDA_PER_REQUEST;
        return new BenchResults.SlowStackRun(
                delaySeconds,
                waitTimeoutSeconds,
                run.deploymentId(),
                Stats.round(run.wallSeconds()),
                run.transitions(),
                run.lambdaInvocations(),
                Stats.round(gbSeconds),
                waits,
                fallbackChecks,
                completionToNext,
                sfnUsd,
                lambdaUsd,
                sfnUsd + lambdaUsd);
    }

    /** The time of the stack's own last *_COMPLETE event (its status change). */
    private Instant completion(String stack) {
        for (StackEvent event :
                cfn.describeStackEventsPaginator(b -> b.stackName(stack)).stackEvents()) {
            // newest first
            if (stack.equals(event.logicalResourceId())
                    && event.resourceStatusAsString().endsWith("_COMPLETE")) {
                return event.timestamp();
            }
        }
        throw new IllegalStateException("stack " + stack + " has no completion event");
    }

    /** Handler seconds the function host has run, by logical id. */
    private Map<String, Double> handlerSeconds() {
        Map<String, Double> seconds = new LinkedHashMap<>();
        for (TemplateFunctions.Function f : template.functions()) {
            String name = orchestrator.functionName(f.logicalId());
            if (name != null) {
                seconds.put(f.logicalId(), orchestrator.host().handlerSeconds(name));
            }
        }
        return seconds;
    }

    private void use(Path dir) {
        for (String function : TEMPLATE_READERS) {
            orchestrator.setFunctionEnvironment(function, Settings.TEMPLATES_DIR, dir == null ? null : dir.toString());
        }
    }

    /** Copies of kotta-base.yaml and kotta.yaml, each with a Custom::Delay resource of {@code seconds}. */
    Path templates(int seconds) throws IOException {
        Path dir = Files.createTempDirectory("kotta-bench-delay-" + seconds);
        String slowStack =
                Files.readString(root.resolve("functions/src/test/resources/stack-templates/slow-stack.yaml"));
        String delay = slowStack
                .substring(slowStack.indexOf("Resources:\n") + "Resources:\n".length(), slowStack.indexOf("Outputs:"))
                .replace("!Ref DelaySeconds", "'" + seconds + "'");
        for (String name : List.of("kotta-base.yaml", "kotta.yaml")) {
            String text = Files.readString(root.resolve("infrastructure").resolve(name));
            if (!text.contains("\nResources:\n")) {
                throw new IllegalStateException(name + " has no Resources section");
            }
            Files.writeString(
                    dir.resolve(name),
                    text.replaceFirst("\nResources:\n", Matcher.quoteReplacement("\nResources:\n" + delay)));
        }
        return dir;
    }
}
