package org.kotta.deployer.localcloud.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.kotta.deployer.core.AwsClients;
import org.kotta.deployer.core.Settings;
import org.kotta.deployer.localcloud.AdminPrerequisites;
import org.kotta.deployer.localcloud.ExampleRequest;
import org.kotta.deployer.localcloud.FunctionHost;
import org.kotta.deployer.localcloud.LocalOrchestrator;
import org.kotta.deployer.localcloud.SignedApiClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * {@code ./kotta bench}: in one run against the local cloud — cold starts of every handler
 * in template.yaml, deployments end to end through the orchestrator beside the manual AWS
 * CLI path, the API's latency, the Cloud Kotta platform's release run as processes
 * ({@link PlatformBench}) — then {@code target/bench/results.json} and
 * {@code docs/benchmarks.md}. Every figure is the median of at least {@code KOTTA_BENCH_RUNS}
 * (default 5) runs, with min and max.
 */
public final class Bench {
    static final int WARM_INVOCATIONS = 20;
    static final int API_REQUESTS = 200;
    static final int API_WARMUP = 20;
    static final List<Integer> SLOW_STACK_SECONDS = List.of(10, 60);
    private static final List<String> STARTS_DEPLOYMENTS = List.of("CodeUploadedFunction", "StartDeploymentFunction");

    private final Path root;
    private final String endpoint;
    private final int runs;
    private final Path work;
    private final PrintStream console;
    private final Map<String, Double> phaseSeconds = new LinkedHashMap<>();

    private LocalOrchestrator orchestrator;
    private AwsClients aws;
    private TemplateFunctions template;
    private SignedApiClient api;
    private AdminPrerequisites prerequisites;

    private Bench(Path root, String endpoint, int runs, PrintStream console) {
        this.root = root;
        this.endpoint = endpoint;
        this.runs = runs;
        this.console = console;
        this.work = root.resolve("target/bench");
    }

    /** The only place that decides the exit code: the function host's threads would keep the JVM up. */
    public static void main(String[] args) {
        int code;
        try {
            code = run(List.of(args), LocalOrchestrator.findRoot(), System.out);
        } catch (Exception e) {
            e.printStackTrace();
            code = 1;
        }
        System.exit(code);
    }

    /**
     * Measures, or with {@code --report-only} writes docs/benchmarks.md again from the last
     * run's results.json, or with {@code --only-platform} measures the platform alone.
     *
     * @param root the repository: template.yaml, docs/, target/bench/
     * @param console where the bench's own progress lines go
     * @return the exit code: 0 when done (failures throw)
     */
    static int run(List<String> args, Path root, PrintStream console) throws Exception {
        String endpoint = System.getenv().getOrDefault("KOTTA_ENDPOINT", "http://127.0.0.1:4566");
        int runs = Integer.parseInt(System.getenv().getOrDefault("KOTTA_BENCH_RUNS", "5"));
        if (args.contains("--report-only")) {
            BenchResults results = BenchResults.read(root.resolve("target/bench/results.json"));
            Files.writeString(root.resolve("docs/benchmarks.md"), Report.markdown(results));
            say(console, "wrote docs/benchmarks.md from target/bench/results.json");
            return 0;
        }
        CallCounter.ignoreCurrentThread();
        // the handlers' log lines (the function host runs them in this JVM) go to a file
        Path log = root.resolve("target/bench/function-host.log");
        Files.createDirectories(log.getParent());
        System.setOut(new PrintStream(Files.newOutputStream(log), true, StandardCharsets.UTF_8));
        if (args.contains("--only-platform")) {
            PlatformReport.onlyPlatform(root, endpoint, console);
            return 0;
        }
        if (runs < 5) {
            say(console, "KOTTA_BENCH_RUNS=" + runs + " (fewer than 5: a trial, not a result)");
        }
        new Bench(root, endpoint, runs, console).measure();
        return 0;
    }

    private void measure() throws Exception {
        Instant began = Instant.now();
        Files.createDirectories(work);
        template = TemplateFunctions.read(root.resolve("template.yaml"));
        BenchResults.MachineInfo machine = Machine.describe(root);
        BenchResults.EndToEndResults endToEnd;
        ColdStartResults cold;
        BenchResults.ApiResults apiLatency;
        JsonNode costs;
        List<BenchResults.SlowStackRun> slowStacks;

        try (LocalOrchestrator installed = new LocalOrchestrator(root, endpoint)) {
            orchestrator = installed;
            long t = System.nanoTime();
            say("installing the orchestrator (template.yaml) into the local cloud at " + endpoint);
            orchestrator.start();
            // the bench measures the orchestrator on stacks whose instances nothing runs: no site to check
            orchestrator.siteCheck(false, Duration.ofMinutes(10));
            phase("install the orchestrator", t);
            aws = orchestrator.aws();
            api = SignedApiClient.forLocalCloud(endpoint, orchestrator.output("ApiUrl"), orchestrator.output("ApiId"));
            prerequisites = AdminPrerequisites.create(
                    aws, ExampleRequest.read(root).path("domainName").asText(), "bench");

            t = System.nanoTime();
            Deployments deployments = endToEnd();
            EndToEnd.Run probe = deployments.probe();
            endToEnd = deployments.results();
            phase("end to end and manual path", t);

            t = System.nanoTime();
            slowStacks = slowStacks();
            phase("deployments with slow stacks", t);

            t = System.nanoTime();
            cold = coldStarts(probe);
            phase("cold starts", t);

            t = System.nanoTime();
            apiLatency = ApiLatency.measure(api, aws, orchestrator, this::request, probe.deploymentId());
            phase("API latency", t);
            costs = Costs.model(endToEnd, cold.byFunction(), template, root);
        }
        long t = System.nanoTime();
        JsonNode platform = PlatformBench.measure(root, endpoint, this::say);
        phase("Cloud Kotta platform", t);
        phaseSeconds.put(
                "whole bench (JVM)", Duration.between(began, Instant.now()).toNanos() / 1e9);
        Map<String, Double> phases = new LinkedHashMap<>();
        phaseSeconds.forEach((k, v) -> phases.put(k, Stats.round(v)));
        BenchResults results = new BenchResults(
                machine,
                began.toString(),
                System.getenv().getOrDefault("KOTTA_BENCH_COMMAND", "./kotta bench"),
                runs,
                System.getenv().getOrDefault("KOTTA_SFN_WAIT_SCALE", "0.2"),
                endToEnd,
                cold.artifactBytes(),
                cold.probeJava(),
                template.javaToolOptions(),
                cold.eventShapes(),
                cold.byFunction(),
                apiLatency,
                costs,
                platform,
                phases,
                cold.artifactBytesByFunction(),
                slowStacks);
        Path json = work.resolve("results.json");
        results.write(json);
        Path doc = root.resolve("docs/benchmarks.md");
        Files.writeString(doc, Report.markdown(results));
        say("wrote " + root.relativize(json) + " and " + root.relativize(doc));
    }

    // ---------------------------------------------------------------- end to end

    /** The figures, and the warm-up deployment, whose states' inputs the cold starts replay. */
    private record Deployments(EndToEnd.Run probe, BenchResults.EndToEndResults results) {}

    private List<String> functionNames() {
        List<String> functionNames = new ArrayList<>();
        for (TemplateFunctions.Function f : template.functions()) {
            String name = orchestrator.functionName(f.logicalId());
            if (name != null) {
                functionNames.add(name);
            }
        }
        return functionNames;
    }

    /**
     * Fresh deployments whose stacks each take {@link #SLOW_STACK_SECONDS} (a Custom::Delay
     * resource), the stack waits timing out after 120 s as in AWS: {@code min(runs, 3)} at 10 s,
     * one at 60 s; then one more at 60 s with the timeouts scaled as the local cloud installs
     * them, whose extra fallback looks price a look.
     */
    private List<BenchResults.SlowStackRun> slowStacks() throws Exception {
        SlowStacks slow =
                new SlowStacks(root, orchestrator, new EndToEnd(orchestrator, api, functionNames()), template);
        int awsTimeout = SlowStacksReport.WAIT_TIMEOUT_SECONDS;
        double scale = Double.parseDouble(System.getenv().getOrDefault("KOTTA_SFN_WAIT_SCALE", "0.2"));
        int scaledTimeout = (int) Math.max(1, Math.round(awsTimeout * scale));
        List<BenchResults.SlowStackRun> all = new ArrayList<>();
        for (int seconds : SLOW_STACK_SECONDS) {
            all.addAll(slowStacks(slow, seconds, awsTimeout, seconds <= 10 ? Math.min(runs, 3) : 1));
        }
        if (scaledTimeout != awsTimeout) {
            int longest = SLOW_STACK_SECONDS.get(SLOW_STACK_SECONDS.size() - 1);
            all.addAll(slowStacks(slow, longest, scaledTimeout, 1));
        }
        return all;
    }

    private List<BenchResults.SlowStackRun> slowStacks(SlowStacks slow, int seconds, int timeout, int count)
            throws Exception {
        say("deploying " + count + "× with stacks of " + seconds + " s each (Custom::Delay), waits timing out after "
                + timeout + " s");
        List<BenchResults.SlowStackRun> runs = slow.measure(seconds, timeout, count, this::request);
        for (BenchResults.SlowStackRun run : runs) {
            say(String.format(
                    "%d s stacks: %.1f s, %d transitions, %d invocations, %d fallback checks, completion→next state %s",
                    seconds,
                    run.wallSeconds(),
                    run.transitions(),
                    run.lambdaInvocations(),
                    run.fallbackChecks(),
                    run.completionToNextStateSeconds().values()));
        }
        return runs;
    }

    private Deployments endToEnd() throws Exception {
        EndToEnd orchestrated = new EndToEnd(orchestrator, api, functionNames());
        ManualPath manual = new ManualPath(root, root.resolve(".venv/bin/aws"), endpoint, work.resolve("manual"));

        // one warm-up of each path, not counted: the function host's handlers and the CLI's imports
        say("warm-up: one deployment each way (not counted)");
        EndToEnd.Run probe = orchestrated.deploy(request("bench-probe-" + shortId()));
        requireSucceeded(probe);
        manual.deploy(request("bench-warm-" + shortId()));

        List<EndToEnd.Run> fresh = new ArrayList<>();
        List<EndToEnd.Run> redeploys = new ArrayList<>();
        List<ManualPath.Run> manuals = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            ObjectNode request = request("bench-o" + i + "-" + shortId());
            EndToEnd.Run first = orchestrated.deploy(request);
            requireSucceeded(first);
            fresh.add(first);
            EndToEnd.Run again = orchestrated.deploy(request);
            requireSucceeded(again);
            redeploys.add(again);
            ManualPath.Run byHand = manual.deploy(request("bench-m" + i + "-" + shortId()));
            manuals.add(byHand);
            say(String.format(
                    "run %d/%d: orchestrator fresh %.2f s, redeploy %.2f s, manual %.2f s",
                    i + 1, runs, first.wallSeconds(), again.wallSeconds(), byHand.wallSeconds()));
        }
        List<String> commands = new ArrayList<>();
        if (!manuals.isEmpty()) {
            String prefix = root + "/";
            manuals.get(0)
                    .steps()
                    .forEach(s -> commands.add(String.join(" ", s.command()).replace(prefix, "")));
        }
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            ratios.add(fresh.get(i).wallSeconds() / manuals.get(i).wallSeconds());
        }
        return new Deployments(
                probe,
                new BenchResults.EndToEndResults(
                        fresh.stream().map(BenchResults.DeploymentRun::of).toList(),
                        redeploys.stream().map(BenchResults.DeploymentRun::of).toList(),
                        manuals.stream().map(BenchResults.ManualRun::of).toList(),
                        commands,
                        Stats.of(ratios).rounded(),
                        recordBytes(fresh.get(0).deploymentId())));
    }

    private int recordBytes(String deploymentId) {
        var item = aws.dynamoDb()
                .getItem(b -> b.tableName(orchestrator.output("DeploymentsTableName"))
                        .key(Map.of(
                                "deploymentId",
                                software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(deploymentId))))
                .item();
        int bytes = 0;
        for (var e : item.entrySet()) {
            bytes += e.getKey().length() + e.getValue().toString().length();
        }
        return bytes;
    }

    private static void requireSucceeded(EndToEnd.Run run) {
        if (!"SUCCEEDED".equals(run.status())) {
            throw new IllegalStateException("deployment " + run.deploymentId() + " ended " + run.status());
        }
    }

    /** {@code examples/deploy-request.json} with this run's certificate and secret, for a stack of its own. */
    private ObjectNode request(String stackName) {
        return ExampleRequest.load(
                root, prerequisites.certificateArn(), prerequisites.secretArn(), stackName, stackName + "-jobs");
    }

    // ---------------------------------------------------------------- cold starts

    /** What the cold starts phase measured, besides the figures per function. */
    private record ColdStartResults(
            long artifactBytes,
            String probeJava,
            Map<String, String> eventShapes,
            Map<String, BenchResults.ColdStart> byFunction,
            Map<String, Long> artifactBytesByFunction) {}

    private ColdStartResults coldStarts(EndToEnd.Run probe) throws Exception {
        ColdStarts cold = ColdStarts.prepare(root.resolve(LocalOrchestrator.ARTIFACTS_DIR), work);
        Map<String, String> shapes = new LinkedHashMap<>();
        Map<String, Path> events =
                new ProbeEvents(root, work, aws, orchestrator, template, this::request).write(probe, shapes);
        LambdaClient lambda = aws.build(LambdaClient.builder());

        // the probes that start deployments (a redeploy, a POST) run last in each round
        List<TemplateFunctions.Function> order = new ArrayList<>(template.functions());
        order.sort(java.util.Comparator.comparing(f -> STARTS_DEPLOYMENTS.contains(f.logicalId())));
        Map<String, List<ColdStarts.Result>> byFunction = new LinkedHashMap<>();
        for (int round = 0; round < runs; round++) {
            for (TemplateFunctions.Function function : order) {
                Path event = events.get(function.logicalId());
                if (event == null) {
                    continue;
                }
                Map<String, String> env = environment(lambda, function);
                ColdStarts.Result result =
                        cold.run(function, template.javaToolOptions(), env, event, WARM_INVOCATIONS, round);
                byFunction
                        .computeIfAbsent(function.logicalId(), k -> new ArrayList<>())
                        .add(result);
            }
            awaitQuiet();
            say("cold starts: round " + (round + 1) + "/" + runs + " done");
        }
        Map<String, BenchResults.ColdStart> figures = new LinkedHashMap<>();
        for (TemplateFunctions.Function function : template.functions()) {
            List<ColdStarts.Result> list = byFunction.get(function.logicalId());
            figures.put(
                    function.logicalId(),
                    list == null
                            ? BenchResults.ColdStart.skipped(function.handlerClass(), function.memoryMb(), "no event")
                            : BenchResults.ColdStart.of(function, list, WARM_INVOCATIONS));
        }
        long largest = 0;
        Map<String, Long> artifacts = new LinkedHashMap<>();
        for (TemplateFunctions.Function function : template.functions()) {
            long bytes = Files.size(cold.artifact(function.logicalId()));
            artifacts.put(function.logicalId(), bytes);
            largest = Math.max(largest, bytes);
        }
        return new ColdStartResults(largest, cold.javaVersion(), shapes, figures, artifacts);
    }

    /** The deployed function's environment, as Lambda would give it, aimed at the local cloud. */
    private Map<String, String> environment(LambdaClient lambda, TemplateFunctions.Function function) {
        String name = orchestrator.functionName(function.logicalId());
        var config = lambda.getFunctionConfiguration(b -> b.functionName(name));
        Map<String, String> env = new HashMap<>(config.environment().variables());
        env.remove(FunctionHost.PROXY_ENV);
        env.remove("JAVA_TOOL_OPTIONS");
        env.put(Settings.ENDPOINT_URL, endpoint);
        env.put(Settings.REGION, "us-east-1");
        env.put("AWS_DEFAULT_REGION", "us-east-1");
        env.put("AWS_LAMBDA_FUNCTION_NAME", name);
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(function.memoryMb()));
        return env;
    }

    /** Waits until no deployment started by a probe is still running. */
    private void awaitQuiet() throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(300);
        while (Instant.now().isBefore(deadline)) {
            boolean running = aws
                    .stepFunctions()
                    .listExecutionsPaginator(b -> b.stateMachineArn(orchestrator.output("StateMachineArn"))
                            .statusFilter(ExecutionStatus.RUNNING))
                    .executions()
                    .stream()
                    .findAny()
                    .isPresent();
            if (!running) {
                return;
            }
            Thread.sleep(250);
        }
    }

    // ---------------------------------------------------------------- helpers

    private void phase(String name, long startNanos) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        phaseSeconds.put(name, seconds);
        say(String.format("%s: %.1f s", name, seconds));
    }

    private void say(String text) {
        say(console, text);
    }

    static void say(PrintStream console, String text) {
        console.println("bench: " + text);
        console.flush();
    }

    static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
