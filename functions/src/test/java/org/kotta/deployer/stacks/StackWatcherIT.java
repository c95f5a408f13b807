package org.kotta.deployer.stacks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kotta.deployer.core.StackAction;
import org.kotta.deployer.core.StackPhase;
import org.kotta.deployer.core.WaitSchedule;
import org.kotta.deployer.testing.Waits;

class StackWatcherIT {
    private static LocalStacks local;
    private static StackDeployer deployer;
    private static StackWatcher watcher;

    @BeforeAll
    static void connect() {
        local = new LocalStacks();
        deployer = new StackDeployer(local.cfn);
        watcher = new StackWatcher(local.cfn);
    }

    @AfterAll
    static void cleanUp() {
        local.close();
    }

    @Test
    void missingStack_isAFailureSayingSo() {
        StackReport report = watcher.check("it-never-made-" + System.nanoTime());

        assertThat(report.phase()).isEqualTo(StackPhase.FAILED);
        assertThat(report.reason()).isEqualTo("stack " + report.stackName() + " does not exist");
        assertThat(report.outputs()).isEmpty();
    }

    @Test
    void slowStack_staysInProgressAcrossChecks_thenSucceeds() {
        String name = local.stackName("slow");
        StackLaunch launch =
                deployer.deploy(local.spec(name, "slow-stack.yaml", Map.of("DelaySeconds", "6"), local.token("slow")));
        assertThat(launch.action()).isEqualTo(StackAction.CREATE);

        List<StackPhase> phases = new ArrayList<>();
        // a check, then one a second, as the state machine's loop does; every phase seen is kept
        StackReport report = Waits.untilOrLatest(
                Duration.ofSeconds(60),
                Duration.ofSeconds(1),
                () -> {
                    StackReport seen = watcher.check(launch.stackId());
                    phases.add(seen.phase());
                    return seen;
                },
                seen -> !StackPhase.IN_PROGRESS.equals(seen.phase()));

        assertThat(phases.subList(0, 3)).as("phases " + phases).containsOnly(StackPhase.IN_PROGRESS);
        assertThat(report.phase()).isEqualTo(StackPhase.SUCCEEDED);
        assertThat(report.status()).isEqualTo("CREATE_COMPLETE");
        assertThat(report.outputs()).containsEntry("WaitedSeconds", "6");
    }

    @Test
    void slowStack_drivenByTheScaledSchedule_takesAFewChecks() {
        String name = local.stackName("slowloop");
        WaitSchedule schedule = new WaitSchedule(0.2, 1);
        StackLaunch launch =
                deployer.deploy(local.spec(name, "slow-stack.yaml", Map.of("DelaySeconds", "4"), local.token("loop")));

        // the state machine's Wait before each check, as the schedule says after the checks so far
        AtomicInteger checks = new AtomicInteger();
        StackReport report = await().pollDelay(Duration.ofSeconds(schedule.nextWaitSeconds(0)))
                .pollInterval((polls, previous) -> Duration.ofSeconds(schedule.nextWaitSeconds(checks.get())))
                .atMost(Duration.ofMinutes(2))
                .until(
                        () -> {
                            checks.incrementAndGet();
                            return watcher.check(launch.stackId());
                        },
                        seen -> !StackPhase.IN_PROGRESS.equals(seen.phase()) || checks.get() >= 30);

        assertThat(report.phase()).isEqualTo(StackPhase.SUCCEEDED);
        assertThat(checks.get()).isBetween(3, schedule.checksFor(Duration.ofSeconds(10)));
    }

    @Test
    void failedStack_namesTheFirstFailedResource_notTheOnesCancelledAfterIt() {
        String name = local.stackName("failed");
        StackLaunch launch = deployer.deploy(local.spec(name, "broken-stack.yaml", Map.of(), local.token("failed")));
        assertThat(launch.action()).isEqualTo(StackAction.CREATE);

        StackReport report = local.waitUntilDone(launch.stackId(), Duration.ofSeconds(60));

        assertThat(report.phase()).isEqualTo(StackPhase.FAILED);
        assertThat(report.stackId()).isEqualTo(launch.stackId());
        assertThat(report.reason())
                .isEqualTo("BadQueue (AWS::SQS::Queue): Invalid value for the parameter VisibilityTimeout. "
                        + "Value must be between 0 and 43200.");
    }

    @Test
    void failedUpdate_reportsTheUpdatesFailure_notAnOlderOne() {
        String name = local.stackName("badupdate");
        StackLaunch create = deployer.deploy(local.spec(name, "simple-stack.yaml", Map.of(), local.token("ok")));
        assertThat(local.waitUntilDone(create.stackId(), Duration.ofSeconds(60)).phase())
                .isEqualTo(StackPhase.SUCCEEDED);

        StackLaunch update = deployer.deploy(local.spec(name, "broken-stack.yaml", Map.of(), local.token("bad")));
        assertThat(update.action()).isEqualTo(StackAction.UPDATE);
        StackReport report = local.waitUntilDone(update.stackId(), Duration.ofSeconds(60));

        assertThat(report.phase()).isEqualTo(StackPhase.FAILED);
        assertThat(report.status()).isEqualTo("UPDATE_ROLLBACK_COMPLETE");
        assertThat(report.reason()).startsWith("BadQueue (AWS::SQS::Queue): ");
    }
}
