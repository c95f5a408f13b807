package org.kotta.deployer.stacks;

/**
 * What {@link StackDeployer#deploy} started.
 *
 * @param action        {@link #CREATE} or {@link #UPDATE} (an operation runs: watch {@code stackId});
 *                      {@link #NONE} (nothing to change: done); {@link #DELETING} (a stack left over
 *                      from a failed create is being deleted: wait, then call deploy again);
 *                      {@link #FAILED} (nothing started: {@code reason} says why)
 * @param changeSetName the change set this launch created, or null
 * @param reason        why it failed, or a note on a success (e.g. termination protection not set)
 */
public record StackLaunch(String stackName, String stackId, String action, String changeSetName, String reason) {
    public static final String CREATE = "CREATE";
    public static final String UPDATE = "UPDATE";
    public static final String NONE = "NONE";
    public static final String DELETING = "DELETING";
    public static final String FAILED = "FAILED";
}
