package org.kotta.platform.executor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.kotta.platform.core.PlatformClients;
import org.kotta.platform.core.Wiring;
import org.kotta.platform.executor.InstanceLifecycle.Next;

/** When the executor takes jobs, lets its job finish, or completes the termination hook and goes. */
class InstanceLifecycleTest {
    private final List<String> log = new ArrayList<>();

    @Test
    void onlyTerminatedMeansOnItsWayOut() {
        assertThat(InstanceLifecycle.isTerminating(Optional.of("Terminated"))).isTrue();
        assertThat(InstanceLifecycle.isTerminating(Optional.of("Terminated\n"))).isTrue();
        for (String other : List.of("InService", "Standby", "Detached", "Warmed:Terminated", "")) {
            assertThat(InstanceLifecycle.isTerminating(Optional.of(other)))
                    .as(other)
                    .isFalse();
        }
        assertThat(InstanceLifecycle.isTerminating(Optional.empty())).isFalse();
    }

    @Test
    void aTerminationWaitsForTheRunningJob_andAnIdleExecutorGoesAtOnce() {
        assertThat(InstanceLifecycle.next(false, false)).isEqualTo(Next.TAKE_JOBS);
        assertThat(InstanceLifecycle.next(false, true)).isEqualTo(Next.TAKE_JOBS);
        assertThat(InstanceLifecycle.next(true, true)).isEqualTo(Next.FINISH_THE_JOB);
        assertThat(InstanceLifecycle.next(true, false)).isEqualTo(Next.COMPLETE_AND_EXIT);
    }

    @Test
    void readsTheStateWithAnImdsV2Token_andOnceTerminatedStaysSo() throws Exception {
        try (MetadataStub imds = new MetadataStub()) {
            InstanceLifecycle lifecycle =
                    lifecycle(Map.of(Wiring.AUTOSCALING_GROUP, "s-test-workers", Wiring.METADATA_URL, imds.url()));
            assertThat(lifecycle.managed()).isTrue();
            assertThat(lifecycle.terminating()).isFalse();
            assertThat(imds.reads()).as("read with the session token").isEqualTo(1);

            imds.state("Terminated");
            assertThat(lifecycle.terminating()).isTrue();
            imds.state("InService");
            assertThat(lifecycle.terminating()).isTrue();
            assertThat(imds.reads()).isEqualTo(2);
            assertThat(log).anyMatch(line -> line.contains("taking no new job"));
        }
    }

    @Test
    void outsideAGroupNothingIsAsked() throws Exception {
        try (MetadataStub imds = new MetadataStub()) {
            imds.state("Terminated");
            InstanceLifecycle lifecycle = lifecycle(Map.of(Wiring.METADATA_URL, imds.url()));
            assertThat(lifecycle.managed()).isFalse();
            assertThat(lifecycle.terminating()).isFalse();
            lifecycle.whileJobRuns();
            assertThat(imds.reads()).isZero();
        }
    }

    @Test
    void anUnreachableMetadataServiceIsAWarning_notATermination() {
        InstanceLifecycle lifecycle = lifecycle(
                Map.of(Wiring.AUTOSCALING_GROUP, "s-test-workers", Wiring.METADATA_URL, "http://127.0.0.1:1"));
        assertThat(lifecycle.terminating()).isFalse();
        assertThat(lifecycle.terminating()).isFalse();
        assertThat(log).singleElement().asString().startsWith("warning: could not read the target lifecycle state");
    }

    private InstanceLifecycle lifecycle(Map<String, String> more) {
        Map<String, String> env = new HashMap<>(Map.of(
                Wiring.POOL,
                "test",
                Wiring.JOBS_BUCKET,
                "b",
                Wiring.JOBS_TABLE,
                "t",
                Wiring.WORK_DIR,
                "/tmp",
                Wiring.TEST_PENDING_QUEUE_URL,
                "http://queue",
                Wiring.INSTANCE_ID,
                "i-1",
                Wiring.ENDPOINT_URL,
                "http://127.0.0.1:1",
                Wiring.REGION,
                "us-east-1"));
        env.putAll(more);
        Wiring wiring = new Wiring(env);
        ExecutorSettings settings = ExecutorSettings.fromWiring(wiring);
        return new InstanceLifecycle(settings, Optional.of(new PlatformClients(wiring).autoScaling()), log::add);
    }
}
