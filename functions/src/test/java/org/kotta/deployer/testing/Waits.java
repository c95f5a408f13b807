package org.kotta.deployer.testing;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/** Waiting on a condition, for what Awaitility's {@code await().until} does not say in one call. */
public final class Waits {
    private Waits() {}

    /**
     * The probe's value once it meets {@code done}, else its last value when {@code limit} has
     * passed: for a test that asserts on the value itself (its message then shows the state it
     * was left in), or records its figures whatever they are before asserting. Probes at once,
     * then every {@code poll}; never once more after the limit (a probe may have side effects).
     */
    public static <T> T untilOrLatest(Duration limit, Duration poll, Supplier<T> probe, Predicate<T> done) {
        AtomicReference<T> last = new AtomicReference<>();
        try {
            return Awaitility.await()
                    .pollDelay(Duration.ZERO)
                    .pollInterval(poll)
                    .atMost(limit)
                    .until(
                            () -> {
                                T value = probe.get();
                                last.set(value);
                                return value;
                            },
                            done);
        } catch (ConditionTimeoutException late) {
            return last.get() != null ? last.get() : probe.get();
        }
    }
}
