package org.kotta.deployer.core;

/**
 * What "Record the failure" returns ({@code $.recorded}): the Fail state's ErrorPath and
 * CausePath read {@code error} and {@code cause}.
 */
public record Recorded(String error, String cause, String failedStep) {}
