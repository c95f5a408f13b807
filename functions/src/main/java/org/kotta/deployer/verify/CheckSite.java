package org.kotta.deployer.verify;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.kotta.deployer.core.DeploymentRecords;
import org.kotta.deployer.core.DeploymentState;
import org.kotta.deployer.core.Failure;
import org.kotta.deployer.core.Json;
import org.kotta.deployer.core.SiteCheckProgress;
import org.kotta.deployer.core.StackKind;
import org.kotta.deployer.core.StepInput;
import org.kotta.deployer.core.Steps;
import org.kotta.deployer.core.WaitSchedule;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealthStateEnum;

/**
 * "Check that Cloud Kotta answers", after the Kotta stack settled: the web server's target
 * group has a healthy target, and {@value #PROBES} looks in a row at {@code /health} through
 * the load balancer report the release this deployment made. One look per invocation; the
 * state machine waits between looks as it does for stacks ({@link WaitSchedule}), up to a
 * limit counted from the first look. A site that does not serve the new release by then fails
 * the deployment as {@value #SITE_NOT_SERVING}, naming the health check and what it saw.
 */
public final class CheckSite {
    public static final String SITE_NOT_SERVING = "SiteNotServing";
    static final int PROBES = 3;

    private final ElasticLoadBalancingV2Client elb;
    private final SiteProbe probe;
    private final DeploymentRecords records;
    private final WaitSchedule schedule;
    private final Duration limit;
    private final Clock clock;
    private final boolean enabled;

    /**
     * @param limit   how long after the first look the site may take to serve the new release
     * @param enabled false only where no instance runs (the local cloud's tests of the pipeline
     *                alone): the step then records that it skipped the look
     */
    public CheckSite(
            ElasticLoadBalancingV2Client elb,
            SiteProbe probe,
            DeploymentRecords records,
            WaitSchedule schedule,
            Duration limit,
            Clock clock,
            boolean enabled) {
        this.elb = elb;
        this.probe = probe;
        this.records = records;
        this.schedule = schedule;
        this.limit = limit;
        this.clock = clock;
        this.enabled = enabled;
    }

    public SiteCheckProgress run(StepInput input) {
        String deploymentId = input.deploymentId();
        SiteCheckProgress previous = input.state().siteCheck();
        int checks = previous == null ? 0 : previous.checks();
        Instant now = clock.instant();
        Instant startedAt =
                previous != null && previous.startedAt() != null ? Instant.parse(previous.startedAt()) : now;
        if (checks == 0) {
            records.stepStarted(deploymentId, Steps.CHECK_SITE);
        }
        String expected =
                input.state().release() == null ? null : input.state().release().sha256();
        if (expected == null || expected.isBlank()) {
            throw new IllegalStateException("the state has no release sha256 ($.release.sha256) to look for");
        }
        if (!enabled) {
            String skipped = "skipped: this orchestrator runs with " + CheckSiteHandler.SITE_CHECK + "=off";
            records.stepFinished(
                    deploymentId, Steps.CHECK_SITE, Map.of(DeploymentState.SITE_CHECK, summary(expected, 0, skipped)));
            return new SiteCheckProgress(
                    SiteCheckProgress.Phase.SUCCEEDED, expected, startedAt.toString(), 0, null, skipped, null);
        }
        Map<String, String> outputs = input.state().outputsOf(StackKind.KOTTA);
        String seen;
        try {
            seen = look(outputs, input.validatedRequest().domainName(), expected);
        } catch (RuntimeException e) {
            // a throttled or failing call is one look that saw nothing, not the end of the deployment
            seen = "no look (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")";
        }
        checks++;
        if (seen == null) {
            String serving = "healthy target, and " + PROBES + " looks in a row at /health report release " + expected;
            records.stepFinished(
                    deploymentId,
                    Steps.CHECK_SITE,
                    Map.of(DeploymentState.SITE_CHECK, summary(expected, checks, serving)));
            return new SiteCheckProgress(
                    SiteCheckProgress.Phase.SUCCEEDED, expected, startedAt.toString(), checks, null, serving, null);
        }
        Duration waited = Duration.between(startedAt, now);
        if (waited.compareTo(limit) >= 0) {
            String cause = "Cloud Kotta does not serve release " + expected + ": the health check through the load"
                    + " balancer (target group " + outputs.get("WebServerTargetGroupArn") + ", GET /health) still saw "
                    + seen + " after " + waited.toSeconds() + " s and " + checks + " looks";
            records.stepFinished(
                    deploymentId,
                    Steps.CHECK_SITE,
                    Map.of(DeploymentState.SITE_CHECK, summary(expected, checks, seen)));
            return new SiteCheckProgress(
                    SiteCheckProgress.Phase.FAILED,
                    expected,
                    startedAt.toString(),
                    checks,
                    null,
                    seen,
                    new Failure(SITE_NOT_SERVING, cause));
        }
        return new SiteCheckProgress(
                SiteCheckProgress.Phase.WAITING,
                expected,
                startedAt.toString(),
                checks,
                schedule.nextWaitSeconds(checks - 1),
                seen,
                null);
    }

    /** Null when the site serves {@code expected}; otherwise what it does instead, in words. */
    private String look(Map<String, String> outputs, String domainName, String expected) {
        String targetGroup = required(outputs, "WebServerTargetGroupArn");
        String loadBalancer = required(outputs, "LoadBalancerDNSName");
        long healthy = elb.describeTargetHealth(b -> b.targetGroupArn(targetGroup)).targetHealthDescriptions().stream()
                .filter(t -> t.targetHealth() != null && t.targetHealth().state() == TargetHealthStateEnum.HEALTHY)
                .count();
        if (healthy == 0) {
            return "no healthy target in the web server's target group";
        }
        for (int i = 0; i < PROBES; i++) {
            String answer = release(loadBalancer, domainName);
            if (!expected.equals(answer)) {
                return healthy + " healthy target(s), but /health answered " + answer
                        + (i == 0 ? "" : " at look " + (i + 1) + " of " + PROBES);
            }
        }
        return null;
    }

    /** The release /health reports, or what came instead ("503", "no answer: ..."). */
    private String release(String loadBalancer, String domainName) {
        try {
            SiteProbe.Answer answer = probe.health(loadBalancer, domainName);
            if (answer.status() != 200) {
                return "HTTP " + answer.status();
            }
            JsonNode health = Json.MAPPER.readTree(answer.body());
            return health.hasNonNull("release") ? health.path("release").asText() : "a body without a release";
        } catch (IOException | RuntimeException e) {
            return "no answer (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")";
        }
    }

    private static Map<String, Object> summary(String expected, int checks, String seen) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("expectedRelease", expected);
        summary.put("checks", checks);
        summary.put("seen", seen);
        return summary;
    }

    private static String required(Map<String, String> outputs, String name) {
        String value = outputs.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("the Kotta stack has no output " + name + " ($.kottaStack.outputs)");
        }
        return value;
    }
}
