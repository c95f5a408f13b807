package org.kotta.deployer.trigger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The pure rules of the code-upload trigger: which keys are code tarballs (the same rule
 * as the EventBridge pattern {@code code/*.tar.gz} in template.yaml, which lets nothing
 * else through; this is the check behind it), and the redeploy's deployment id.
 */
public final class RedeployRules {
    public static final String CODE_PREFIX = "code/";
    public static final String TARBALL_SUFFIX = ".tar.gz";
    public static final String ID_PREFIX = "redeploy-";
    static final int ID_HEX_CHARS = 32;

    private RedeployRules() {}

    /** Why the key is not a code tarball, or empty when it is one. */
    public static Optional<String> notACodeTarball(String key) {
        if (key == null || !key.startsWith(CODE_PREFIX)) {
            return Optional.of("the key is not under " + CODE_PREFIX);
        }
        if (!key.endsWith(TARBALL_SUFFIX)) {
            return Optional.of("the key does not end with " + TARBALL_SUFFIX);
        }
        if (key.length() == CODE_PREFIX.length() + TARBALL_SUFFIX.length()) {
            return Optional.of("the key has no name before " + TARBALL_SUFFIX);
        }
        return Optional.empty();
    }

    /**
     * The redeploy's id, the same for every delivery of one upload event (so a repeated
     * event starts nothing new) and different for every upload: bucket, key and ETag name
     * the content; version id and sequencer tell two uploads of the same bytes apart, so
     * "upload it again" after a refusal does start a new redeploy.
     */
    public static String deploymentId(CodeUploadedEvent event) {
        String identity =
                String.join("\n", event.bucket(), event.key(), event.etag(), event.versionId(), event.sequencer());
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return ID_PREFIX + HexFormat.of().formatHex(digest).substring(0, ID_HEX_CHARS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
