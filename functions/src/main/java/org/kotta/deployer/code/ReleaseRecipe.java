package org.kotta.deployer.code;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * What one packaging produced: the release for a source tarball (by its SHA-256) and a
 * {@link DeploymentConf}. Kept in the JobsBucket at {@link #key}, written after the release, so
 * that the next deployment of the same code and wiring finds its release without tar work.
 * Trusted only while the release object it names is there with the same sha256 metadata.
 */
record ReleaseRecipe(String releaseKey, String sha256) {
    static final String PREFIX = ReleasePackager.RELEASES_PREFIX + "recipes/";
    /**
     * Part of the key: bump it when the release bytes for the same inputs change (how the
     * packager repacks, DeterministicTar, what the inspector checks), so old recipes are not used.
     */
    static final String FORMAT = "kotta-release-recipe/1";

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    /** The recipe's key for a source tarball's SHA-256, the rendered conf and the caps it was checked against. */
    static String key(String sourceSha256, String conf, TarballLimits limits) {
        String inputs = FORMAT + "\n" + sourceSha256 + "\n" + sha256Hex(conf.getBytes(StandardCharsets.UTF_8)) + "\n"
                + limits + "\n";
        return PREFIX + sha256Hex(inputs.getBytes(StandardCharsets.UTF_8)) + ".json";
    }

    static ReleaseRecipe of(String sha256) {
        return new ReleaseRecipe(ReleasePackager.RELEASES_PREFIX + sha256 + ".tar.gz", sha256);
    }

    /** Names a release where the packager would have put it: {@code releases/<sha256>.tar.gz}. */
    boolean wellFormed() {
        return sha256 != null
                && SHA256_HEX.matcher(sha256).matches()
                && of(sha256).equals(this);
    }

    static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}
