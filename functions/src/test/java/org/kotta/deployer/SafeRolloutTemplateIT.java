package org.kotta.deployer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SUCCEEDED means serving, and no deployment or scale-in kills a job, read from the Cloud Kotta
 * templates (the local cloud neither waits for signals nor runs lifecycle hooks): the web server
 * group waits for its instance's signal, the bootstrap sends it on /health, the worker groups
 * drain through a termination hook, scale-in follows running jobs, and the instance roles may do
 * exactly that (signal, ship their logs, hold their own group's hook).
 */
class SafeRolloutTemplateIT {

    private static JsonNode kotta;
    private static JsonNode base;

    @BeforeAll
    static void read() throws Exception {
        kotta = TemplateTool.parsed("infrastructure/kotta.yaml").path("Resources");
        base = TemplateTool.parsed("infrastructure/kotta-base.yaml").path("Resources");
    }

    @Test
    void theWebServerGroupWaitsForItsInstancesSignal_onCreateAndOnEveryRollingUpdate() {
        JsonNode group = kotta.path("WebServerGroup");
        JsonNode signal = group.path("CreationPolicy").path("ResourceSignal");
        assertThat(signal.path("Count").asInt()).isEqualTo(1);
        Duration timeout = Duration.parse(signal.path("Timeout").asText());
        assertThat(timeout)
                .as("covers a cold boot with its dnf installs")
                .isGreaterThanOrEqualTo(Duration.ofMinutes(10));

        JsonNode rolling = group.path("UpdatePolicy").path("AutoScalingRollingUpdate");
        assertThat(rolling.path("WaitOnResourceSignals").asBoolean()).isTrue();
        assertThat(rolling.path("MinInstancesInService").asInt()).isEqualTo(1);
        assertThat(rolling.path("MaxBatchSize").asInt()).isEqualTo(1);
        Duration pause = Duration.parse(rolling.path("PauseTime").asText());
        assertThat(pause).isGreaterThanOrEqualTo(Duration.ofMinutes(10));
        int grace = group.path("Properties").path("HealthCheckGracePeriod").asInt();
        assertThat(pause)
                .as("signal wait against the health-check grace period of %ss", grace)
                .isGreaterThanOrEqualTo(Duration.ofSeconds(grace));
        assertThat(TemplateTool.strings(rolling.path("SuspendProcesses")))
                .containsExactlyInAnyOrder(
                        "HealthCheck", "ReplaceUnhealthy", "AZRebalance", "AlarmNotification", "ScheduledActions");
    }

    @Test
    void theLoadBalancerChecksTheWebServersHealthPage() {
        JsonNode group = kotta.path("WebServerGroup").path("Properties");
        assertThat(group.path("HealthCheckType").asText()).isEqualTo("ELB");
        String targetGroup = group.path("TargetGroupARNs").path(0).path("Ref").asText();
        JsonNode check = kotta.path(targetGroup).path("Properties");
        assertThat(check.path("HealthCheckPath").asText()).isEqualTo("/health");
        assertThat(check.path("Matcher").path("HttpCode").asText()).isEqualTo("200");
    }

    @Test
    void theWebServersBootstrapKnowsWhatToSignal() {
        Map<String, String> wiring = wiring("WebServerLaunchTemplate");
        assertThat(wiring)
                .containsEntry("KOTTA_SIGNAL_RESOURCE", "WebServerGroup")
                .containsEntry("KOTTA_STACK_NAME", "${AWS::StackName}")
                .containsEntry("AWS_REGION", "${AWS::Region}");
        assertThat(kotta.path(wiring.get("KOTTA_SIGNAL_RESOURCE")).has("CreationPolicy"))
                .isTrue();
        assertThat(wiring("ProdWorkerLaunchTemplate")).doesNotContainKey("KOTTA_SIGNAL_RESOURCE");
    }

    /**
     * The bootstrap installs cfn-signal first, ships its logs, and once the service is started hands
     * over to bin/kotta-signal (whose SUCCESS-on-/health and FAILURE-on-exit the platform's
     * SignalScriptTest runs); any failure of its own is signalled too.
     */
    @Test
    void theBootstrapSignalsThroughKottaSignal_afterStartingTheService() throws IOException {
        String script = Files.readString(TemplateTool.root().resolve("platform/src/release/bin/kotta-bootstrap"));
        assertThat(script)
                .contains(
                        "dnf install -y -q aws-cfn-bootstrap",
                        "dnf install -y -q amazon-cloudwatch-agent",
                        "StandardOutput=append:$LOG_DIR/$role.log",
                        "trap on_exit EXIT",
                        "\"$SIGNAL\" failure");
        int started = script.indexOf("systemctl enable --now \"$unit\"");
        int waits = script.indexOf("\"$SIGNAL\" wait \"$role\" \"$unit\"");
        assertThat(started).isPositive();
        assertThat(waits)
                .as("the health wait comes after the service is started")
                .isGreaterThan(started);
        assertThat(script.indexOf("dnf install -y -q aws-cfn-bootstrap"))
                .as("cfn-signal is installed before anything else that may fail")
                .isLessThan(script.indexOf("java-17-amazon-corretto-headless"));
        assertThat(TemplateTool.root().resolve("platform/src/release/bin/kotta-signal"))
                .isExecutable();
    }

    @Test
    void bothWorkerGroupsDrainThroughATerminationHook_thatTheirExecutorsAreWiredFor() {
        for (String pool : List.of("Prod", "Test")) {
            String groupId = pool + "WorkerGroup";
            JsonNode group = kotta.path(groupId);
            List<JsonNode> hooks = new ArrayList<>();
            kotta.forEach(resource -> {
                if (resource.path("Type").asText().equals("AWS::AutoScaling::LifecycleHook")
                        && resource.path("Properties")
                                .path("AutoScalingGroupName")
                                .path("Ref")
                                .asText()
                                .equals(groupId)) {
                    hooks.add(resource.path("Properties"));
                }
            });
            assertThat(hooks)
                    .as("termination hooks of %s", groupId)
                    .singleElement()
                    .satisfies(hook -> {
                        assertThat(hook.path("LifecycleTransition").asText())
                                .isEqualTo("autoscaling:EC2_INSTANCE_TERMINATING");
                        assertThat(hook.path("HeartbeatTimeout").asInt()).isBetween(300, 7200);
                        assertThat(hook.path("DefaultResult").asText()).isEqualTo("CONTINUE");
                        Map<String, String> wiring = wiring(pool + "WorkerLaunchTemplate");
                        assertThat(wiring)
                                .containsEntry(
                                        "KOTTA_LIFECYCLE_HOOK",
                                        hook.path("LifecycleHookName").asText());
                        assertThat(wiring.get("KOTTA_AUTOSCALING_GROUP"))
                                .isEqualTo(group.path("Properties")
                                        .path("AutoScalingGroupName")
                                        .path("Fn::Sub")
                                        .asText());
                    });
            JsonNode rolling = group.path("UpdatePolicy").path("AutoScalingRollingUpdate");
            assertThat(rolling.path("MaxBatchSize").asInt())
                    .as("%s replaces one instance at a time", groupId)
                    .isEqualTo(1);
        }
    }

    /** A running job's message is in flight on its pending queue: the scale-in alarms look at that. */
    @Test
    void scaleInWaitsForRunningJobs_scaleOutFollowsWaitingOnes() {
        Map<String, String> metricByAlarmDirection = new LinkedHashMap<>();
        kotta.properties().forEach(entry -> {
            JsonNode alarm = entry.getValue().path("Properties");
            if (!entry.getValue().path("Type").asText().equals("AWS::CloudWatch::Alarm")) {
                return;
            }
            for (JsonNode action : alarm.path("AlarmActions")) {
                JsonNode policy = kotta.path(action.path("Ref").asText());
                if (!policy.path("Type").asText().equals("AWS::AutoScaling::ScalingPolicy")) {
                    continue;
                }
                boolean scalesIn =
                        policy.path("Properties").path("ScalingAdjustment").asInt() < 0;
                String queue = alarm.path("Dimensions")
                        .path(0)
                        .path("Value")
                        .path("Fn::GetAtt")
                        .path(0)
                        .asText();
                assertThat(queue)
                        .as("%s watches a pending queue", entry.getKey())
                        .endsWith("PendingQueue");
                metricByAlarmDirection.put(
                        entry.getKey() + (scalesIn ? " in" : " out"),
                        alarm.path("MetricName").asText());
            }
        });
        assertThat(metricByAlarmDirection)
                .containsOnlyKeys(
                        "ProdQueueBacklogAlarm out",
                        "TestQueueBacklogAlarm out",
                        "ProdNoJobRunningAlarm in",
                        "TestNoJobRunningAlarm in");
        metricByAlarmDirection.forEach((alarm, metric) -> assertThat(metric)
                .as(alarm)
                .isEqualTo(
                        alarm.endsWith(" in")
                                ? "ApproximateNumberOfMessagesNotVisible"
                                : "ApproximateNumberOfMessagesVisible"));
        for (String pool : List.of("Prod", "Test")) {
            JsonNode alarm = kotta.path(pool + "NoJobRunningAlarm").path("Properties");
            assertThat(alarm.path("Period").asInt()
                            * alarm.path("EvaluationPeriods").asInt())
                    .isGreaterThanOrEqualTo(900);
            assertThat(kotta.path(pool + "ScaleInPolicy")
                            .path("Properties")
                            .path("Cooldown")
                            .asInt())
                    .as("no scale-in until a worker launched for a waiting job has booted and taken it")
                    .isGreaterThanOrEqualTo(900);
        }
    }

    @Test
    void theInstanceLogGroupIsTheKottaStacksAndKeptWhileItLives() {
        JsonNode group = base.path("InstanceLogGroup");
        assertThat(group.path("Type").asText()).isEqualTo("AWS::Logs::LogGroup");
        assertThat(group.path("Properties").path("LogGroupName").path("Fn::Sub").asText())
                .isEqualTo("/kotta/${KottaStackName}/instances");
        assertThat(wiring("WebServerLaunchTemplate").get("KOTTA_LOG_GROUP"))
                .as("the Kotta stack derives the same name from its own")
                .isEqualTo("/kotta/${AWS::StackName}/instances");
        assertThat(group.path("Properties").path("RetentionInDays").asInt()).isPositive();
        assertThat(group.path("DeletionPolicy").asText()).isNotEmpty();
        assertThat(group.path("UpdateReplacePolicy").asText()).isNotEmpty();
    }

    @Test
    void theInstanceRolesMaySignal_shipTheirLogs_andHoldTheirOwnGroupsHook() {
        Map<String, List<String>> web = grants("WebServerRole");
        assertThat(web)
                .containsEntry(
                        "cloudformation:SignalResource",
                        List.of(
                                "arn:${AWS::Partition}:cloudformation:${AWS::Region}:${AWS::AccountId}:stack/${KottaStackName}/*"));
        Map<String, List<String>> executor = grants("TaskExecutorRole");
        assertThat(executor).doesNotContainKey("cloudformation:SignalResource");
        for (Map<String, List<String>> role : List.of(web, executor)) {
            assertThat(role.get("logs:CreateLogStream")).containsExactly("${InstanceLogGroup.Arn}");
            assertThat(role.get("logs:PutLogEvents")).containsExactly("${InstanceLogGroup.Arn}");
        }
        String groups = "arn:${AWS::Partition}:autoscaling:${AWS::Region}:${AWS::AccountId}:autoScalingGroup:*:"
                + "autoScalingGroupName/";
        for (String action : List.of(
                "autoscaling:SetInstanceProtection",
                "autoscaling:RecordLifecycleActionHeartbeat",
                "autoscaling:CompleteLifecycleAction")) {
            assertThat(executor.get(action))
                    .as(action)
                    .containsExactlyInAnyOrder(
                            groups + "${KottaStackName}-prod-workers", groups + "${KottaStackName}-test-workers");
            assertThat(web).doesNotContainKey(action);
        }
        for (String pool : List.of("Prod", "Test")) {
            assertThat(kotta.path(pool + "WorkerGroup")
                            .path("Properties")
                            .path("AutoScalingGroupName")
                            .path("Fn::Sub")
                            .asText())
                    .isEqualTo("${AWS::StackName}-" + pool.toLowerCase(java.util.Locale.ROOT) + "-workers");
        }
    }

    /** Action → the resources (Fn::Sub strings) a base-stack role's inline policies allow it on. */
    private static Map<String, List<String>> grants(String role) {
        Map<String, List<String>> grants = new LinkedHashMap<>();
        for (JsonNode policy : base.path(role).path("Properties").path("Policies")) {
            for (JsonNode statement : policy.path("PolicyDocument").path("Statement")) {
                List<String> resources = new ArrayList<>();
                JsonNode resource = statement.path("Resource");
                (resource.isArray() ? resource : List.of(resource))
                        .forEach(r -> resources.add(
                                r.has("Fn::Sub") ? r.path("Fn::Sub").asText() : r.toString()));
                TemplateTool.strings(statement.path("Action"))
                        .forEach(action -> grants.computeIfAbsent(action, a -> new ArrayList<>())
                                .addAll(resources));
            }
        }
        return grants;
    }

    /** The KOTTA_WIRING heredoc of a launch template's user data, name → value. */
    private static Map<String, String> wiring(String launchTemplate) {
        JsonNode sub = kotta.path(launchTemplate)
                .path("Properties")
                .path("LaunchTemplateData")
                .path("UserData")
                .path("Fn::Base64")
                .path("Fn::Sub");
        String script = sub.isArray() ? sub.path(0).asText() : sub.asText();
        String open = "cat > /etc/kotta/kotta.env <<'KOTTA_WIRING'\n";
        assertThat(script).as("%s user data", launchTemplate).contains(open);
        Map<String, String> values = new LinkedHashMap<>();
        for (String line :
                script.substring(script.indexOf(open) + open.length()).split("\n")) {
            if (line.equals("KOTTA_WIRING")) {
                break;
            }
            values.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
        }
        return values;
    }

    /** Crashes count receives: the pending queues keep a job's message through many before dead-lettering it. */
    @Test
    void pendingQueuesKeepAJobsMessageThroughManyExecutorCrashes() {
        for (String pool : List.of("Prod", "Test")) {
            JsonNode redrive =
                    kotta.path(pool + "PendingQueue").path("Properties").path("RedrivePolicy");
            assertThat(redrive.path("maxReceiveCount").asInt())
                    .as(pool + "PendingQueue")
                    .isGreaterThanOrEqualTo(20);
        }
    }
}
