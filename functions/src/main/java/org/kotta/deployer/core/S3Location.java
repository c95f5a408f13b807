package org.kotta.deployer.core;

import java.util.Optional;

/** A parsed {@code s3://bucket/key} address (shape only; the validator checks the rules). */
public record S3Location(String bucket, String key) {
    private static final String SCHEME = "s3://";

    /** Splits {@code s3://bucket/key} at the first slash after the bucket; empty if the shape is wrong. */
    public static Optional<S3Location> parse(String uri) {
        if (uri == null || !uri.startsWith(SCHEME)) {
            return Optional.empty();
        }
        String rest = uri.substring(SCHEME.length());
        int slash = rest.indexOf('/');
        if (slash <= 0 || slash == rest.length() - 1) {
            return Optional.empty();
        }
        return Optional.of(new S3Location(rest.substring(0, slash), rest.substring(slash + 1)));
    }

    @Override
    public String toString() {
        return SCHEME + bucket + "/" + key;
    }
}
