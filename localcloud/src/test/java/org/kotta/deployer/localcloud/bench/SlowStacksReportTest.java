package org.kotta.deployer.localcloud.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SlowStacksReportTest {
    private static final int AWS = SlowStacksReport.WAIT_TIMEOUT_SECONDS;

    private static BenchResults.SlowStackRun run(int delay, int timeout, int transitions, int checks, double usd) {
        return new BenchResults.SlowStackRun(
                delay,
                timeout,
                "dep-" + delay + "-" + timeout,
                delay * 2.0,
                transitions,
                11,
                1.5,
                2 + checks,
                checks,
                Map.of("a-base", 0.2, "a", 0.4),
                usd,
                0,
                usd);
    }

    private static BenchResults with(List<BenchResults.SlowStackRun> slow, Map<String, Long> artifacts)
            throws Exception {
        BenchResults r = BenchResults.read(
                Path.of(ReportTest.class.getResource("results.json").toURI()));
        return new BenchResults(
                r.machine(),
                r.date(),
                r.command(),
                r.runs(),
                r.sfnWaitScale(),
                r.endToEnd(),
                r.artifactBytes(),
                r.probeJava(),
                r.javaToolOptions(),
                r.eventShapes(),
                r.coldStarts(),
                r.api(),
                r.costs(),
                r.platform(),
                r.phaseSeconds(),
                artifacts,
                slow);
    }

    @Test
    void aLookIsPricedFromTheTwinsThatDifferOnlyInTheirLooks_andTenMinutesGetTwoPerStack() throws Exception {
        BenchResults r = with(
                List.of(run(10, AWS, 16, 0, 0.0004), run(60, AWS, 16, 0, 0.0004), run(60, 60, 28, 4, 0.0007)), null);

        SlowStacksReport.TenMinuteModel model = SlowStacksReport.tenMinutes(r);

        assertThat(model.transitionsPerLook()).isEqualTo(3.0);
        assertThat(model.usdPerLook()).isCloseTo(0.000075, within(1e-12));
        // one look every 300 s: 2 per 10-minute stack, 4 per deployment
        assertThat(model.looks()).isEqualTo(4);
        assertThat(model.transitions()).isEqualTo(28.0);
        assertThat(model.usd()).isCloseTo(0.0007, within(1e-12));
    }

    @Test
    void targetRows_takeTheRunsWithAwsTimeouts_theMedianCompletionDelay_andTheArtifacts() throws Exception {
        BenchResults r = with(
                List.of(run(10, AWS, 16, 0, 0.0004), run(60, AWS, 16, 0, 0.0004), run(60, 60, 28, 4, 0.0007)),
                Map.of("StartDeploymentFunction", 9_000_000L, "PackageAndUploadCodeFunction", 11_000_000L));

        List<String> rows = SlowStacksReport.targetRows(r);

        assertThat(rows)
                .anyMatch(row -> row.contains("stacks of 60 s each")
                        && row.contains("| 16 (16–16)")
                        && row.endsWith("**yes** |"));
        // the twin at the scaled timeout (28 transitions) is no measured target figure
        assertThat(rows).noneMatch(row -> row.contains("| 28 ("));
        assertThat(rows).anyMatch(row -> row.contains("median 0.200 s") || row.contains("median 0.400 s"));
        assertThat(rows).anyMatch(row -> row.startsWith("| ≤ $0.001 per deployment") && row.endsWith("**yes** |"));
        assertThat(rows)
                .anyMatch(row -> row.contains("PackageAndUploadCodeFunction 11.00 MB") && row.endsWith("**yes** |"));
        assertThat(rows).anyMatch(row -> row.contains("StartDeploymentFunction 9.00 MB") && row.endsWith("**no** |"));
    }

    @Test
    void resultsWithoutSlowStacks_writeNoRowsAndNoSection() throws Exception {
        BenchResults r = with(null, null);

        assertThat(SlowStacksReport.targetRows(r)).isEmpty();
        assertThat(SlowStacksReport.section(r)).isEmpty();
    }
}
