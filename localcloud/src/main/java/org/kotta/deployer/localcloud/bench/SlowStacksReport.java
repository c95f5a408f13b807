package org.kotta.deployer.localcloud.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The issue-13 targets and the "Stacks that take time" part of docs/benchmarks.md, from
 * results.json's {@code slowStacks} and {@code artifactBytesByFunction} (absent in older results:
 * then nothing is written).
 */
final class SlowStacksReport {
    static final int TRANSITIONS_TARGET = 25;
    static final double COMPLETION_TO_NEXT_TARGET_S = 1.0;
    static final double USD_TARGET_10_MIN = 0.001;
    static final double LARGEST_ARTIFACT_TARGET_MB = 12;
    static final double API_TRIGGER_ARTIFACT_TARGET_MB = 8;
    /** The template's TimeoutSeconds of the stack waits, in AWS (the local cloud scales it). */
    static final int WAIT_TIMEOUT_SECONDS = 300;

    static final int TEN_MINUTES = 600;
    static final List<String> API_AND_TRIGGER = List.of(
            "StartDeploymentFunction", "GetDeploymentFunction", "ListDeploymentsFunction", "CodeUploadedFunction");

    private SlowStacksReport() {}

    /** Median of a delay's runs. */
    private static Stats stats(
            List<BenchResults.SlowStackRun> runs, java.util.function.ToDoubleFunction<BenchResults.SlowStackRun> f) {
        return Stats.of(runs.stream().mapToDouble(f).boxed().toList());
    }

    /** The runs whose stack waits timed out as in AWS ({@link #WAIT_TIMEOUT_SECONDS}), by stack delay. */
    private static Map<Integer, List<BenchResults.SlowStackRun>> awsTimeouts(BenchResults r) {
        Map<Integer, List<BenchResults.SlowStackRun>> out = new TreeMap<>();
        for (BenchResults.SlowStackRun run : r.slowStacks()) {
            if (run.waitTimeoutSeconds() == WAIT_TIMEOUT_SECONDS) {
                out.computeIfAbsent(run.delaySeconds(), k -> new ArrayList<>()).add(run);
            }
        }
        return out;
    }

    /**
     * A fresh deployment with 10-minute stacks in AWS: the shortest measured case (no fallback
     * look) plus, per stack, one look every {@link #WAIT_TIMEOUT_SECONDS} (2 at 600 s), each look
     * priced from two measured deployments with stacks of the same length whose waits timed out
     * at 300 s and at the local cloud's scaled timeout: they differ only in their looks. Null
     * when the runs give no such pair.
     */
    record TenMinuteModel(double usdPerLook, double transitionsPerLook, int looks, double transitions, double usd) {}

    static TenMinuteModel tenMinutes(BenchResults r) {
        Map<Integer, List<BenchResults.SlowStackRun>> aws = awsTimeouts(r);
        if (aws.isEmpty()) {
            return null;
        }
        for (BenchResults.SlowStackRun scaled : r.slowStacks()) {
            List<BenchResults.SlowStackRun> same = aws.get(scaled.delaySeconds());
            if (scaled.waitTimeoutSeconds() == WAIT_TIMEOUT_SECONDS || same == null) {
                continue;
            }
            double checks = scaled.fallbackChecks() - mean(same, BenchResults.SlowStackRun::fallbackChecks);
            if (checks <= 0) {
                continue;
            }
            double usdPerLook = (scaled.totalUsd() - mean(same, BenchResults.SlowStackRun::totalUsd)) / checks;
            double transitionsPerLook =
                    (scaled.transitions() - mean(same, BenchResults.SlowStackRun::transitions)) / checks;
            List<BenchResults.SlowStackRun> shortest = aws.values().iterator().next();
            double baseChecks = mean(shortest, BenchResults.SlowStackRun::fallbackChecks);
            int looks = 2 * (TEN_MINUTES / WAIT_TIMEOUT_SECONDS);
            return new TenMinuteModel(
                    usdPerLook,
                    transitionsPerLook,
                    looks,
                    mean(shortest, BenchResults.SlowStackRun::transitions) + (looks - baseChecks) * transitionsPerLook,
                    mean(shortest, BenchResults.SlowStackRun::totalUsd) + (looks - baseChecks) * usdPerLook);
        }
        return null;
    }

    private static double mean(
            List<BenchResults.SlowStackRun> runs, java.util.function.ToDoubleFunction<BenchResults.SlowStackRun> f) {
        return runs.stream().mapToDouble(f).average().orElse(Double.NaN);
    }

    static List<String> targetRows(BenchResults r) {
        List<String> rows = new ArrayList<>();
        if (r.slowStacks() == null || r.slowStacks().isEmpty()) {
            return rows;
        }
        for (var c : awsTimeouts(r).entrySet()) {
            Stats t = stats(c.getValue(), BenchResults.SlowStackRun::transitions);
            rows.add(row(
                    "≤ " + TRANSITIONS_TARGET + " state transitions, fresh deployment, stacks of " + c.getKey()
                            + " s each",
                    String.format(
                            "%.0f (%.0f–%.0f), %d run(s)",
                            t.median(), t.min(), t.max(), c.getValue().size()),
                    t.max() <= TRANSITIONS_TARGET));
        }
        List<Double> delays = new ArrayList<>();
        r.slowStacks()
                .forEach(run -> delays.addAll(run.completionToNextStateSeconds().values()));
        Stats d = Stats.of(delays);
        rows.add(row(
                "stack completion → next state entered, median ≤ " + Report.number(COMPLETION_TO_NEXT_TARGET_S) + " s",
                String.format(
                        "median %.3f s (%.3f–%.3f), %d stack completions (the stack's last event → next StateEntered)",
                        d.median(), d.min(), d.max(), delays.size()),
                d.median() <= COMPLETION_TO_NEXT_TARGET_S));
        TenMinuteModel model = tenMinutes(r);
        rows.add(row(
                "≤ $" + Report.number(USD_TARGET_10_MIN)
                        + " per deployment (Step Functions + Lambda), stacks of 10 min",
                model == null
                        ? "not modelled: the measured cases had the same number of looks"
                        : String.format(
                                "$%.5f modelled: %d fallback looks × $%.6f per look (measured) + the shortest case; ≈ %.0f transitions",
                                model.usd(), model.looks(), model.usdPerLook(), model.transitions()),
                model != null && model.usd() <= USD_TARGET_10_MIN));
        if (r.artifactBytesByFunction() != null) {
            String largest = null;
            long largestBytes = 0;
            String largestApi = null;
            long largestApiBytes = 0;
            for (var e : r.artifactBytesByFunction().entrySet()) {
                if (e.getValue() >= largestBytes) {
                    largest = e.getKey();
                    largestBytes = e.getValue();
                }
                if (API_AND_TRIGGER.contains(e.getKey()) && e.getValue() >= largestApiBytes) {
                    largestApi = e.getKey();
                    largestApiBytes = e.getValue();
                }
            }
            rows.add(row(
                    "largest artifact ≤ " + Report.number(LARGEST_ARTIFACT_TARGET_MB) + " MB",
                    String.format("%s %.2f MB", largest, largestBytes / 1e6),
                    largestBytes / 1e6 <= LARGEST_ARTIFACT_TARGET_MB));
            rows.add(row(
                    "API and trigger artifacts ≤ " + Report.number(API_TRIGGER_ARTIFACT_TARGET_MB) + " MB",
                    String.format("largest: %s %.2f MB", largestApi, largestApiBytes / 1e6),
                    largestApiBytes / 1e6 <= API_TRIGGER_ARTIFACT_TARGET_MB));
        }
        return rows;
    }

    static String section(BenchResults r) {
        StringBuilder md = new StringBuilder();
        if (r.slowStacks() == null || r.slowStacks().isEmpty()) {
            return "";
        }
        md.append("### Stacks that take time\n\n");
        md.append("Fresh deployments whose two stacks each hold a `Custom::Delay` resource: copies of "
                + "`infrastructure/kotta-base.yaml` and `kotta.yaml` with a Lambda-backed custom resource that answers "
                + "CloudFormation's ResponseURL after N seconds (MiniStack invokes the ServiceToken Lambda and waits for "
                + "the PUT), given to the template readers through `KOTTA_TEMPLATES_DIR` for these deployments only. "
                + "Measured per deployment: state transitions (StateEntered events in the history), the orchestrator's "
                + "Lambda invocations and handler seconds (served by the function host; the delay Lambda is the stack's, "
                + "not counted), dollars at the prices below (Step Functions standard + Lambda requests and GB-s, "
                + "handler seconds × MemorySize), and for each stack the delay from its completion (its own last "
                + "`*_COMPLETE` event) to the next state the execution entered. Looks: each timeout of a stack wait "
                + "(" + WAIT_TIMEOUT_SECONDS
                + " s in the template, as in AWS; the local cloud installs it scaled by `SFN_WAIT_SCALE`) falls back "
                + "to one ordinary check and waits again. The target rows take the deployments whose waits time out "
                + "at " + WAIT_TIMEOUT_SECONDS + " s; one more at the scaled timeout differs from its "
                + WAIT_TIMEOUT_SECONDS + " s twin only in its looks, which prices "
                + "a look.\n\n");
        md.append(
                "| stacks of | waits time out after | deployment | wall s | transitions | Lambda invocations | Lambda GB-s "
                        + "| stack waits | fallback checks | completion → next state s | Step Functions $ | Lambda $ | total $ |\n");
        md.append("| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |\n");
        for (BenchResults.SlowStackRun run : r.slowStacks()) {
            List<String> delays = new ArrayList<>();
            run.completionToNextStateSeconds().values().forEach(v -> delays.add(String.format("%.3f", v)));
            md.append(String.format(
                    "| %d s | %d s | %s | %.1f | %d | %d | %.3f | %d | %d | %s | %.6f | %.7f | %.6f |%n",
                    run.delaySeconds(),
                    run.waitTimeoutSeconds(),
                    run.deploymentId(),
                    run.wallSeconds(),
                    run.transitions(),
                    run.lambdaInvocations(),
                    run.lambdaGbSeconds(),
                    run.stackWaits(),
                    run.fallbackChecks(),
                    String.join(", ", delays),
                    run.stepFunctionsUsd(),
                    run.lambdaUsd(),
                    run.totalUsd()));
        }
        TenMinuteModel model = tenMinutes(r);
        md.append('\n');
        if (model != null) {
            md.append(String.format(
                    "10-minute stacks (modelled from the measured looks): each fallback look costs %.1f transitions and $%.6f; "
                            + "at %d s per timeout a 10-minute stack is looked at %d times, %d looks per deployment: "
                            + "≈ %.0f transitions, $%.5f per deployment.%n%n",
                    model.transitionsPerLook(),
                    model.usdPerLook(),
                    WAIT_TIMEOUT_SECONDS,
                    TEN_MINUTES / WAIT_TIMEOUT_SECONDS,
                    model.looks(),
                    model.transitions(),
                    model.usd()));
        }
        if (r.artifactBytesByFunction() != null) {
            md.append("**Artifacts** (`functions/target/lambda/<LogicalId>.zip`) and cold start per function "
                    + "(first answer, median of the runs, from each function's own artifact):\n\n");
            md.append("| function | artifact MB | cold start ms |\n| --- | ---: | ---: |\n");
            for (var e : r.artifactBytesByFunction().entrySet()) {
                BenchResults.ColdStart cold = r.coldStarts().get(e.getKey());
                String ms = cold == null || cold.firstAnswerMs() == null
                        ? "not measured"
                        : String.format("%.0f", cold.firstAnswerMs().median());
                md.append(String.format("| %s | %.2f | %s |%n", e.getKey(), e.getValue() / 1e6, ms));
            }
            md.append('\n');
        }
        return md.toString();
    }

    private static String row(String target, String measured, boolean holds) {
        return "| " + target + " | " + measured + " | " + (holds ? "**yes**" : "**no**") + " |";
    }
}
