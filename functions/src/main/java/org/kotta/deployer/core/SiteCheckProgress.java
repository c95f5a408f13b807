package org.kotta.deployer.core;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The result of one look at the site ({@code $.siteCheck}): SUCCEEDED, WAITING (look again after
 * {@code nextWaitSeconds}) or FAILED with the failure the state machine records.
 *
 * @param startedAt the first look, so the limit counts from there across looks
 * @param checks    looks so far
 * @param seen      what the last look found, in words
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SiteCheckProgress(
        String phase,
        String expectedRelease,
        String startedAt,
        int checks,
        Integer nextWaitSeconds,
        String seen,
        Failure failure) {
    public static final String SUCCEEDED = "SUCCEEDED";
    public static final String WAITING = "WAITING";
    public static final String FAILED = "FAILED";
}
