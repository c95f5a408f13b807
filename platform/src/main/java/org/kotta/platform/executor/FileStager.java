package org.kotta.platform.executor;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.kotta.platform.core.JobPaths;
import org.kotta.platform.executor.InputRules.HttpsUrl;
import org.kotta.platform.executor.InputRules.RefusedInput;
import org.kotta.platform.executor.InputRules.S3Object;
import org.kotta.platform.executor.InputRules.Source;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Moves a job's files: checked inputs into its work directory, its outputs to {@code outputs/<job_id>/}. */
final class FileStager {
    private final S3Client s3;
    private final String bucket;
    private final long maxFileBytes;
    private final long maxTotalBytes;
    private HttpClient http;

    FileStager(S3Client s3, String bucket, long maxFileBytes, long maxTotalBytes) {
        this.s3 = s3;
        this.bucket = bucket;
        this.maxFileBytes = maxFileBytes;
        this.maxTotalBytes = maxTotalBytes;
    }

    /** Fetches every input; between files {@code between} runs (the message heartbeat). Returns bytes staged. */
    long stageIn(List<Source> inputs, Path workDir, Runnable between) throws RefusedInput, IOException {
        long total = 0;
        for (Source input : inputs) {
            Path target = workDir.resolve(input.dest());
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                throw new RefusedInput(input.url(), "another input already writes " + input.dest());
            }
            long room = Math.min(maxFileBytes, maxTotalBytes - total);
            total += input instanceof S3Object object ? fetchS3(object, target, room)
                    : fetchHttps((HttpsUrl) input, target, room);
            between.run();
        }
        return total;
    }

    private long fetchS3(S3Object object, Path target, long room) throws RefusedInput {
        try {
            long size = s3.headObject(b -> b.bucket(object.bucket()).key(object.key())).contentLength();
            refuseIfTooLarge(object.url(), size, room);
            s3.getObject(b -> b.bucket(object.bucket()).key(object.key()), ResponseTransformer.toFile(target));
            return size;
        } catch (NoSuchKeyException e) {
            throw new RefusedInput(object.url(), "no such object");
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw new RefusedInput(object.url(), "no such object");
            }
            throw new RefusedInput(object.url(), "S3 answered " + e.statusCode() + " " + e.awsErrorDetails().errorCode());
        }
    }

    private long fetchHttps(HttpsUrl url, Path target, long room) throws RefusedInput, IOException {
        HttpRequest request = HttpRequest.newBuilder(url.uri()).timeout(Duration.ofMinutes(30)).GET().build();
        HttpResponse<InputStream> response;
        try {
            response = client().send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching " + url.url(), e);
        } catch (IOException e) {
            throw new RefusedInput(url.url(), "could not be fetched (" + e.getMessage() + ")");
        }
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new RefusedInput(url.url(), "the server answered HTTP " + response.statusCode());
            }
            long declared = response.headers().firstValueAsLong("content-length").orElse(-1);
            if (declared >= 0) {
                refuseIfTooLarge(url.url(), declared, room);
            }
            long copied = 0;
            byte[] buffer = new byte[64 * 1024];
            try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW)) {
                for (int n; (n = body.read(buffer)) > 0; ) {
                    copied += n;
                    refuseIfTooLarge(url.url(), copied, room);
                    out.write(buffer, 0, n);
                }
            }
            return copied;
        }
    }

    private void refuseIfTooLarge(String url, long size, long room) throws RefusedInput {
        if (size > room) {
            throw new RefusedInput(url, "it is larger than the " + room + " bytes a job may still stage (caps: "
                    + maxFileBytes + " per file, " + maxTotalBytes + " in all)");
        }
    }

    /** The outcome of staging outputs: files uploaded and declared files the job did not create. */
    record Uploaded(List<String> uploaded, List<String> missing) {
    }

    /** Uploads each named regular file (never a link) of the work directory to {@code outputs/<job_id>/<name>}. */
    Uploaded stageOut(String jobId, List<String> fileNames, Path workDir, Runnable between) {
        List<String> uploaded = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String name : fileNames) {
            Path file = workDir.resolve(name);
            if (!InputRules.isSafeFileName(name) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                missing.add(name);
                continue;
            }
            s3.putObject(b -> b.bucket(bucket).key(JobPaths.outputKey(jobId, name)), RequestBody.fromFile(file));
            uploaded.add(name);
            between.run();
        }
        return new Uploaded(uploaded, missing);
    }

    private synchronized HttpClient client() {
        if (http == null) {
            http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                    .connectTimeout(Duration.ofSeconds(10)).build();
        }
        return http;
    }
}
