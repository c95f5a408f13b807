package org.kotta.platform.executor;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.function.Predicate;
import org.kotta.platform.core.FileMapping;
import org.kotta.platform.core.JobPaths;

/**
 * Which inputs a job may stage: {@code s3://} objects of the JobsBucket in the submitter's own
 * area or in the outputs of the submitter's own jobs, and {@code https://} URLs anywhere; each
 * to a plain file name inside the work directory.
 */
public final class InputRules {
    private static final int MAX_NAME_LENGTH = 255;

    private final String bucket;
    private final String userId;
    private final Predicate<String> ownsJob;

    /**
     * @param ownsJob whether a job id names a job of this same user (its outputs may be read)
     */
    public InputRules(String bucket, String userId, Predicate<String> ownsJob) {
        this.bucket = bucket;
        this.userId = userId;
        this.ownsJob = ownsJob;
    }

    /** An input the job may stage: where from, and the file it becomes. */
    public sealed interface Source permits S3Object, HttpsUrl {
        String url();

        String dest();
    }

    public record S3Object(String url, String bucket, String key, String dest) implements Source {}

    public record HttpsUrl(String url, URI uri, String dest) implements Source {}

    /** Checks one {@code inputs} entry; refused with a reason naming its URL. */
    public Source check(FileMapping input) throws RefusedInput {
        String url = input.src() == null ? "" : input.src().strip();
        if (url.isEmpty()) {
            throw new RefusedInput(url, "the input has no URL");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new RefusedInput(url, "not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String rawDest = input.dest() == null || input.dest().isBlank()
                ? lastSegment(url)
                : input.dest().strip();
        if (!isSafeFileName(rawDest)) {
            throw new RefusedInput(
                    url,
                    "its file name '" + rawDest + "' must be a plain name in the work directory"
                            + " (no '/', not '.' or '..')");
        }
        return switch (scheme) {
            case "https" -> {
                if (uri.getHost() == null || uri.getHost().isEmpty()) {
                    throw new RefusedInput(url, "the URL has no host");
                }
                yield new HttpsUrl(url, uri, rawDest);
            }
            case "s3" -> checkS3(url, rawDest);
            default ->
                throw new RefusedInput(url, "only s3:// (the stack's JobsBucket) and https:// inputs are allowed");
        };
    }

    private S3Object checkS3(String url, String dest) throws RefusedInput {
        String rest = url.substring("s3://".length());
        int slash = rest.indexOf('/');
        String inBucket = slash < 0 ? rest : rest.substring(0, slash);
        String key = slash < 0 ? "" : rest.substring(slash + 1);
        if (!bucket.equals(inBucket)) {
            throw new RefusedInput(url, "s3:// inputs must come from the stack's JobsBucket (" + bucket + ")");
        }
        if (key.isEmpty() || key.endsWith("/")) {
            throw new RefusedInput(url, "it names no object");
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new RefusedInput(url, "its key has an empty, '.' or '..' part");
            }
        }
        String ownArea = JobPaths.userArea(userId);
        if (key.startsWith(ownArea)) {
            return new S3Object(url, inBucket, key, dest);
        }
        if (key.startsWith(JobPaths.OUTPUTS_PREFIX)) {
            String[] parts = key.split("/");
            if (parts.length >= 3 && ownsJob.test(parts[1])) {
                return new S3Object(url, inBucket, key, dest);
            }
            throw new RefusedInput(url, "it is the output of a job that is not yours");
        }
        throw new RefusedInput(url, "it is outside your own area (" + ownArea + ") and your jobs' outputs");
    }

    /** A plain file name: not empty, no '/', no NUL, not '.' or '..', at most 255 characters. */
    public static boolean isSafeFileName(String name) {
        return name != null
                && !name.isEmpty()
                && name.length() <= MAX_NAME_LENGTH
                && name.indexOf('/') < 0
                && name.indexOf('\0') < 0
                && name.indexOf('\\') < 0
                && !name.equals(".")
                && !name.equals("..")
                && name.chars().noneMatch(Character::isISOControl);
    }

    private static String lastSegment(String url) {
        String path = url;
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }

    /** An input the job may not stage; the message names its URL and why. */
    public static final class RefusedInput extends Exception {
        private final String url;

        public RefusedInput(String url, String reason) {
            super("input " + url + " refused: " + reason);
            this.url = url;
        }

        public String url() {
            return url;
        }
    }
}
