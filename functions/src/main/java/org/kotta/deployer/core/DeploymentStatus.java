package org.kotta.deployer.core;

/** A deployment record's {@code status}: PENDING → RUNNING → SUCCEEDED | FAILED. */
public enum DeploymentStatus {
    PENDING,
    RUNNING,
    SUCCEEDED,
    FAILED;

    /** SUCCEEDED or FAILED: a final status is never turned back. */
    public boolean ended() {
        return this == SUCCEEDED || this == FAILED;
    }

    /** The status a record's text names, or null for none or one this code does not know. */
    public static DeploymentStatus of(String text) {
        for (DeploymentStatus status : values()) {
            if (status.name().equals(text)) {
                return status;
            }
        }
        return null;
    }
}
