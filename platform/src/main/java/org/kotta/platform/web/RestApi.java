package org.kotta.platform.web;

import java.io.IOException;
import java.time.Instant;
import java.util.Optional;
import org.kotta.platform.core.JobRecord;
import org.kotta.platform.core.UserRecord;

/**
 * Cloud Kotta's v1 REST API: {@code submit_task}, {@code status_task/<id>}, {@code list_tasks},
 * {@code cancel_task/<id>}. Every call needs an access token ({@code access_token} field or
 * query parameter, or {@code Authorization: Bearer}) that the provider accepts and that
 * belongs to an active user; otherwise 401 and a JSON refusal, and nothing is written.
 */
final class RestApi {
    static final String PREFIX = "/rest/v1/";
    /** What a job id can look like (a UUID; the pages' pattern): anything else is no job, not a key to look up. */
    private static final java.util.regex.Pattern JOB_ID = java.util.regex.Pattern.compile("[0-9A-Za-z-]{1,64}");

    private final Web web;
    private final Outputs outputs;

    RestApi(Web web, Outputs outputs) {
        this.web = web;
        this.outputs = outputs;
    }

    void handle(Request r) throws IOException {
        String rest = r.path().substring(PREFIX.length());
        int slash = rest.indexOf('/');
        String call = slash < 0 ? rest : rest.substring(0, slash);
        String jobId = slash < 0 ? null : rest.substring(slash + 1);
        boolean post = "POST".equals(r.method());
        boolean known = switch (call) {
            case "submit_task" -> post && jobId == null;
            case "cancel_task" -> post && jobId != null;
            case "status_task" -> !post && jobId != null;
            case "list_tasks" -> !post && jobId == null;
            default -> false;
        };
        if (!known) {
            r.json(404, RestAnswers.fail("no such call: " + r.method() + " " + r.path()));
            return;
        }
        Optional<JobSubmission.Submitter> who = authenticate(r);
        if (who.isEmpty()) {
            return;
        }
        String userId = who.get().userId();
        if (jobId != null && !JOB_ID.matcher(jobId).matches()) {
            r.json(
                    404,
                    RestAnswers.fail(
                            "job " + (jobId.length() > 64 ? jobId.substring(0, 64) + "…" : jobId) + " not found"));
            return;
        }
        switch (call) {
            case "submit_task" -> {
                try {
                    JobRecord job = web.submission().submit(JobSubmission.Fields.from(r.form()), who.get());
                    r.json(200, RestAnswers.submitted(job.jobId()));
                } catch (JobSubmission.Invalid invalid) {
                    r.json(400, RestAnswers.fail(invalid.getMessage()));
                }
            }
            case "status_task" -> {
                Optional<JobRecord> job = web.jobs().findOwned(jobId, userId);
                if (job.isEmpty()) {
                    r.json(404, RestAnswers.fail("job " + jobId + " not found"));
                } else {
                    r.json(200, RestAnswers.status(job.get(), outputs::linkIfPresent));
                }
            }
            case "list_tasks" -> r.json(200, RestAnswers.list(web.jobs().listForUser(userId, JobPages.LIST_LIMIT)));
            default -> {
                Optional<JobRecord> owned = web.jobs().findOwned(jobId, userId);
                if (owned.isEmpty()) {
                    r.json(404, RestAnswers.fail("job " + jobId + " not found"));
                    return;
                }
                Optional<JobRecord> cancelled =
                        web.jobs().requestCancel(owned.get(), Instant.now().getEpochSecond());
                if (cancelled.isEmpty()) {
                    r.json(409, RestAnswers.fail("job " + jobId + " has already ended"));
                } else {
                    r.json(200, RestAnswers.cancelled(cancelled.get()));
                }
            }
        }
    }

    private Optional<JobSubmission.Submitter> authenticate(Request r) throws IOException {
        String token = r.header("Authorization")
                .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(h -> h.substring(7).strip())
                .orElse(null);
        if (token == null || token.isEmpty()) {
            token = r.queryParam("access_token");
        }
        if (token == null || token.isEmpty()) {
            token = r.field("access_token");
        }
        if (token == null || token.isEmpty()) {
            r.json(401, RestAnswers.fail("an access token is needed (access_token, or Authorization: Bearer)"));
            return Optional.empty();
        }
        Identity identity;
        try {
            identity = web.tokens().identify(token);
        } catch (IdentityProvider.Refused refused) {
            r.json(401, RestAnswers.fail("the access token is not valid: " + refused.getMessage()));
            return Optional.empty();
        }
        Optional<UserRecord> user = web.users().find(identity.email());
        if (user.isEmpty() || !user.get().mayUseKotta()) {
            r.json(401, RestAnswers.fail(identity.email() + " is not registered with this Cloud Kotta; ask an admin"));
            return Optional.empty();
        }
        return Optional.of(new JobSubmission.Submitter(
                identity.userId(), identity.name(), user.get().email()));
    }
}
