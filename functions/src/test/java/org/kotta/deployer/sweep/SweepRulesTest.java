package org.kotta.deployer.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.kotta.deployer.core.Json;
import org.kotta.deployer.sweep.SweepRules.Execution;
import org.kotta.deployer.sweep.SweepRules.Record;
import org.kotta.deployer.sweep.SweepRules.Verdict;

class SweepRulesTest {
    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    private static final String ARN = "arn:aws:states:us-east-1:000000000000:execution:kotta-deploy:dep-1";

    private static Record record(String status, String step, Instant updatedAt) {
        return new Record("dep-1", status, step, ARN, updatedAt, updatedAt);
    }

    @Test
    void runningRecordWithRunningExecution_isLeftAlone() {
        Verdict verdict = SweepRules.judge(
                record("RUNNING", "createBaseStack", NOW.minusSeconds(3600)), Execution.of("RUNNING", null, null), NOW);
        assertThat(verdict.markFailed()).isFalse();
    }

    @Test
    void finishedRecords_areLeftAlone_whateverTheExecutionSays() {
        for (String status : new String[] {"SUCCEEDED", "FAILED"}) {
            assertThat(SweepRules.judge(record(status, null, NOW.minusSeconds(3600)), Execution.missing(), NOW)
                            .markFailed())
                    .as(status)
                    .isFalse();
            assertThat(SweepRules.judge(
                                    record(status, null, NOW.minusSeconds(3600)),
                                    Execution.of("ABORTED", null, null),
                                    NOW)
                            .markFailed())
                    .as(status)
                    .isFalse();
        }
    }

    @Test
    void runningRecordOfAnAbortedExecution_isMarkedExecutionEnded_atItsCurrentStep_withTheStatus() {
        Verdict verdict = SweepRules.judge(
                record("RUNNING", "createKottaStack", NOW.minusSeconds(5)), Execution.of("ABORTED", null, null), NOW);
        assertThat(verdict.markFailed()).isTrue();
        assertThat(verdict.error()).isEqualTo(SweepRules.EXECUTION_ENDED);
        assertThat(verdict.step()).isEqualTo("createKottaStack");
        assertThat(verdict.cause()).contains("ABORTED", "RUNNING");
    }

    @Test
    void timedOutOrFailedExecution_carriesItsErrorAndCauseIntoTheRecord() {
        Verdict timedOut = SweepRules.judge(
                record("RUNNING", "createBaseStack", NOW), Execution.of("TIMED_OUT", "States.Timeout", null), NOW);
        assertThat(timedOut.cause()).contains("TIMED_OUT", "States.Timeout");
        Verdict restarted = SweepRules.judge(
                record("RUNNING", "createBaseStack", NOW),
                Execution.of("FAILED", "States.ServiceRestart", "Execution was running when service restarted"),
                NOW);
        assertThat(restarted.markFailed()).isTrue();
        assertThat(restarted.cause()).contains("FAILED", "States.ServiceRestart", "service restarted");
    }

    @Test
    void pendingRecordWithoutAnExecution_isLeftAloneDuringTheGracePeriod() {
        Verdict verdict = SweepRules.judge(record("PENDING", null, NOW.minusSeconds(30)), Execution.missing(), NOW);
        assertThat(verdict.markFailed()).isFalse();
    }

    @Test
    void pendingRecordWithoutAnExecution_afterTheGracePeriod_isMarkedExecutionLost_atStepStart() {
        Verdict verdict = SweepRules.judge(
                record("PENDING", null, NOW.minus(SweepRules.GRACE).minusSeconds(1)), Execution.missing(), NOW);
        assertThat(verdict.markFailed()).isTrue();
        assertThat(verdict.error()).isEqualTo(SweepRules.EXECUTION_LOST);
        assertThat(verdict.step()).isEqualTo("start");
        assertThat(verdict.cause()).contains(ARN, "PENDING");
    }

    @Test
    void runningRecordWhoseExecutionIsGone_isMarkedExecutionLost_atItsStep() {
        Verdict verdict = SweepRules.judge(
                record("RUNNING", "packageAndUploadCode", NOW.minusSeconds(600)), Execution.missing(), NOW);
        assertThat(verdict.error()).isEqualTo(SweepRules.EXECUTION_LOST);
        assertThat(verdict.step()).isEqualTo("packageAndUploadCode");
    }

    @Test
    void pendingRecordWhoseExecutionStartedAndRuns_isLeftAlone() {
        assertThat(SweepRules.judge(
                                record("PENDING", null, NOW.minusSeconds(600)),
                                Execution.of("RUNNING", null, null),
                                NOW)
                        .markFailed())
                .isFalse();
    }

    @Test
    void recordWithoutAnyTimestamp_andNoExecution_isLost() {
        Verdict verdict =
                SweepRules.judge(new Record("dep-1", "RUNNING", null, ARN, null, null), Execution.missing(), NOW);
        assertThat(verdict.markFailed()).isTrue();
        assertThat(verdict.step()).isEqualTo("unknown");
    }

    @Test
    void statusChangeEvent_namesTheDeployment_scheduledEventNamesNone() throws Exception {
        var statusChange = Json.MAPPER.readTree("""
                {"source":"aws.states","detail-type":"Step Functions Execution Status Change",
                 "detail":{"executionArn":"%s","name":"dep-1","status":"ABORTED"}}""".formatted(ARN));
        assertThat(SweepStaleDeploymentsHandler.executionName(statusChange)).isEqualTo("dep-1");
        var arnOnly = Json.MAPPER.readTree("""
                {"source":"aws.states","detail":{"executionArn":"%s"}}""".formatted(ARN));
        assertThat(SweepStaleDeploymentsHandler.executionName(arnOnly)).isEqualTo("dep-1");
        var scheduled = Json.MAPPER.readTree("""
                {"source":"aws.events","detail-type":"Scheduled Event","detail":{}}""");
        assertThat(SweepStaleDeploymentsHandler.executionName(scheduled)).isNull();
    }

    @Test
    void anUpdateStillRunningAfterTheExecutionEnded_isCancelled() {
        SweepRules.StackAdvice advice = SweepRules.stackAdvice("kotta-prod", "UPDATE_IN_PROGRESS");
        assertThat(advice.cancelUpdate()).isTrue();
        assertThat(advice.text())
                .contains("kotta-prod")
                .contains("cancelled the update")
                .contains("UPDATE_ROLLBACK_COMPLETE");
    }

    @Test
    void anotherOperationInProgress_isNamedWithWhenToDeployAgain_notCancelled() {
        for (String status : new String[] {
            "CREATE_IN_PROGRESS",
            "UPDATE_ROLLBACK_IN_PROGRESS",
            "DELETE_IN_PROGRESS",
            "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS",
            "ROLLBACK_IN_PROGRESS"
        }) {
            SweepRules.StackAdvice advice = SweepRules.stackAdvice("kotta-prod-base", status);
            assertThat(advice.cancelUpdate()).as(status).isFalse();
            assertThat(advice.text())
                    .as(status)
                    .contains("kotta-prod-base is still " + status)
                    .contains("deploy again once it has finished");
        }
    }

    @Test
    void aSettledOrMissingStack_needsNothing() {
        assertThat(SweepRules.stackAdvice("kotta-prod", "UPDATE_COMPLETE")).isNull();
        assertThat(SweepRules.stackAdvice("kotta-prod", "ROLLBACK_COMPLETE")).isNull();
        assertThat(SweepRules.stackAdvice("kotta-prod", null)).isNull();
    }
}
