package org.kotta.platform.core;

import java.util.Arrays;
import java.util.Optional;

/**
 * Cloud Kotta's job statuses, as stored in the JobsTable's {@code status} attribute:
 * {@code pending → staging_inputs → processing → staging_outputs → completed}, or
 * {@code failed}, {@code cancelled}.
 */
public enum JobStatus {
    PENDING("pending"),
    STAGING_INPUTS("staging_inputs"),
    PROCESSING("processing"),
    STAGING_OUTPUTS("staging_outputs"),
    COMPLETED("completed"),
    FAILED("failed"),
    CANCELLED("cancelled");

    private final String wireName;

    JobStatus(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public boolean isFinal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }

    /** Claimed by an executor and not yet ended. */
    public boolean isRunning() {
        return this == STAGING_INPUTS || this == PROCESSING || this == STAGING_OUTPUTS;
    }

    public static Optional<JobStatus> fromWire(String value) {
        return Arrays.stream(values()).filter(s -> s.wireName.equals(value)).findFirst();
    }
}
