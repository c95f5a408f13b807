package org.kotta.platform.web;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.kotta.platform.core.JobPaths;
import org.kotta.platform.core.JobRecord;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The researcher's files. Small files: the page's upload form, through the server
 * ({@code POST /files/upload}, capped). Big ones: presigned PUTs straight to S3, into the user's own area,
 * with the size signed into the URL (so S3 refuses a bigger body): {@code POST /files/upload_url}
 * (form fields {@code name}, {@code size}, {@code csrf}) answers {@code {"url", "key", "expires_in"}}
 * for a client or script to PUT to. Files pass through no web server. {@code GET /files} lists
 * the user's area and their jobs' outputs, as short-lived download links.
 */
final class FilePages extends Pages {
    static final long MAX_UPLOAD_BYTES = 5L * 1024 * 1024 * 1024;
    static final int MAX_FORM_UPLOAD_BYTES = 20 * 1024 * 1024;
    /** The upload form's whole body: the file and the form's few other bytes. */
    static final int FORM_UPLOAD_BODY = MAX_FORM_UPLOAD_BYTES + 64 * 1024;

    private static final long FORM_UPLOAD_WAIT_SECONDS = 60;
    private final Outputs outputs;
    /**
     * Form uploads are held in memory while they are parsed (the body and the file's copy, some
     * 60 MiB at the cap): two or three at once would exhaust the web server's 128 MiB heap.
     */
    private final Semaphore formUploads = new Semaphore(1);

    FilePages(Web web, Outputs outputs) {
        super(web);
        this.outputs = outputs;
    }

    void list(Request r) throws IOException {
        Optional<Signed> signed = signedIn(r);
        if (signed.isEmpty()) {
            return;
        }
        String area = JobPaths.userArea(signed.get().userId());
        List<Map<String, Object>> files = new ArrayList<>();
        for (S3Object object : outputs.area(signed.get().userId())) {
            files.add(Map.of(
                    "name",
                    object.key().substring(area.length()),
                    "size",
                    object.size(),
                    "url",
                    outputs.presignGet(object.key())));
        }
        List<Map<String, Object>> jobs = new ArrayList<>();
        for (JobRecord job : web.jobs().listForUser(signed.get().userId(), 50)) {
            if (job.status().isFinal()) {
                jobs.add(Map.of(
                        "id",
                        job.jobId(),
                        "name",
                        JobPages.nonNull(job.jobName()),
                        "outputsUrl",
                        "/jobs/" + job.jobId()));
            }
        }
        Map<String, Object> model = model(signed.get());
        model.put("files", files);
        model.put("jobs", jobs);
        model.put("area", "s3://" + web.bucket() + "/" + area);
        model.put("maxGiB", MAX_UPLOAD_BYTES / (1024 * 1024 * 1024));
        model.put("maxFormMiB", MAX_FORM_UPLOAD_BYTES / (1024 * 1024));
        render(r, 200, "files", model);
    }

    /**
     * {@code POST /files/upload}: the page's form (multipart, fields {@code csrf} and {@code file}),
     * for files up to {@link #MAX_FORM_UPLOAD_BYTES}; bigger ones go through {@code /files/upload_url}.
     */
    void upload(Request r) throws IOException {
        // the body is read into memory: only for a signed-in user, at most FORM_UPLOAD_BODY bytes, one at a time
        Optional<Signed> signed = current(r);
        if (signed.isEmpty()) {
            forgedForm(r);
            return;
        }
        Optional<String> boundary = Multipart.boundary(r.header("Content-Type").orElse(null));
        if (boundary.isEmpty()) {
            error(r, 400, "file: send the upload form (multipart/form-data)");
            return;
        }
        if (r.header("Content-Length").map(FilePages::parseLength).orElse(0L) > FORM_UPLOAD_BODY) {
            tooLargeForTheForm(r);
            return;
        }
        try {
            if (!formUploads.tryAcquire(FORM_UPLOAD_WAIT_SECONDS, TimeUnit.SECONDS)) {
                error(r, 503, "file: another upload is being received; try again in a minute");
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting to receive an upload", e);
        }
        try {
            receive(r, boundary.get(), signed.get());
        } finally {
            formUploads.release();
        }
    }

    private void receive(Request r, String boundary, Signed signed) throws IOException {
        Map<String, Multipart.Part> parts = Multipart.parse(r.readBody(FORM_UPLOAD_BODY), boundary);
        Multipart.Part csrf = parts.get("csrf");
        if (csrf == null || !signed.session().csrfMatches(csrf.text())) {
            forgedForm(r);
            return;
        }
        Multipart.Part file = parts.get("file");
        String name = file == null || file.fileName() == null
                ? null
                : file.fileName()
                        .substring(Math.max(
                                        file.fileName().lastIndexOf('/'),
                                        file.fileName().lastIndexOf('\\'))
                                + 1);
        if (!JobSubmission.isFileName(name)) {
            error(r, 400, "file: pick a file whose name is a plain file name (letters, digits, . _ + -)");
            return;
        }
        if (file.data().length > MAX_FORM_UPLOAD_BYTES) {
            tooLargeForTheForm(r);
            return;
        }
        String key = JobPaths.userArea(signed.userId()) + name;
        web.clients()
                .s3()
                .putObject(
                        b -> b.bucket(web.bucket()).key(key),
                        software.amazon.awssdk.core.sync.RequestBody.fromBytes(file.data()));
        r.redirect("/files");
    }

    private void tooLargeForTheForm(Request r) throws IOException {
        error(r, 413, "file: larger than " + MAX_FORM_UPLOAD_BYTES / (1024 * 1024) + " MiB; use /files/upload_url");
    }

    private static long parseLength(String value) {
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    void uploadUrl(Request r) throws IOException {
        Optional<Signed> signed = postedForm(r);
        if (signed.isEmpty()) {
            return;
        }
        String name = r.field("name");
        long size;
        try {
            size = Long.parseLong(r.field("size") == null ? "" : r.field("size").strip());
        } catch (NumberFormatException e) {
            r.json(400, RestAnswers.fail("size: the file's size in bytes is needed"));
            return;
        }
        if (!JobSubmission.isFileName(name)) {
            r.json(400, RestAnswers.fail("name: not a plain file name (letters, digits, . _ + -)"));
            return;
        }
        if (size <= 0 || size > MAX_UPLOAD_BYTES) {
            r.json(400, RestAnswers.fail("size: must be between 1 byte and " + MAX_UPLOAD_BYTES + " bytes"));
            return;
        }
        String key = JobPaths.userArea(signed.get().userId()) + name;
        String url = web.clients()
                .presigner()
                .presignPutObject(b -> b.signatureDuration(Web.PRESIGN_LIFETIME)
                        .putObjectRequest(p -> p.bucket(web.bucket()).key(key).contentLength(size)))
                .url()
                .toString();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("status", "Success");
        answer.put("url", url);
        answer.put("key", key);
        answer.put("expires_in", Web.PRESIGN_LIFETIME.toSeconds());
        answer.put("issued_at", Instant.now().getEpochSecond());
        r.json(200, answer);
    }
}
