package org.kotta.deployer.localcloud.instances;

/** A local instance could not be started or replaced; the message names the group and what its log said. */
public class InstanceSyncException extends RuntimeException {
    public InstanceSyncException(String message) {
        super(message);
    }

    public InstanceSyncException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * The group's release or user data cannot run locally at all (no {@code bin/kotta-start}, no
     * {@code KOTTA_WIRING} block), e.g. an upload that is not a Cloud Kotta release.
     */
    public static final class NotRunnable extends InstanceSyncException {
        public NotRunnable(String message) {
            super(message);
        }
    }
}
