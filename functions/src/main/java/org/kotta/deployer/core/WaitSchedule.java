package org.kotta.deployer.core;

import java.time.Duration;

/**
 * How long the state machine waits before each look at a stack: short first (most updates
 * finish in a minute), then backing off to a cap, so a ten-minute stack costs about twenty
 * checks. {@code scale} shrinks every wait (a test drives a local stack with 0.2; the product
 * uses {@link #standard()}, and the local cloud scales Wait states itself); no wait is ever
 * shorter than {@code minSeconds}.
 */
public final class WaitSchedule {
    private static final int[] BASE_SECONDS = {5, 5, 10, 10, 15, 20};
    public static final int CAP_SECONDS = 30;

    private final double scale;
    private final int minSeconds;

    public WaitSchedule(double scale, int minSeconds) {
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("scale must be a positive number");
        }
        if (minSeconds < 1) {
            throw new IllegalArgumentException("minSeconds must be at least 1");
        }
        this.scale = scale;
        this.minSeconds = minSeconds;
    }

    /** The schedule for real AWS: 5, 5, 10, 10, 15, 20, then 30 s. */
    public static WaitSchedule standard() {
        return new WaitSchedule(1.0, 1);
    }

    /** Seconds to wait before the next check, after {@code checksSoFar} checks. */
    public int nextWaitSeconds(int checksSoFar) {
        if (checksSoFar < 0) {
            throw new IllegalArgumentException("checksSoFar must not be negative");
        }
        int base = checksSoFar < BASE_SECONDS.length ? BASE_SECONDS[checksSoFar] : CAP_SECONDS;
        return Math.max(minSeconds, (int) Math.round(base * scale));
    }

    /** How many checks it takes to see a stack that needs {@code stackTime} to finish (at least one). */
    public int checksFor(Duration stackTime) {
        long needed = stackTime.toMillis();
        long waited = 0;
        int checks = 0;
        do {
            waited += nextWaitSeconds(checks) * 1000L;
            checks++;
        } while (waited < needed);
        return checks;
    }
}
