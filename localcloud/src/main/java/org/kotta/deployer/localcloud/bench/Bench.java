package org.kotta.deployer.localcloud.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.kotta.deployer.core.AwsClients;
import org.kotta.deployer.core.Json;
import org.kotta.deployer.core.Settings;
import org.kotta.deployer.localcloud.AdminPrerequisites;
import org.kotta.deployer.localcloud.ExampleRequest;
import org.kotta.deployer.localcloud.ExecutionFollower;
import org.kotta.deployer.localcloud.FunctionHost;
import org.kotta.deployer.localcloud.LocalOrchestrator;
import org.kotta.deployer.localcloud.SignedApiClient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

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
    private static final List<String> STARTS_DEPLOYMENTS = List.of("CodeUploadedFunction", "StartDeploymentFunction");

    private final Path root;
    private final String endpoint;
    private final int runs;
    private final Path work;
    private final ObjectNode results = Json.MAPPER.createObjectNode();
    private final Map<String, Double> phaseSeconds = new LinkedHashMap<>();

    private LocalOrchestrator orchestrator;
    private AwsClients aws;
    private TemplateFunctions template;
    private SignedApiClient api;
    private AdminPrerequisites prerequisites;

    private Bench(Path root, String endpoint, int runs) {
        this.root = root;
        this.endpoint = endpoint;
        this.runs = runs;
        this.work = root.resolve("target/bench");
    }

    public static void main(String[] args) throws Exception {
        CallCounter.ignoreCurrentThread();
        // the handlers' log lines (the function host runs them in this JVM) go to a file
        Path log = LocalOrchestrator.findRoot().resolve("target/bench/function-host.log");
        Files.createDirectories(log.getParent());
        OUT = System.out;
        System.setOut(new java.io.PrintStream(Files.newOutputStream(log), true, java.nio.charset.StandardCharsets.UTF_8));
        Path root = LocalOrchestrator.findRoot();
        String endpoint = System.getenv().getOrDefault("KOTTA_ENDPOINT", "http://127.0.0.1:4566");
        int runs = Integer.parseInt(System.getenv().getOrDefault("KOTTA_BENCH_RUNS", "5"));
        if (List.of(args).contains("--report-only")) {
            // docs/benchmarks.md again from the last run's results.json (after editing Notes)
            JsonNode results = Json.MAPPER.readTree(root.resolve("target/bench/results.json").toFile());
            Files.writeString(root.resolve("docs/benchmarks.md"), Report.markdown(results));
            say("wrote docs/benchmarks.md from target/bench/results.json");
            return;
        }
        if (List.of(args).contains("--only-platform")) {
            PlatformReport.onlyPlatform(root, endpoint);
            return;
        }
        if (runs < 5) {
            say("KOTTA_BENCH_RUNS=" + runs + " (fewer than 5: a trial, not a result)");
        }
        new Bench(root, endpoint, runs).run();
    }

    private void run() throws Exception {
        Instant began = Instant.now();
        Files.createDirectories(work);
        template = TemplateFunctions.read(root.resolve("template.yaml"));
        results.set("machine", Machine.describe(root));
        results.put("date", began.toString());
        results.put("command", System.getenv().getOrDefault("KOTTA_BENCH_COMMAND", "./kotta bench"));
        results.put("runs", runs);
        results.put("sfnWaitScale", System.getenv().getOrDefault("KOTTA_SFN_WAIT_SCALE", "0.2"));

        try (LocalOrchestrator installed = new LocalOrchestrator(root, endpoint)) {
            orchestrator = installed;
            long t = System.nanoTime();
            say("installing the orchestrator (template.yaml) into the local cloud at " + endpoint);
            orchestrator.start();
            phase("install the orchestrator", t);
            aws = orchestrator.aws();
            api = SignedApiClient.forLocalCloud(endpoint, orchestrator.output("ApiUrl"), orchestrator.output("ApiId"));
            prerequisites = AdminPrerequisites.create(aws, ExampleRequest.read(root).path("domainName").asText(),
                    "bench");

            t = System.nanoTime();
            EndToEnd.Run probe = endToEnd();
            phase("end to end and manual path", t);

            t = System.nanoTime();
            coldStarts(probe);
            phase("cold starts", t);

            t = System.nanoTime();
            apiLatency(probe);
            phase("API latency", t);
            results.set("costs", Costs.model(results, template, root));
        }
        long t = System.nanoTime();
        results.set("platform", PlatformBench.measure(root, endpoint));
        phase("Cloud Kotta platform", t);
        phaseSeconds.put("whole bench (JVM)", Duration.between(began, Instant.now()).toNanos() / 1e9);
        ObjectNode phases = results.putObject("phaseSeconds");
        phaseSeconds.forEach((k, v) -> phases.put(k, Stats.round(v)));
        Path json = work.resolve("results.json");
        Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(json.toFile(), results);
        Path doc = root.resolve("docs/benchmarks.md");
        Files.writeString(doc, Report.markdown(results));
        say("wrote " + root.relativize(json) + " and " + root.relativize(doc));
        System.exit(0);
    }

    // ---------------------------------------------------------------- end to end

    /** @return the warm-up deployment, whose states' inputs the cold starts replay */
    private EndToEnd.Run endToEnd() throws Exception {
        List<String> functionNames = new ArrayList<>();
        for (TemplateFunctions.Function f : template.functions()) {
            String name = orchestrator.functionName(f.logicalId());
            if (name != null) {
                functionNames.add(name);
            }
        }
        EndToEnd orchestrated = new EndToEnd(orchestrator, api, functionNames);
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
            say(String.format("run %d/%d: orchestrator fresh %.2f s, redeploy %.2f s, manual %.2f s", i + 1, runs,
                    first.wallSeconds(), again.wallSeconds(), byHand.wallSeconds()));
        }
        ObjectNode e2e = results.putObject("endToEnd");
        e2e.set("fresh", runsJson(fresh));
        e2e.set("redeploy", runsJson(redeploys));
        ArrayNode manualJson = e2e.putArray("manual");
        for (ManualPath.Run run : manuals) {
            ObjectNode node = manualJson.addObject();
            node.put("stackName", run.stackName());
            node.put("wallSeconds", Stats.round(run.wallSeconds()));
            ObjectNode steps = node.putObject("steps");
            run.steps().forEach(s -> steps.put(s.name(), Stats.round(s.seconds())));
        }
        if (!manuals.isEmpty()) {
            ArrayNode commands = e2e.putArray("manualCommands");
            String prefix = root + "/";
            manuals.get(0).steps().forEach(s -> commands.add(String.join(" ", s.command()).replace(prefix, "")));
        }
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            ratios.add(fresh.get(i).wallSeconds() / manuals.get(i).wallSeconds());
        }
        e2e.set("ratioFreshOverManual", Json.MAPPER.valueToTree(Stats.of(ratios).toMap()));
        e2e.set("recordBytes", Json.MAPPER.valueToTree(recordBytes(fresh.get(0).deploymentId())));
        return probe;
    }

    private int recordBytes(String deploymentId) {
        var item = aws.dynamoDb().getItem(b -> b.tableName(orchestrator.output("DeploymentsTableName"))
                .key(Map.of("deploymentId", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(deploymentId))))
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

    private static ArrayNode runsJson(List<EndToEnd.Run> runs) {
        ArrayNode array = Json.MAPPER.createArrayNode();
        for (EndToEnd.Run run : runs) {
            ObjectNode node = array.addObject();
            node.put("deploymentId", run.deploymentId());
            node.put("wallSeconds", Stats.round(run.wallSeconds()));
            node.put("executionSeconds", Stats.round(run.executionSeconds()));
            node.put("apiSeconds", Stats.round(run.apiSeconds()));
            node.put("transitions", run.transitions());
            node.put("lambdaInvocations", run.lambdaInvocations());
            ObjectNode states = node.putObject("stateSeconds");
            run.stateSeconds().forEach((k, v) -> states.put(k, Stats.round(v)));
            ObjectNode entries = node.putObject("stateEntries");
            run.stateEntries().forEach(entries::put);
            ObjectNode calls = node.putObject("awsCalls");
            run.awsCalls().forEach(calls::put);
        }
        return array;
    }

    /** {@code examples/deploy-request.json} with this run's certificate and secret, for a stack of its own. */
    private ObjectNode request(String stackName) {
        return ExampleRequest.load(root, prerequisites.certificateArn(), prerequisites.secretArn(), stackName,
                stackName + "-jobs");
    }

    // ---------------------------------------------------------------- cold starts

    private void coldStarts(EndToEnd.Run probe) throws Exception {
        Path artifact = root.resolve("functions/target/kotta-deployer-functions.zip");
        results.put("artifactBytes", Files.size(artifact));
        ColdStarts cold = ColdStarts.prepare(artifact, work);
        results.put("probeJava", cold.javaVersion());
        results.put("javaToolOptions", template.javaToolOptions());
        Map<String, Path> events = probeEvents(probe);
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
                ColdStarts.Result result = cold.run(function, template.javaToolOptions(), env, event,
                        WARM_INVOCATIONS, round);
                byFunction.computeIfAbsent(function.logicalId(), k -> new ArrayList<>()).add(result);
            }
            awaitQuiet();
            say("cold starts: round " + (round + 1) + "/" + runs + " done");
        }
        ObjectNode node = results.putObject("coldStarts");
        for (TemplateFunctions.Function function : template.functions()) {
            List<ColdStarts.Result> list = byFunction.get(function.logicalId());
            ObjectNode f = node.putObject(function.logicalId());
            f.put("handler", function.handlerClass());
            f.put("memoryMb", function.memoryMb());
            if (list == null) {
                f.put("skipped", "no event");
                continue;
            }
            f.set("firstAnswerMs", stats(list.stream().map(ColdStarts.Result::firstAnswerMs).toList()));
            f.set("constructMs", stats(list.stream().map(ColdStarts.Result::constructMs).toList()));
            f.set("firstInvokeMs", stats(list.stream().map(ColdStarts.Result::firstInvokeMs).toList()));
            f.set("warmMedianMs", stats(list.stream().map(ColdStarts.Result::warmMedian).toList()));
            f.set("peakRssMb", stats(list.stream().map(r -> r.vmHwmKb() / 1024.0).toList()));
            f.set("firstCalls", Json.MAPPER.valueToTree(list.get(0).firstCalls()));
            Map<String, Double> perWarm = new LinkedHashMap<>();
            list.get(list.size() - 1).warmCalls().forEach((k, v) -> perWarm.put(k, v / (double) WARM_INVOCATIONS));
            f.set("callsPerWarmInvocation", Json.MAPPER.valueToTree(perWarm));
            f.put("reply", abbreviate(list.get(0).reply()));
        }
    }

    private ObjectNode stats(List<Double> values) {
        return Json.MAPPER.valueToTree(Stats.of(values).toMap());
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

    /**
     * One event per function: a state's real input from the probe deployment's history (the
     * Task's Parameters applied to it); for functions outside the state machine, the sample
     * under {@code events/} with this run's identifiers.
     */
    private Map<String, Path> probeEvents(EndToEnd.Run probe) throws Exception {
        Path dir = work.resolve("events");
        Files.createDirectories(dir);
        JsonNode asl = Json.MAPPER.readTree(root.resolve("statemachine/kotta-deploy.asl.json").toFile());
        SfnClient sfn = aws.stepFunctions();
        Map<String, ObjectNode> events = new LinkedHashMap<>();
        stateEvents(asl, ExecutionFollower.history(sfn, probe.executionArn()), probe.executionArn(), events);

        // a refused request reaches "Record the failure"; the API would refuse it before any execution
        // starts, so it goes to StartExecution directly, as the API would pass it on
        ObjectNode bad = request("bench-bad-" + shortId());
        bad.put("jobsBucketName", "Bad_Bucket");
        String failed = startExecution(bad);
        ExecutionFollower.awaitEnd(sfn, failed, Duration.ofMinutes(10));
        stateEvents(asl, ExecutionFollower.history(sfn, failed), failed, events);

        JsonNode record = Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(
                new org.kotta.deployer.core.DeploymentRecords(aws.dynamoDb(), orchestrator.output("DeploymentsTableName"))
                        .get(probe.deploymentId()).orElseThrow()));
        String bucket = record.path("outputs").path("base").path("JobsBucketName").asText();
        for (TemplateFunctions.Function function : template.functions()) {
            if (events.containsKey(function.logicalId())) {
                continue;
            }
            Path sample = root.resolve("events/" + function.logicalId() + ".json");
            if (!Files.exists(sample)) {
                continue;
            }
            ObjectNode event = (ObjectNode) Json.MAPPER.readTree(sample.toFile());
            bind(function.logicalId(), event, probe.deploymentId(), bucket);
            events.put(function.logicalId(), event);
        }
        Map<String, Path> files = new LinkedHashMap<>();
        ObjectNode shapes = results.putObject("eventShapes");
        for (var e : events.entrySet()) {
            Path file = dir.resolve(e.getKey() + ".json");
            Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), e.getValue());
            files.put(e.getKey(), file);
            Path sample = root.resolve("events/" + e.getKey() + ".json");
            shapes.put(e.getKey(), !Files.exists(sample) ? "no sample in events/"
                    : sameShape(Json.MAPPER.readTree(sample.toFile()), e.getValue()) ? "matches events/"
                    : "differs from events/");
        }
        return files;
    }

    /** Starts an execution with the input StartDeployment gives one: a new deployment id, the request. */
    private String startExecution(ObjectNode request) {
        String deploymentId = "dep-" + UUID.randomUUID();
        ObjectNode input = Json.MAPPER.createObjectNode();
        input.put("deploymentId", deploymentId);
        input.put("trigger", "execution");
        input.set("request", request);
        return aws.stepFunctions().startExecution(b -> b.stateMachineArn(orchestrator.output("StateMachineArn"))
                .name(deploymentId).input(input.toString())).executionArn();
    }

    /** For each function the state machine invokes: its first Task state's payload, as Step Functions built it. */
    private static void stateEvents(JsonNode asl, List<HistoryEvent> history, String executionArn,
                                    Map<String, ObjectNode> events) {
        for (HistoryEvent event : history) {
            if (event.stateEnteredEventDetails() == null) {
                continue;
            }
            String stateName = event.stateEnteredEventDetails().name();
            JsonNode state = asl.path("States").path(stateName);
            String resource = state.path("Resource").asText("");
            if (!"Task".equals(state.path("Type").asText()) || !resource.startsWith("${")) {
                continue;
            }
            String logicalId = resource.substring(2, resource.length() - 1).replaceFirst("Arn$", "");
            if (events.containsKey(logicalId)) {
                continue;
            }
            JsonNode input;
            try {
                input = Json.MAPPER.readTree(event.stateEnteredEventDetails().input());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            ObjectNode payload = Json.MAPPER.createObjectNode();
            Iterator<Map.Entry<String, JsonNode>> fields = state.path("Parameters").fields();
            while (fields.hasNext()) {
                var field = fields.next();
                String key = field.getKey().replaceFirst("\\.\\$$", "");
                String path = field.getValue().asText();
                switch (path) {
                    case "$" -> payload.set(key, input);
                    case "$$.Execution.Id" -> payload.put(key, executionArn);
                    case "$$.State.Name" -> payload.put(key, stateName);
                    default -> payload.set(key, input.at("/" + path.substring(2).replace('.', '/')));
                }
            }
            events.put(logicalId, payload);
        }
    }

    private void bind(String logicalId, ObjectNode event, String deploymentId, String bucket) {
        switch (logicalId) {
            case "CodeUploadedFunction" -> {
                ObjectNode detail = (ObjectNode) event.path("detail");
                ((ObjectNode) detail.path("bucket")).put("name", bucket);
                event.putArray("resources").add("arn:aws:s3:::" + bucket);
            }
            case "GetDeploymentFunction" -> {
                ((ObjectNode) event.with("pathParameters")).put("id", deploymentId);
                event.put("path", "/deployments/" + deploymentId);
            }
            case "StartDeploymentFunction" -> {
                event.put("body", request("bench-api-probe-" + shortId()).toString());
                ((ObjectNode) event.with("headers")).put("Idempotency-Key", "bench-probe-" + shortId());
            }
            default -> { }
        }
    }

    private static boolean sameShape(JsonNode a, JsonNode b) {
        if (a.isObject() != b.isObject() || a.isArray() != b.isArray()) {
            return false;
        }
        if (a.isObject()) {
            List<String> ka = new ArrayList<>();
            a.fieldNames().forEachRemaining(ka::add);
            List<String> kb = new ArrayList<>();
            b.fieldNames().forEachRemaining(kb::add);
            return ka.equals(kb);
        }
        return true;
    }

    /** Waits until no deployment started by a probe is still running. */
    private void awaitQuiet() throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(300);
        while (Instant.now().isBefore(deadline)) {
            boolean running = aws.stepFunctions().listExecutionsPaginator(b -> b
                    .stateMachineArn(orchestrator.output("StateMachineArn")).statusFilter(ExecutionStatus.RUNNING))
                    .executions().stream().findAny().isPresent();
            if (!running) {
                return;
            }
            Thread.sleep(250);
        }
    }

    // ---------------------------------------------------------------- API

    private void apiLatency(EndToEnd.Run probe) throws Exception {
        results.set("api", ApiLatency.measure(api, aws, orchestrator, this::request, probe.deploymentId()));
    }

    // ---------------------------------------------------------------- helpers

    private void phase(String name, long startNanos) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        phaseSeconds.put(name, seconds);
        say(String.format("%s: %.1f s", name, seconds));
    }

    private static java.io.PrintStream OUT = System.out;

    static void say(String text) {
        OUT.println("bench: " + text);
        OUT.flush();
    }

    private static String abbreviate(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }

    static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
