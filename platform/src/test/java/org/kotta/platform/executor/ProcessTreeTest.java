package org.kotta.platform.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProcessTreeTest {

    @Test
    void killsTheWholeSession_childrenIncluded() throws Exception {
        Process leader = new ProcessBuilder("setsid", "/bin/sh", "-c", "(sleep 600) & sleep 600 & wait").start();
        long session = leader.pid();
        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> ProcessTree.members(session).size() >= 3);
        assertThat(ProcessTree.members(session)).hasSizeGreaterThanOrEqualTo(3);

        assertThat(ProcessTree.kill(session, Duration.ofSeconds(2))).isTrue();

        assertThat(ProcessTree.members(session)).isEmpty();
        leader.waitFor();
    }

    @Test
    void aShellIgnoringTermIsKilled() throws Exception {
        Process leader =
                new ProcessBuilder("setsid", "/bin/sh", "-c", "trap '' TERM; while true; do sleep 1; done").start();
        // the trap is set before the loop's first sleep starts: a second member means it is in place
        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> ProcessTree.members(leader.pid()).size() >= 2);
        long started = System.nanoTime();
        assertThat(ProcessTree.kill(leader.pid(), Duration.ofMillis(500))).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    }
}
