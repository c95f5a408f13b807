package org.kotta.deployer.core;

/**
 * What a create state started on a stack: {@link #CREATE} or {@link #UPDATE} (an operation runs),
 * {@link #NONE} (nothing to change), {@link #DELETING} (a stack left from a failed create is
 * being deleted first), {@link #FAILED} (nothing started).
 */
public enum StackAction {
    CREATE,
    UPDATE,
    NONE,
    DELETING,
    FAILED
}
