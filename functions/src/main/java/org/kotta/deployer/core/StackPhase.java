package org.kotta.deployer.core;

/**
 * Where a stack stands, as the state machine's "Is the … stack done?" Choice states compare it
 * ({@code $.baseStack.phase}, {@code $.kottaStack.phase}): the names are the strings they match.
 */
public enum StackPhase {
    IN_PROGRESS,
    SUCCEEDED,
    FAILED,
    /** The failed stack it found is deleted: go back and create it again. */
    CREATE_AGAIN
}
