package org.kotta.platform.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Where things live in the JobsBucket. */
public final class JobPaths {
    /** Everything a user uploads sits under their own area. */
    public static final String USERS_PREFIX = "users/";
    /** A job's outputs, stdout and stderr: {@code outputs/<job_id>/<file>}. */
    public static final String OUTPUTS_PREFIX = "outputs/";

    private JobPaths() {}

    /**
     * A user's own area, {@code users/<id>/}: an opaque, stable name derived from their
     * identity-provider id, so no provider's id syntax reaches an S3 key.
     */
    public static String userArea(String userId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(userId.getBytes(StandardCharsets.UTF_8));
            return USERS_PREFIX + HexFormat.of().formatHex(digest, 0, 12) + "/";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    public static String outputsOf(String jobId) {
        return OUTPUTS_PREFIX + jobId + "/";
    }

    public static String outputKey(String jobId, String fileName) {
        return outputsOf(jobId) + fileName;
    }
}
