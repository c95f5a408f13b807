package org.kotta.deployer.trigger;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.kotta.deployer.core.Log;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Tag;

/**
 * Leaves the code-upload trigger's decision to skip an upload on the uploaded object itself, as
 * the tag {@code kotta-trigger = skipped: <reason>}: an admin whose upload started nothing finds
 * why beside the object (S3 console, {@code get-object-tagging}), and a test waits for the tag
 * instead of waiting a while for nothing. The reason names only the bucket and key rules, never
 * a request or a secret. The object's other tags are kept. Best effort: a tag that cannot be
 * written (object gone, a bucket of another account, ten tags already) is logged, and the
 * decision stands.
 */
public final class CodeUploadedSkipTag {
    public static final String KEY = "kotta-trigger";
    public static final String PREFIX = "skipped: ";
    /** S3's limits: ten tags per object, 256 characters per value. */
    static final int MAX_TAGS = 10;

    static final int MAX_VALUE_CHARS = 256;

    private final S3Client s3;

    public CodeUploadedSkipTag(S3Client s3) {
        this.s3 = s3;
    }

    public void write(CodeUploadedEvent event, String reason) {
        if (event.bucket().isBlank() || event.key().isBlank()) {
            return; // an event naming no object: nothing to tag
        }
        String versionId = event.versionId().isEmpty() ? null : event.versionId();
        try {
            List<Tag> tags = new ArrayList<>(s3.getObjectTagging(
                            b -> b.bucket(event.bucket()).key(event.key()).versionId(versionId))
                    .tagSet());
            tags.removeIf(tag -> tag.key().equals(KEY));
            if (tags.size() >= MAX_TAGS) {
                log("skip not tagged: the object has " + MAX_TAGS + " tags already", event);
                return;
            }
            tags.add(Tag.builder().key(KEY).value(value(reason)).build());
            s3.putObjectTagging(b -> b.bucket(event.bucket())
                    .key(event.key())
                    .versionId(versionId)
                    .tagging(t -> t.tagSet(tags)));
        } catch (SdkException e) {
            log("skip not tagged: " + e.getClass().getSimpleName(), event);
        }
    }

    /** The tag's value: S3 allows letters, digits, spaces and {@code + - = . _ : / @}, 256 at most. */
    static String value(String reason) {
        String text = (PREFIX + reason).replaceAll("[^\\p{L}\\p{N} +\\-=._:/@]", "_");
        return text.length() <= MAX_VALUE_CHARS ? text : text.substring(0, MAX_VALUE_CHARS);
    }

    private static void log(String message, CodeUploadedEvent event) {
        Log.forDeployment(null, CodeUploaded.STATE).info(message, Map.of("bucket", event.bucket(), "key", event.key()));
    }
}
