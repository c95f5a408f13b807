package org.kotta.platform.executor;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.kotta.platform.core.JobPaths;
import org.kotta.platform.executor.InputRules.HttpsUrl;
import org.kotta.platform.executor.InputRules.RefusedInput;
import org.kotta.platform.executor.InputRules.S3Object;
import org.kotta.platform.executor.InputRules.Source;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Moves a job's files: checked inputs into its work directory, its outputs to {@code outputs/<job_id>/}.
 * A transfer calls its {@code progress} callback after every chunk of {@value #CHUNK} bytes, so the
 * caller's time-gated heartbeat keeps the job's message invisible however long one file takes.
 */
final class FileStager {
    /** Bytes between two calls of a transfer's progress callback. */
    static final int CHUNK = 64 * 1024;

    private final S3Client s3;
    private final String bucket;
    private final long maxFileBytes;
    private final long maxTotalBytes;
    private final long maxOutputBytes;
    private static final Duration CONNECT = Duration.ofSeconds(30);
    private static final Duration READ_IDLE = Duration.ofSeconds(60);

    FileStager(S3Client s3, String bucket, long maxFileBytes, long maxTotalBytes, long maxOutputBytes) {
        this.s3 = s3;
        this.bucket = bucket;
        this.maxFileBytes = maxFileBytes;
        this.maxTotalBytes = maxTotalBytes;
        this.maxOutputBytes = maxOutputBytes;
    }

    /** Fetches every input, calling {@code progress} as the bytes flow (the message heartbeat). Returns bytes staged. */
    long stageIn(List<Source> inputs, Path workDir, Runnable progress) throws RefusedInput, IOException {
        long total = 0;
        for (Source input : inputs) {
            Path target = workDir.resolve(input.dest());
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                throw new RefusedInput(input.url(), "another input already writes " + input.dest());
            }
            long room = Math.min(maxFileBytes, maxTotalBytes - total);
            total += input instanceof S3Object object
                    ? fetchS3(object, target, room, progress)
                    : fetchHttps((HttpsUrl) input, target, room, progress);
            progress.run();
        }
        return total;
    }

    private long fetchS3(S3Object object, Path target, long room, Runnable progress) throws RefusedInput, IOException {
        try {
            long size = s3.headObject(b -> b.bucket(object.bucket()).key(object.key()))
                    .contentLength();
            refuseIfTooLarge(object.url(), size, room);
            try (InputStream body = s3.getObject(b -> b.bucket(object.bucket()).key(object.key()))) {
                return copy(object.url(), body, target, room, progress);
            }
        } catch (NoSuchKeyException e) {
            throw new RefusedInput(object.url(), "no such object");
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw new RefusedInput(object.url(), "no such object");
            }
            throw new RefusedInput(
                    object.url(),
                    "S3 answered " + e.statusCode() + " " + e.awsErrorDetails().errorCode());
        }
    }

    /**
     * An https input. Every read waits at most {@link #READ_IDLE}: a server that stops sending
     * fails the input (naming it) instead of holding the executor, whose heartbeats ride on the
     * transfer's progress, until another takes the job over.
     */
    private long fetchHttps(HttpsUrl url, Path target, long room, Runnable progress) throws RefusedInput, IOException {
        HttpURLConnection connection;
        int status;
        try {
            connection = (HttpURLConnection) url.uri().toURL().openConnection();
            connection.setConnectTimeout((int) CONNECT.toMillis());
            connection.setReadTimeout((int) READ_IDLE.toMillis());
            connection.setInstanceFollowRedirects(true);
            status = connection.getResponseCode();
        } catch (IOException e) {
            throw new RefusedInput(url.url(), "could not be fetched (" + e.getMessage() + ")");
        }
        try {
            if (status != 200) {
                throw new RefusedInput(url.url(), "the server answered HTTP " + status);
            }
            long declared = connection.getContentLengthLong();
            if (declared >= 0) {
                refuseIfTooLarge(url.url(), declared, room);
            }
            try (InputStream body = connection.getInputStream()) {
                return copy(url.url(), body, target, room, progress);
            } catch (SocketTimeoutException e) {
                throw new RefusedInput(url.url(), "the server sent nothing for " + READ_IDLE.toSeconds() + " s");
            }
        } finally {
            connection.disconnect();
        }
    }

    /** Copies a body into a new file, refusing it past {@code room} bytes, calling {@code progress} after each chunk. */
    private long copy(String url, InputStream body, Path target, long room, Runnable progress)
            throws RefusedInput, IOException {
        long copied = 0;
        byte[] buffer = new byte[CHUNK];
        try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW)) {
            for (int n; (n = body.read(buffer)) > 0; ) {
                copied += n;
                refuseIfTooLarge(url, copied, room);
                out.write(buffer, 0, n);
                progress.run();
            }
        }
        return copied;
    }

    private void refuseIfTooLarge(String url, long size, long room) throws RefusedInput {
        if (size > room) {
            throw new RefusedInput(
                    url,
                    "it is larger than the " + room + " bytes a job may still stage (caps: " + maxFileBytes
                            + " per file, " + maxTotalBytes + " in all)");
        }
    }

    /**
     * The outcome of staging outputs: files uploaded, and files not uploaded ({@code missing}: not
     * made, not a regular file, or {@code tooLarge}: over the output cap).
     */
    record Uploaded(List<String> uploaded, List<String> missing, List<String> tooLarge) {}

    /**
     * Uploads each named regular file of the work directory to {@code outputs/<job_id>/<name>}:
     * opened without following a link ({@code O_NOFOLLOW}) and uploaded from that open file, so a
     * link the job left (to a file only the executor may read) is never followed. A file larger
     * than the output cap is not uploaded and counts as missing. Called once no process of the job
     * is left, so nothing swaps a file between the check and the open.
     */
    Uploaded stageOut(String jobId, List<String> fileNames, Path workDir, Runnable progress) throws IOException {
        List<String> uploaded = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<String> tooLarge = new ArrayList<>();
        for (String name : fileNames) {
            Path file = workDir.resolve(name);
            if (!InputRules.isSafeFileName(name) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                missing.add(name);
                continue;
            }
            try (SeekableByteChannel channel =
                    Files.newByteChannel(file, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
                long size = channel.size();
                if (size > maxOutputBytes) {
                    missing.add(name);
                    tooLarge.add(name);
                    continue;
                }
                ContentStreamProvider content = () -> {
                    try {
                        channel.position(0);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    return new ProgressStream(Channels.newInputStream(channel), progress);
                };
                s3.putObject(
                        b -> b.bucket(bucket).key(JobPaths.outputKey(jobId, name)),
                        RequestBody.fromContentProvider(content, size, contentTypeOf(name)));
            }
            uploaded.add(name);
            progress.run();
        }
        return new Uploaded(uploaded, missing, tooLarge);
    }

    /**
     * The type a browser opening the output's link sees: by the file name, from the JDK's own table
     * (text/plain for .txt, image/png …), so foo.txt shows in the browser instead of downloading.
     */
    static String contentTypeOf(String fileName) {
        String type = java.net.URLConnection.getFileNameMap().getContentTypeFor(fileName);
        return type == null ? "application/octet-stream" : type;
    }

    /** Reads through to a channel's stream (never closing the channel) and reports progress every chunk read. */
    static final class ProgressStream extends FilterInputStream {
        private final Runnable progress;
        private long sinceLast;

        ProgressStream(InputStream in, Runnable progress) {
            super(in);
            this.progress = progress;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count(b < 0 ? 0 : 1);
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            count(Math.max(n, 0));
            return n;
        }

        private void count(int n) {
            sinceLast += n;
            while (sinceLast >= CHUNK) {
                sinceLast -= CHUNK;
                progress.run();
            }
        }

        @Override
        public void close() {
            // the channel is closed by its owner, after every attempt of the upload
        }
    }
}
