package org.kotta.platform.web;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.kotta.platform.core.FileMapping;
import org.kotta.platform.core.JobPaths;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/** A job's files in the JobsBucket: presigned links, the head of stdout/stderr, a user's area. */
final class Outputs {
    static final int LOG_CAP = 64 * 1024;
    private final Web web;

    Outputs(Web web) {
        this.web = web;
    }

    /** A short-lived GET link to an output, when the file is there. */
    Optional<String> linkIfPresent(FileMapping output) {
        String key = keyOf(output);
        if (key == null) {
            return Optional.empty();
        }
        try {
            web.clients().s3().headObject(b -> b.bucket(web.bucket()).key(key));
        } catch (S3Exception missing) {
            return Optional.empty();
        }
        return Optional.of(presignGet(key));
    }

    String presignGet(String key) {
        return web.clients()
                .presigner()
                .presignGetObject(b -> b.signatureDuration(Web.PRESIGN_LIFETIME)
                        .getObjectRequest(g -> g.bucket(web.bucket()).key(key)))
                .url()
                .toString();
    }

    /** The first {@link #LOG_CAP} bytes of {@code outputs/<job_id>/<file>}, empty when missing. */
    Optional<String> head(String jobId, String file) {
        try (ResponseInputStream<GetObjectResponse> in = web.clients()
                .s3()
                .getObject(b -> b.bucket(web.bucket())
                        .key(JobPaths.outputKey(jobId, file))
                        .range("bytes=0-" + (LOG_CAP - 1)))) {
            byte[] bytes = ((InputStream) in).readNBytes(LOG_CAP);
            boolean more = in.response().contentRange() != null
                    && !in.response().contentRange().endsWith("/" + bytes.length);
            return Optional.of(new String(bytes, StandardCharsets.UTF_8)
                    + (more ? "\n… (cut at 64 KiB; download the file for the rest)" : ""));
        } catch (NoSuchKeyException missing) {
            return Optional.empty();
        } catch (S3Exception | IOException e) {
            return Optional.empty();
        }
    }

    /** The files of a user's own area, by name. */
    List<S3Object> area(String userId) {
        String prefix = JobPaths.userArea(userId);
        List<S3Object> files = new ArrayList<>();
        web.clients()
                .s3()
                .listObjectsV2Paginator(b -> b.bucket(web.bucket()).prefix(prefix))
                .contents()
                .forEach(files::add);
        return files;
    }

    /** {@code bucket/key} of an output mapping, if it is in our bucket. */
    String keyOf(FileMapping output) {
        String dest = output.dest();
        String mine = web.bucket() + "/";
        return dest != null && dest.startsWith(mine) ? dest.substring(mine.length()) : null;
    }
}
