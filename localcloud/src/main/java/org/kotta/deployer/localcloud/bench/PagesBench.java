package org.kotta.deployer.localcloud.bench;

import static org.kotta.deployer.localcloud.bench.PlatformBench.RUNNER;
import static org.kotta.deployer.localcloud.bench.PlatformBench.millis;
import static org.kotta.deployer.localcloud.bench.PlatformBench.samples;
import static org.kotta.deployer.localcloud.bench.PlatformBench.trivialJobFields;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import org.kotta.deployer.core.Json;
import org.kotta.deployer.localcloud.platform.LocalPlatformStack;
import org.kotta.deployer.localcloud.platform.WebSession;
import org.kotta.platform.core.JobItems;
import org.kotta.platform.core.JobRecord;
import org.kotta.platform.core.Wiring;
import org.kotta.platform.web.JobSubmission;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The pages part of {@link PlatformBench}: the job list and a job page, signed in as a user with
 * {@link #TABLE_JOBS} jobs in the table, beside a static file (the noise floor), the web server's
 * own timing of the same requests and the local cloud's time for the list's query alone.
 */
final class PagesBench {
    static final int TABLE_JOBS = 1000;
    static final int PAGE_WARMUP = 20;
    static final int PAGE_REQUESTS = 200;

    private final LocalPlatformStack stack;
    private final PlatformProcess web;
    private final Consumer<String> progress;

    PagesBench(LocalPlatformStack stack, PlatformProcess web, Consumer<String> progress) {
        this.stack = stack;
        this.web = web;
        this.progress = progress;
    }

    /** Fills the table, then times the pages; the figures go under {@code out}'s {@code pages}. */
    void measure(ObjectNode out) throws Exception {
        String jobId = stack.jobs.listForUser(RUNNER, 1).get(0).jobId();
        long t = System.nanoTime();
        fillTable(RUNNER);
        out.put("tableFillSeconds", Stats.round(millis(t) / 1000));
        int owned = stack.jobs.listForUser(RUNNER, 5000).size();
        WebSession browser = new WebSession(web.url());
        HttpResponse<String> signedIn = browser.signIn(RUNNER);
        if (signedIn.statusCode() != 303 || !browser.hasCookie("kotta_session")) {
            throw new IllegalStateException("sign-in as " + RUNNER + " answered " + signedIn.statusCode());
        }
        Map<String, List<Double>> samples = new LinkedHashMap<>();
        Map<String, Integer> bytes = new HashMap<>();
        Map<String, String> paths = new LinkedHashMap<>();
        paths.put("list", "/jobs");
        paths.put("job", "/jobs/" + jobId);
        // no AWS call, no template: what this machine and the HTTP path alone cost (the noise floor)
        paths.put("static", "/static/kotta.css");
        for (int i = 0; i < PAGE_WARMUP + PAGE_REQUESTS; i++) {
            for (var page : paths.entrySet()) {
                long t0 = System.nanoTime();
                HttpResponse<String> answer = browser.get(page.getValue());
                double ms = millis(t0);
                if (answer.statusCode() != 200) {
                    throw new IllegalStateException("GET " + page.getValue() + " answered " + answer.statusCode());
                }
                if (i >= PAGE_WARMUP) {
                    samples.computeIfAbsent(page.getKey(), k -> new ArrayList<>())
                            .add(ms);
                    bytes.put(page.getKey(), answer.body().length());
                }
            }
        }
        ObjectNode node = out.putObject("pages");
        node.set("ministackQuery", queryFloor(RUNNER));
        node.put("jobsOfTheUser", owned);
        node.put("requests", PAGE_REQUESTS);
        node.put("warmup", PAGE_WARMUP);
        node.put("session", "real sign-in: /login → local identity provider's sign-in page → /handle_login");
        Map<String, String> shown = Map.of(
                "list",
                "/jobs",
                "job",
                "/jobs/{id} (a completed job: outputs, stdout, stderr)",
                "static",
                "/static/kotta.css (noise floor)");
        for (var page : paths.entrySet()) {
            ObjectNode p = node.putObject(page.getKey());
            p.put("path", shown.get(page.getKey()));
            p.set("ms", samples(samples.get(page.getKey())));
            p.set("serverMs", samples(serverMillis(page.getValue())));
            p.put("bodyBytes", bytes.get(page.getKey()));
        }
        progress.accept("platform: pages " + node);
    }

    /**
     * What the local cloud alone takes for the job list's query: the {@code by-user} Query of
     * 200 items as the list page asks, beside the same Query of 1 item, from this JVM.
     */
    private ObjectNode queryFloor(String userId) {
        Map<Integer, List<Double>> byLimit = new TreeMap<>();
        for (int i = 0; i < 60; i++) {
            for (int limit : List.of(1, 200)) {
                long t0 = System.nanoTime();
                stack.jobs.listForUser(userId, limit);
                if (i >= 10) {
                    byLimit.computeIfAbsent(limit, k -> new ArrayList<>()).add(millis(t0));
                }
            }
        }
        ObjectNode node = Json.MAPPER.createObjectNode();
        byLimit.forEach((limit, ms) -> node.set("limit" + limit, samples(ms)));
        return node;
    }

    /**
     * The web server's own timing of the counted requests to {@code path} (its log line per
     * request: method, path, status, whole milliseconds from routing to the response sent).
     */
    private List<Double> serverMillis(String path) {
        List<Double> ms = new ArrayList<>();
        String prefix = "GET " + path + " 200 ";
        web.logText()
                .lines()
                .filter(line -> line.startsWith(prefix) && line.endsWith(" ms"))
                .forEach(line -> ms.add(Double.parseDouble(line.substring(prefix.length(), line.length() - 3))));
        return ms.subList(Math.max(0, ms.size() - PAGE_REQUESTS), ms.size());
    }

    /** {@link #TABLE_JOBS} ended jobs of one user, one a minute back in time, written 25 to a BatchWriteItem. */
    private void fillTable(String email) {
        long now = Instant.now().getEpochSecond();
        List<WriteRequest> batch = new ArrayList<>();
        for (int i = 0; i < TABLE_JOBS; i++) {
            Instant submitted = Instant.ofEpochSecond(now - 600 - 60L * i);
            JobRecord pending = JobSubmission.build(
                    JobSubmission.Fields.from(trivialJobFields(null, "history-" + i)),
                    new JobSubmission.Submitter(email, email, email),
                    stack.wiring.get(Wiring.JOBS_BUCKET),
                    UUID.randomUUID().toString(),
                    submitted);
            Map<String, AttributeValue> item = new HashMap<>(JobItems.toItem(pending));
            item.put(JobItems.STATUS, AttributeValue.fromS(i % 10 == 3 ? "failed" : "completed"));
            item.put(JobItems.START_TIME, AttributeValue.fromN(Long.toString(submitted.getEpochSecond() + 1)));
            item.put(JobItems.COMPLETE_TIME, AttributeValue.fromN(Long.toString(submitted.getEpochSecond() + 2)));
            batch.add(WriteRequest.builder()
                    .putRequest(PutRequest.builder().item(item).build())
                    .build());
            if (batch.size() == 25 || i == TABLE_JOBS - 1) {
                Map<String, List<WriteRequest>> left = Map.of(stack.wiring.get(Wiring.JOBS_TABLE), List.copyOf(batch));
                while (!left.isEmpty()) {
                    Map<String, List<WriteRequest>> request = left;
                    left = stack.clients
                            .dynamo()
                            .batchWriteItem(b -> b.requestItems(request))
                            .unprocessedItems();
                }
                batch.clear();
            }
        }
    }
}
