package org.kotta.deployer.stacks;

import org.kotta.deployer.core.StackAction;

/**
 * What {@link StackDeployer#deploy} started.
 *
 * @param action        CREATE or UPDATE (an operation runs: watch {@code stackId}); NONE (nothing to
 *                      change: done); DELETING (a stack left over from a failed create is being
 *                      deleted: wait, then call deploy again); FAILED (nothing started: {@code reason}
 *                      says why)
 * @param changeSetName the change set this launch created, or null
 * @param reason        why it failed, or a note on a success (e.g. termination protection not set)
 */
public record StackLaunch(String stackName, String stackId, StackAction action, String changeSetName, String reason) {}
