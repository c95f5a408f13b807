package org.kotta.deployer.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class WaitScheduleTest {
    private final WaitSchedule standard = WaitSchedule.standard();

    @Test
    void startsShortThenBacksOffToTheCap() {
        assertThat(IntStream.range(0, 10).map(standard::nextWaitSeconds).toArray())
                .containsExactly(5, 5, 10, 10, 15, 20, 30, 30, 30, 30);
    }

    @Test
    void neverWaitsLongerThanTheCap() {
        assertThat(IntStream.range(0, 1000).map(standard::nextWaitSeconds).max().getAsInt())
                .isEqualTo(WaitSchedule.CAP_SECONDS);
    }

    @Test
    void tenMinuteStack_needsAtMost25Checks() {
        assertThat(standard.checksFor(Duration.ofMinutes(10))).isEqualTo(24).isLessThanOrEqualTo(25);
    }

    @Test
    void oneMinuteStack_needsSixChecks() {
        // 5 + 5 + 10 + 10 + 15 + 20 = 65 s: the sixth check sees it done
        assertThat(standard.checksFor(Duration.ofMinutes(1))).isEqualTo(6);
    }

    @Test
    void stackAlreadyDone_needsOneCheck() {
        assertThat(standard.checksFor(Duration.ZERO)).isEqualTo(1);
        assertThat(standard.checksFor(Duration.ofSeconds(5))).isEqualTo(1);
        assertThat(standard.checksFor(Duration.ofSeconds(6))).isEqualTo(2);
    }

    @Test
    void scaleShrinksEveryWait_localRunsWaitOneSecondFirst() {
        WaitSchedule local = new WaitSchedule(0.2, 1);
        assertThat(IntStream.range(0, 8).map(local::nextWaitSeconds).toArray()).containsExactly(1, 1, 2, 2, 3, 4, 6, 6);
    }

    @Test
    void minSecondsIsAFloor() {
        WaitSchedule tiny = new WaitSchedule(0.01, 2);
        assertThat(IntStream.range(0, 10).map(tiny::nextWaitSeconds).distinct().toArray())
                .containsExactly(2);
        assertThat(tiny.checksFor(Duration.ofSeconds(10))).isEqualTo(5);
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> new WaitSchedule(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WaitSchedule(Double.NaN, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WaitSchedule(1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> standard.nextWaitSeconds(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
