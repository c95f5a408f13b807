package org.kotta.deployer.core;

/**
 * What a rollback deployment undoes and deploys again ({@code $.rollback} of its execution input):
 * the failed deployment {@code of}, the last good deployment {@code basedOn}, and that one's
 * release object, used as it is.
 */
public record RollbackTarget(String of, String basedOn, String releaseKey, String sha256) {
}
