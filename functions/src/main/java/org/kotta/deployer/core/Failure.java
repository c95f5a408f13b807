package org.kotta.deployer.core;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * An expected failure returned as data, shaped like the state machine's Catch output
 * ({@code Error}, {@code Cause}) so one RecordFailure state handles both.
 */
public record Failure(
        @JsonProperty("Error") String error,
        @JsonProperty("Cause") String cause) {
    public static final String VALIDATION_FAILED = "ValidationFailed";
    public static final String STACK_FAILED = "StackFailed";
    public static final String CODE_REJECTED = "CodeRejected";
    /** Another deployment of the stack holds its lock. */
    public static final String STACK_BUSY = "StackBusy";
    /** The record had already ended when the execution began (its starter gave up on it). */
    public static final String ALREADY_ENDED = "AlreadyEnded";
}
