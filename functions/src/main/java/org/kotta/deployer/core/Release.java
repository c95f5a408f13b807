package org.kotta.deployer.core;

/**
 * What "Package and upload the code" returns ({@code $.release}): "Is the code acceptable?"
 * reads {@code ok}, "Note the refused code" reads {@code failure}; the Kotta stack runs
 * {@code releaseKey} from {@code templateUrl}.
 */
public record Release(
        boolean ok,
        String releaseKey,
        String sha256,
        long sizeBytes,
        String source,
        String templateUrl,
        String reason,
        Failure failure) {}
