package org.kotta.platform.web;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.kotta.platform.core.FileMapping;
import org.kotta.platform.core.JobPaths;
import org.kotta.platform.core.JobRecord;

/** The researcher's pages: job list, submit form, job page, cancel, resubmit. */
final class JobPages extends Pages {
    static final int LIST_LIMIT = 200;
    private final Outputs outputs;

    JobPages(Web web, Outputs outputs) {
        super(web);
        this.outputs = outputs;
    }

    void list(Request r) throws IOException {
        Optional<Signed> signed = signedIn(r);
        if (signed.isEmpty()) {
            return;
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (JobRecord job : web.jobs().listForUser(signed.get().userId(), LIST_LIMIT)) {
            rows.add(Map.of(
                    "id",
                    job.jobId(),
                    "name",
                    nonNull(job.jobName()),
                    "status",
                    job.status().wireName(),
                    "queue",
                    job.queue().wireName(),
                    "submitted",
                    nonNull(job.submitStamp())));
        }
        Map<String, Object> model = model(signed.get());
        model.put("jobs", rows);
        model.put("none", rows.isEmpty());
        render(r, 200, "jobs", model);
    }

    void form(Request r, JobSubmission.Fields prefill, List<String> errors) throws IOException {
        Optional<Signed> signed = signedIn(r);
        if (signed.isEmpty()) {
            return;
        }
        showForm(r, signed.get(), prefill, errors);
    }

    private void showForm(Request r, Signed signed, JobSubmission.Fields f, List<String> errors) throws IOException {
        Map<String, Object> model = model(signed);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("jobname", f == null ? "" : nonNull(f.jobname()));
        fields.put("script", f == null ? "#!/bin/bash\necho Hello World > foo.txt\n" : nonNull(f.script()));
        fields.put("script_name", f == null ? "test.sh" : nonNull(f.scriptName()));
        fields.put("executable", f == null ? "/bin/bash" : nonNull(f.executable()));
        fields.put("args", f == null ? "test.sh" : nonNull(f.args()));
        fields.put("inputs", f == null ? "" : nonNull(f.inputs()));
        fields.put("outputs", f == null ? "foo.txt" : nonNull(f.outputs()));
        fields.put("walltime", f == null ? "5" : nonNull(f.walltime()));
        fields.put("testQueue", f == null || !"Prod".equals(f.queue()));
        fields.put("prodQueue", f != null && "Prod".equals(f.queue()));
        model.put("f", fields);
        List<String> picked = f == null ? List.of() : f.uploaded();
        model.put(
                "uploads",
                outputs.area(signed.userId()).stream()
                        .map(o -> {
                            String name = o.key()
                                    .substring(
                                            JobPaths.userArea(signed.userId()).length());
                            return Map.of("name", name, "picked", picked.contains(name));
                        })
                        .filter(m -> JobSubmission.isFileName((String) m.get("name")))
                        .collect(Collectors.toList()));
        model.put("errors", errors);
        render(r, errors.isEmpty() ? 200 : 400, "submit", model);
    }

    void submit(Request r) throws IOException {
        Optional<Signed> signed = postedForm(r);
        if (signed.isEmpty()) {
            return;
        }
        JobSubmission.Fields fields = JobSubmission.Fields.from(r.form());
        try {
            JobRecord job = web.submission().submit(fields, submitter(signed.get()));
            r.redirect("/jobs/" + job.jobId());
        } catch (JobSubmission.Invalid invalid) {
            showForm(r, signed.get(), fields, invalid.errors());
        }
    }

    void page(Request r, String jobId) throws IOException {
        Optional<Owned> owned = signedInOwner(r, jobId);
        if (owned.isEmpty()) {
            return;
        }
        JobRecord job = owned.get().job();
        Map<String, Object> model = model(owned.get().signed());
        model.put("job", JobView.of(job));
        model.put("ended", job.status().isFinal());
        model.put("refresh", !job.status().isFinal());
        model.put("cancellable", !job.status().isFinal() && !job.cancelRequested());
        if (job.status().isFinal()) {
            List<Map<String, Object>> links = new ArrayList<>();
            for (FileMapping output : job.outputs()) {
                Optional<String> link = outputs.linkIfPresent(output);
                links.add(Map.of("name", nonNull(output.src()), "url", link.orElse(""), "present", link.isPresent()));
            }
            model.put("outputs", links);
            outputs.head(job.jobId(), job.stdoutFile()).ifPresent(text -> model.put("stdout", text));
            outputs.head(job.jobId(), job.stderrFile()).ifPresent(text -> model.put("stderr", text));
        }
        render(r, 200, "job", model);
    }

    void cancel(Request r, String jobId) throws IOException {
        Optional<Signed> signed = postedForm(r);
        if (signed.isEmpty()) {
            return;
        }
        Optional<JobRecord> job = owned(r, jobId, signed.get());
        if (job.isEmpty()) {
            return;
        }
        web.jobs().requestCancel(job.get(), Instant.now().getEpochSecond());
        r.redirect("/jobs/" + jobId);
    }

    void resubmit(Request r, String jobId) throws IOException {
        Optional<Owned> owned = signedInOwner(r, jobId);
        if (owned.isEmpty()) {
            return;
        }
        Signed signed = owned.get().signed();
        JobRecord job = owned.get().job();
        List<String> declared = job.outputs().stream()
                .map(FileMapping::src)
                .filter(name -> !name.equals(job.stdoutFile()) && !name.equals(job.stderrFile()))
                .toList();
        String area = "s3://" + web.bucket() + "/" + JobPaths.userArea(signed.userId());
        List<String> urls = new ArrayList<>();
        List<String> uploaded = new ArrayList<>();
        for (FileMapping input : job.inputs()) {
            if (input.src().startsWith(area)) {
                uploaded.add(input.src().substring(area.length()));
            } else {
                urls.add(input.src());
            }
        }
        JobSubmission.Fields fields = new JobSubmission.Fields(
                job.jobType(),
                job.jobName(),
                job.script(),
                job.scriptName(),
                job.executable(),
                job.args(),
                String.join("\n", urls),
                uploaded,
                String.join(", ", declared),
                job.stdoutFile(),
                job.stderrFile(),
                Long.toString(Math.max(1, job.walltimeSeconds() / 60)),
                job.queue().wireName());
        showForm(r, signed, fields, List.of());
    }

    private record Owned(Signed signed, JobRecord job) {}

    /** The signed-in user and their job {@code jobId}; otherwise answers (sign-in page, 404) and gives empty. */
    private Optional<Owned> signedInOwner(Request r, String jobId) throws IOException {
        Optional<Signed> signed = signedIn(r);
        if (signed.isEmpty()) {
            return Optional.empty();
        }
        return owned(r, jobId, signed.get()).map(job -> new Owned(signed.get(), job));
    }

    /** The job if {@code signed} owns it; otherwise answers 404 (another user's job is not found either). */
    private Optional<JobRecord> owned(Request r, String jobId, Signed signed) throws IOException {
        Optional<JobRecord> found = web.jobs().findOwned(jobId, signed.userId());
        if (found.isEmpty()) {
            error(r, 404, "No such job.");
        }
        return found;
    }

    static JobSubmission.Submitter submitter(Signed signed) {
        String name = signed.session().name();
        return new JobSubmission.Submitter(
                signed.userId(),
                name == null || name.isBlank() ? signed.user().email() : name,
                signed.user().email());
    }

    static String nonNull(String value) {
        return value == null ? "" : value;
    }
}
