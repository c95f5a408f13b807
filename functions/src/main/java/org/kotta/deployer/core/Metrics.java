package org.kotta.deployer.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.PrintStream;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Deployment metrics as CloudWatch embedded metric format (EMF) log lines: one JSON line per
 * event, which CloudWatch Logs turns into metrics in the {@value #NAMESPACE} namespace. No
 * PutMetricData call, no client, no extra permission.
 */
public final class Metrics {
    public static final String NAMESPACE = "KottaDeployer";
    public static final String STARTED = "DeploymentsStarted";
    public static final String SUCCEEDED = "DeploymentsSucceeded";
    public static final String FAILED = "DeploymentsFailed";
    public static final String DURATION = "DeploymentDuration";

    private final PrintStream out;
    private final Clock clock;

    public Metrics() {
        this(System.out, Clock.systemUTC());
    }

    public Metrics(PrintStream out, Clock clock) {
        this.out = out;
        this.clock = clock;
    }

    /**
     * A deployment started; by trigger ("api", "code-upload", "rollback", "execution" for an
     * execution started directly with the starters' input, "unknown" for one that carries no
     * trigger) and in total.
     */
    public void deploymentStarted(String trigger) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("Trigger", trigger == null ? "unknown" : trigger);
        values.put(STARTED, 1);
        write(List.of(List.of("Trigger"), List.of()), List.of(metric(STARTED, "Count")), values);
    }

    /** A deployment succeeded after {@code seconds}. */
    public void deploymentSucceeded(double seconds) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put(SUCCEEDED, 1);
        values.put(DURATION, seconds);
        write(List.of(List.of()), List.of(metric(SUCCEEDED, "Count"), metric(DURATION, "Seconds")), values);
    }

    /** A deployment failed in {@code step}; the step is a searchable property, not a dimension. */
    public void deploymentFailed(String step) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put(FAILED, 1);
        values.put("step", step == null ? "unknown" : step);
        write(List.of(List.of()), List.of(metric(FAILED, "Count")), values);
    }

    private static Map<String, String> metric(String name, String unit) {
        Map<String, String> metric = new LinkedHashMap<>();
        metric.put("Name", name);
        metric.put("Unit", unit);
        return metric;
    }

    private void write(List<List<String>> dimensions, List<Map<String, String>> metrics, Map<String, Object> values) {
        Map<String, Object> directive = new LinkedHashMap<>();
        directive.put("Namespace", NAMESPACE);
        directive.put("Dimensions", dimensions);
        directive.put("Metrics", metrics);
        Map<String, Object> aws = new LinkedHashMap<>();
        aws.put("Timestamp", clock.millis());
        aws.put("CloudWatchMetrics", List.of(directive));
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("_aws", aws);
        line.putAll(values);
        try {
            out.println(Json.MAPPER.writeValueAsString(line));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("metric line not serialisable", e);
        }
    }
}
