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
        Phase phase,
        String expectedRelease,
        String startedAt,
        int checks,
        Integer nextWaitSeconds,
        String seen,
        Failure failure) {
    /** What "Does Cloud Kotta answer?" compares: the names are the strings the ASL reads. */
    public enum Phase {
        SUCCEEDED,
        WAITING,
        FAILED
    }
}
