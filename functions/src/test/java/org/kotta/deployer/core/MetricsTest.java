package org.kotta.deployer.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The exact embedded-metric-format lines CloudWatch turns into KottaDeployer metrics. */
class MetricsTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final Metrics metrics = new Metrics(
            new PrintStream(bytes, true, StandardCharsets.UTF_8),
            Clock.fixed(Instant.ofEpochMilli(1_700_000_000_000L), ZoneOffset.UTC));

    private String line() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void deploymentStarted_countsByTriggerAndInTotal() {
        metrics.deploymentStarted("api");
        assertThat(line())
                .isEqualTo("{\"_aws\":{\"Timestamp\":1700000000000,\"CloudWatchMetrics\":[{"
                        + "\"Namespace\":\"KottaDeployer\",\"Dimensions\":[[\"Trigger\"],[]],"
                        + "\"Metrics\":[{\"Name\":\"DeploymentsStarted\",\"Unit\":\"Count\"}]}]},"
                        + "\"Trigger\":\"api\",\"DeploymentsStarted\":1}" + System.lineSeparator());
    }

    @Test
    void deploymentSucceeded_countsAndRecordsDurationInSeconds() {
        metrics.deploymentSucceeded(754.5);
        assertThat(line())
                .isEqualTo("{\"_aws\":{\"Timestamp\":1700000000000,\"CloudWatchMetrics\":[{"
                        + "\"Namespace\":\"KottaDeployer\",\"Dimensions\":[[]],"
                        + "\"Metrics\":[{\"Name\":\"DeploymentsSucceeded\",\"Unit\":\"Count\"},"
                        + "{\"Name\":\"DeploymentDuration\",\"Unit\":\"Seconds\"}]}]},"
                        + "\"DeploymentsSucceeded\":1,\"DeploymentDuration\":754.5}" + System.lineSeparator());
    }

    @Test
    void deploymentFailed_countsWithTheStepAsAPropertyNotADimension() {
        metrics.deploymentFailed("createBaseStack");
        assertThat(line())
                .isEqualTo("{\"_aws\":{\"Timestamp\":1700000000000,\"CloudWatchMetrics\":[{"
                        + "\"Namespace\":\"KottaDeployer\",\"Dimensions\":[[]],"
                        + "\"Metrics\":[{\"Name\":\"DeploymentsFailed\",\"Unit\":\"Count\"}]}]},"
                        + "\"DeploymentsFailed\":1,\"step\":\"createBaseStack\"}" + System.lineSeparator());
    }

    @Test
    void eachEventIsExactlyOneLine() {
        metrics.deploymentStarted(null);
        metrics.deploymentFailed(null);
        assertThat(line().lines()).hasSize(2).allSatisfy(l -> assertThat(l).startsWith("{\"_aws\":"));
        assertThat(line()).contains("\"Trigger\":\"unknown\"", "\"step\":\"unknown\"");
    }
}
