package org.kotta.deployer.core;

/**
 * What a rollback deployment undoes and deploys again ({@code $.rollback} of its execution input):
 * the failed deployment {@code of}, the last good deployment {@code basedOn}, that one's release
 * object, used as it is, and the image it ran ({@code imageId}; null when its record names none),
 * so a failure a new image caused is undone too.
 */
public record RollbackTarget(String of, String basedOn, String releaseKey, String sha256, String imageId) {}
