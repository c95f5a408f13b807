package org.kotta.deployer.stacks;

import org.kotta.deployer.core.StackPhase;
import org.kotta.deployer.core.StackAction;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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
        StackLaunch launch = deployer.deploy(local.spec(name, "slow-stack.yaml",
                Map.of("DelaySeconds", "6"), local.token("slow")));
        assertThat(launch.action()).isEqualTo(StackAction.CREATE);

        List<StackPhase> phases = new ArrayList<>();
        StackReport report = watcher.check(launch.stackId());
        phases.add(report.phase());
        for (int i = 0; i < 60 && StackPhase.IN_PROGRESS.equals(report.phase()); i++) {
            LocalStacks.pause(Duration.ofSeconds(1));
            report = watcher.check(launch.stackId());
            phases.add(report.phase());
        }

        assertThat(phases.subList(0, 3)).as("phases " + phases).containsOnly(StackPhase.IN_PROGRESS);
        assertThat(report.phase()).isEqualTo(StackPhase.SUCCEEDED);
        assertThat(report.status()).isEqualTo("CREATE_COMPLETE");
        assertThat(report.outputs()).containsEntry("WaitedSeconds", "6");
    }

    @Test
    void slowStack_drivenByTheScaledSchedule_takesAFewChecks() {
        String name = local.stackName("slowloop");
        WaitSchedule schedule = new WaitSchedule(0.2, 1);
        StackLaunch launch = deployer.deploy(local.spec(name, "slow-stack.yaml",
                Map.of("DelaySeconds", "4"), local.token("loop")));

        int checks = 0;
        StackReport report;
        do {
            LocalStacks.pause(Duration.ofSeconds(schedule.nextWaitSeconds(checks)));
            report = watcher.check(launch.stackId());
            checks++;
        } while (StackPhase.IN_PROGRESS.equals(report.phase()) && checks < 30);

        assertThat(report.phase()).isEqualTo(StackPhase.SUCCEEDED);
        assertThat(checks).isBetween(3, schedule.checksFor(Duration.ofSeconds(10)));
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
