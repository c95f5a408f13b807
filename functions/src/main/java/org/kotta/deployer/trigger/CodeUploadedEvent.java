package org.kotta.deployer.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import org.kotta.deployer.core.S3Location;

/**
 * What the code-upload trigger needs from S3's EventBridge "Object Created" event. The
 * key is as S3 gives it to EventBridge (not URL-encoded, unlike S3's own notifications).
 *
 * @param versionId the object's version (the JobsBucket is versioned), or "" when absent
 * @param sequencer S3's per-key event order, or "" when absent; the same on every delivery of one event
 */
public record CodeUploadedEvent(String bucket, String key, String etag, long size, String versionId, String sequencer) {

    /** Reads an EventBridge event from S3 ({@code detail.bucket.name}, {@code detail.object.*}). */
    public static CodeUploadedEvent fromEventBridge(JsonNode event) {
        JsonNode detail = event.path("detail");
        JsonNode object = detail.path("object");
        return new CodeUploadedEvent(
                detail.path("bucket").path("name").asText(""),
                object.path("key").asText(""),
                object.path("etag").asText(""),
                object.path("size").asLong(0),
                object.path("version-id").asText(""),
                object.path("sequencer").asText(""));
    }

    public String s3Uri() {
        return new S3Location(bucket, key).toString();
    }
}
