package org.kotta.deployer.localcloud.bench;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.kotta.deployer.core.Json;

/**
 * Everything one run of {@code ./kotta bench} measured: {@link Bench} fills it, writes it to
 * {@code target/bench/results.json} and hands it to {@link Report}, which writes
 * docs/benchmarks.md from it and nothing else. The cost model and the platform section keep
 * their own JSON shape ({@link Costs}, {@link PlatformBench}), read by their report code.
 */
record BenchResults(
        MachineInfo machine,
        String date,
        String command,
        int runs,
        String sfnWaitScale,
        EndToEndResults endToEnd,
        long artifactBytes,
        String probeJava,
        String javaToolOptions,
        Map<String, String> eventShapes,
        Map<String, ColdStart> coldStarts,
        ApiResults api,
        JsonNode costs,
        JsonNode platform,
        Map<String, Double> phaseSeconds,
        @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, Long> artifactBytesByFunction,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<SlowStackRun> slowStacks) {

    static BenchResults read(Path json) throws IOException {
        return Json.MAPPER.readValue(json.toFile(), BenchResults.class);
    }

    void write(Path json) throws IOException {
        Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(json.toFile(), this);
    }

    /** This run's machine and tool versions. */
    record MachineInfo(
            String cpu,
            int cores,
            String memory,
            String os,
            String java,
            String python,
            String ministack,
            String awscli,
            String commit) {}

    /** Deployments through the orchestrator (fresh and redeploy) and by hand, interleaved. */
    record EndToEndResults(
            List<DeploymentRun> fresh,
            List<DeploymentRun> redeploy,
            List<ManualRun> manual,
            List<String> manualCommands,
            Stats ratioFreshOverManual,
            int recordBytes) {}

    /** One deployment from POST to SUCCEEDED; per state, the seconds and entries summed over its history. */
    record DeploymentRun(
            String deploymentId,
            double wallSeconds,
            double executionSeconds,
            double apiSeconds,
            int transitions,
            int lambdaInvocations,
            Map<String, Double> stateSeconds,
            Map<String, Integer> stateEntries,
            Map<String, Long> awsCalls) {

        static DeploymentRun of(EndToEnd.Run run) {
            return new DeploymentRun(
                    run.deploymentId(),
                    Stats.round(run.wallSeconds()),
                    Stats.round(run.executionSeconds()),
                    Stats.round(run.apiSeconds()),
                    run.transitions(),
                    run.lambdaInvocations(),
                    rounded(run.stateSeconds()),
                    run.stateEntries(),
                    run.awsCalls());
        }
    }

    /**
     * A deployment whose two stacks each wait {@code delaySeconds} on a Custom::Delay resource
     * ({@link SlowStacks}), the stack waits timing out after {@code waitTimeoutSeconds}: what it
     * did, as measured, and its Step Functions + Lambda dollars.
     */
    record SlowStackRun(
            int delaySeconds,
            int waitTimeoutSeconds,
            String deploymentId,
            double wallSeconds,
            int transitions,
            int lambdaInvocations,
            double lambdaGbSeconds,
            int stackWaits,
            int fallbackChecks,
            Map<String, Double> completionToNextStateSeconds,
            double stepFunctionsUsd,
            double lambdaUsd,
            double totalUsd) {}

    /** One deployment with the AWS CLI, step by step. */
    record ManualRun(String stackName, double wallSeconds, Map<String, Double> steps) {

        static ManualRun of(ManualPath.Run run) {
            Map<String, Double> steps = new LinkedHashMap<>();
            run.steps().forEach(s -> steps.put(s.name(), Stats.round(s.seconds())));
            return new ManualRun(run.stackName(), Stats.round(run.wallSeconds()), steps);
        }
    }

    /** A handler's cold starts over the runs; {@code skipped} (and no figures) when it had no event. */
    record ColdStart(
            String handler,
            int memoryMb,
            String skipped,
            Stats firstAnswerMs,
            Stats constructMs,
            Stats firstInvokeMs,
            Stats warmMedianMs,
            Stats peakRssMb,
            Map<String, Long> firstCalls,
            Map<String, Double> callsPerWarmInvocation,
            String reply) {

        /** The figures of {@code results}, one per run; calls per warm invocation from the last run. */
        static ColdStart of(TemplateFunctions.Function function, List<ColdStarts.Result> results, int warmInvocations) {
            Map<String, Double> perWarm = new LinkedHashMap<>();
            results.get(results.size() - 1).warmCalls().forEach((k, v) -> perWarm.put(k, v / (double) warmInvocations));
            String reply = results.get(0).reply();
            return new ColdStart(
                    function.handlerClass(),
                    function.memoryMb(),
                    null,
                    stats(results, ColdStarts.Result::firstAnswerMs),
                    stats(results, ColdStarts.Result::constructMs),
                    stats(results, ColdStarts.Result::firstInvokeMs),
                    stats(results, ColdStarts.Result::warmMedian),
                    stats(results, r -> r.vmHwmKb() / 1024.0),
                    results.get(0).firstCalls(),
                    perWarm,
                    reply.length() > 300 ? reply.substring(0, 300) + "…" : reply);
        }

        private static Stats stats(List<ColdStarts.Result> results, ToDoubleFunction<ColdStarts.Result> figure) {
            return Stats.of(results.stream().map(figure::applyAsDouble).toList())
                    .rounded();
        }

        static ColdStart skipped(String handler, int memoryMb, String why) {
            return new ColdStart(handler, memoryMb, why, null, null, null, null, null, null, null, null);
        }
    }

    /** Warm API requests, one at a time. */
    record ApiResults(Latency get, Latency post) {}

    private static Map<String, Double> rounded(Map<String, Double> seconds) {
        Map<String, Double> rounded = new LinkedHashMap<>();
        seconds.forEach((k, v) -> rounded.put(k, Stats.round(v)));
        return rounded;
    }

    /** Latency of one kind of request; {@code how}: what the requests did, when it needs saying. */
    record Latency(
            int n, double p50Ms, double p99Ms, double minMs, double maxMs, Map<String, Integer> statuses, String how) {}
}
