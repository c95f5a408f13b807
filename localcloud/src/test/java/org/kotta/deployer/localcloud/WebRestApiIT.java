package org.kotta.deployer.localcloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kotta.deployer.localcloud.platform.LocalPlatformStack;
import org.kotta.deployer.localcloud.platform.WebSession;
import org.kotta.platform.core.JobPaths;
import org.kotta.platform.core.JobRecord;
import org.kotta.platform.core.JobStatus;
import org.kotta.platform.core.Wiring;
import org.kotta.platform.web.JobSubmission;
import software.amazon.awssdk.core.sync.RequestBody;

/** The v1 REST API as Cloud Kotta's command-line client sends it, and its refusals. */
class WebRestApiIT {
    private static final String ADA = "ada@example.org";
    private static final String BOB = "bob@example.org";
    private static LocalPlatformStack stack;
    private static WebSession client;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalCloud.platformStack().startWeb();
        stack.seedAdmin(ADA);
        stack.register(BOB);
        client = new WebSession(stack.url());
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    /** The example job of the client's README, form-encoded, the token as a field. */
    private static Map<String, String> exampleJob(String token) {
        Map<String, String> fields = RestV1Client.exampleJob("Test", "hello");
        fields.put("user_email", "someone-else@example.org");
        fields.put("access_token", token);
        return fields;
    }

    private static String submit(String email) throws Exception {
        HttpResponse<String> answer = client.post("/rest/v1/submit_task", exampleJob(stack.idp.accessToken(email)));
        JsonNode json = WebSession.json(answer);
        assertThat(json.get("status").asText()).as(answer.body()).isEqualTo("Success");
        return json.get("job_id").asText();
    }

    @Test
    void submitTaskWritesAPendingJobAndQueuesIt() throws Exception {
        String jobId = submit(ADA);
        var job = stack.jobs.find(jobId).orElseThrow();
        assertThat(job.status()).isEqualTo(JobStatus.PENDING);
        assertThat(job.userEmail()).isEqualTo(ADA);
        assertThat(job.userId()).isEqualTo(ADA);
        assertThat(job.walltimeSeconds()).isEqualTo(300);
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 5 && bodies.stream().noneMatch(b -> b.contains(jobId)); i++) {
            stack.clients
                    .sqs()
                    .receiveMessage(b -> b.queueUrl(stack.wiring.get(Wiring.TEST_PENDING_QUEUE_URL))
                            .maxNumberOfMessages(10)
                            .waitTimeSeconds(1))
                    .messages()
                    .forEach(m -> bodies.add(m.body()));
        }
        assertThat(bodies).contains("{\"job_id\":\"" + jobId + "\"}");
    }

    @Test
    void statusTaskAnswersTheOldShape() throws Exception {
        String jobId = submit(ADA);
        HttpResponse<String> answer =
                client.get("/rest/v1/status_task/" + jobId + "?access_token=" + stack.idp.accessToken(ADA));
        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode json = WebSession.json(answer);
        assertThat(json.get("status").asText()).isEqualTo("pending");
        Map<String, String> flat = new HashMap<>();
        json.get("items")
                .fields()
                .forEachRemaining(e -> e.getValue()
                        .fields()
                        .forEachRemaining(a -> flat.put(
                                a.getKey(),
                                a.getValue().isTextual()
                                        ? a.getValue().asText()
                                        : a.getValue().toString())));
        assertThat(json.get("items").has("0")).isTrue();
        assertThat(flat)
                .containsEntry("job_id", jobId)
                .containsEntry("jobname", "hello")
                .containsEntry("queue", "Test");
        assertThat(flat.get("submit_time")).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d");
        assertThat(flat.keySet()).noneMatch(k -> k.startsWith("i_"));
    }

    @Test
    void listTasksShowsTheUsersJobsNewestFirstWithABearerToken() throws Exception {
        String first = submit(BOB);
        // jobs are ordered by their submit time in whole seconds: the second one goes in a later second
        long firstSecond = Instant.now().getEpochSecond();
        await("the next second")
                .atMost(Duration.ofSeconds(2))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> Instant.now().getEpochSecond() > firstSecond);
        String second = submit(BOB);
        HttpResponse<String> answer = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(stack.url() + "/rest/v1/list_tasks"))
                                .header("Authorization", "Bearer " + stack.idp.accessToken(BOB))
                                .timeout(Duration.ofSeconds(20))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        JsonNode json = WebSession.json(answer);
        assertThat(json.get("status").asText()).isEqualTo("Success");
        assertThat(json.at("/items/0/job_id").asText()).isEqualTo(second);
        assertThat(json.at("/items/1/job_id").asText()).isEqualTo(first);
        assertThat(json.at("/items/0/submit_stamp").asText()).isNotBlank();
        assertThat(json.get("items").size()).isEqualTo(2);
    }

    @Test
    void cancelTaskCancelsAPendingJob() throws Exception {
        String jobId = submit(ADA);
        String token = stack.idp.accessToken(ADA);
        HttpResponse<String> answer = client.post("/rest/v1/cancel_task/" + jobId, Map.of("access_token", token));
        assertThat(WebSession.json(answer).get("status").asText())
                .as(answer.body())
                .isEqualTo("Success");
        assertThat(stack.jobs.find(jobId).orElseThrow().status()).isEqualTo(JobStatus.CANCELLED);
        JsonNode status = WebSession.json(client.get("/rest/v1/status_task/" + jobId + "?access_token=" + token));
        assertThat(status.get("status").asText()).isEqualTo("cancelled");
        assertThat(status.get("items").toString()).contains("<i>foo.txt</i>");
    }

    @Test
    void refusesMissingForgedAndExpiredTokensWritingNothing() throws Exception {
        int before = stack.jobCount();
        String valid = stack.idp.accessToken(ADA);
        String forged =
                valid.substring(0, valid.lastIndexOf('.') + 1) + "AAAA" + valid.substring(valid.lastIndexOf('.') + 5);
        String expired = stack.idp.accessToken(ADA, Duration.ofHours(-1));
        Map<String, String> noToken = exampleJob("");
        noToken.remove("access_token");
        for (Map<String, String> fields :
                List.of(noToken, exampleJob(forged), exampleJob(expired), exampleJob("not-a-jwt"))) {
            HttpResponse<String> answer = client.post("/rest/v1/submit_task", fields);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(401);
            JsonNode json = WebSession.json(answer);
            assertThat(json.get("status").asText()).isEqualTo("Fail");
            assertThat(json.get("reason").asText()).isNotBlank();
        }
        assertThat(WebSession.json(client.get("/rest/v1/list_tasks"))
                        .get("status")
                        .asText())
                .isEqualTo("Fail");
        assertThat(stack.jobCount()).isEqualTo(before);
    }

    @Test
    void refusesAnUnregisteredIdentity() throws Exception {
        int before = stack.jobCount();
        HttpResponse<String> answer =
                client.post("/rest/v1/submit_task", exampleJob(stack.idp.accessToken("mallory@example.org")));
        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(WebSession.json(answer).get("reason").asText()).contains("not registered");
        assertThat(stack.jobCount()).isEqualTo(before);
    }

    @Test
    void anotherUsersJobIsNotFound() throws Exception {
        String adas = submit(ADA);
        String bobs = stack.idp.accessToken(BOB);
        HttpResponse<String> status = client.get("/rest/v1/status_task/" + adas + "?access_token=" + bobs);
        assertThat(status.statusCode()).isEqualTo(404);
        assertThat(WebSession.json(status).get("reason").asText()).contains("not found");
        HttpResponse<String> cancel = client.post("/rest/v1/cancel_task/" + adas, Map.of("access_token", bobs));
        assertThat(cancel.statusCode()).isEqualTo(404);
        assertThat(stack.jobs.find(adas).orElseThrow().status()).isEqualTo(JobStatus.PENDING);
    }

    /** A job id no job can have (too long for a DynamoDB key, or not an id at all) is simply not found. */
    @Test
    void aMalformedJobIdIsNotFound() throws Exception {
        String token = stack.idp.accessToken(ADA);
        for (String jobId : List.of("a".repeat(3000), "x/y", "%20")) {
            HttpResponse<String> status = client.get("/rest/v1/status_task/" + jobId + "?access_token=" + token);
            assertThat(status.statusCode())
                    .as(jobId.length() > 20 ? "a 3000-character id" : jobId)
                    .isEqualTo(404);
            assertThat(WebSession.json(status).get("status").asText()).isEqualTo("Fail");
            assertThat(client.post("/rest/v1/cancel_task/" + jobId, Map.of("access_token", token))
                            .statusCode())
                    .isEqualTo(404);
        }
    }

    @Test
    void badFieldsAreRefusedNamingTheField() throws Exception {
        String token = stack.idp.accessToken(ADA);
        Map<String, String> expectations = Map.of("walltime", "0", "queue", "Fast", "script", "");
        for (Map.Entry<String, String> bad : expectations.entrySet()) {
            Map<String, String> fields = exampleJob(token);
            fields.put(bad.getKey(), bad.getValue());
            HttpResponse<String> answer = client.post("/rest/v1/submit_task", fields);
            assertThat(answer.statusCode()).isEqualTo(400);
            JsonNode json = WebSession.json(answer);
            assertThat(json.get("status").asText()).isEqualTo("Fail");
            assertThat(json.get("reason").asText()).startsWith(bad.getKey() + ":");
        }
        Map<String, String> tooLong = exampleJob(token);
        tooLong.put("walltime", Long.toString(7 * 24 * 60 + 1));
        assertThat(WebSession.json(client.post("/rest/v1/submit_task", tooLong))
                        .get("reason")
                        .asText())
                .startsWith("walltime:");
    }

    @Test
    void aTokenFromTheRunningProviderOverHttpIsAccepted() throws Exception {
        String token = LocalIdentityProvider.tokenFrom(stack.idp.issuer(), BOB);
        assertThat(token).doesNotContain("\n").isNotBlank();
        HttpResponse<String> answer = client.get("/rest/v1/list_tasks?access_token=" + token);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(WebSession.json(answer).get("status").asText()).isEqualTo("Success");
    }

    /** A job as an executor leaves it (written directly: the executor is tested on its own). */
    private static JobRecord completedJob(String email) {
        String bucket = stack.wiring.get(Wiring.JOBS_BUCKET);
        JobRecord pending = JobSubmission.build(
                JobSubmission.Fields.from(exampleJob("").entrySet().stream()
                        .collect(Collectors.toMap(Map.Entry::getKey, e -> List.of(e.getValue())))),
                new JobSubmission.Submitter(email, email, email),
                bucket,
                UUID.randomUUID().toString(),
                Instant.now());
        JobRecord done = new JobRecord(
                pending.jobId(),
                pending.jobName(),
                pending.jobType(),
                JobStatus.COMPLETED,
                pending.queue(),
                pending.walltimeSeconds(),
                pending.submitTime(),
                pending.submitTime() + 1,
                pending.submitTime() + 3,
                pending.submitStamp(),
                pending.username(),
                pending.userEmail(),
                pending.userId(),
                pending.executable(),
                pending.args(),
                pending.script(),
                pending.scriptName(),
                pending.inputs(),
                pending.outputs(),
                pending.stdoutFile(),
                pending.stderrFile(),
                "local-1",
                "local",
                null,
                0,
                0.2,
                1.5,
                0.3,
                1,
                false);
        stack.jobs.create(done);
        for (String file : List.of("foo.txt", "STDOUT.txt")) {
            stack.clients
                    .s3()
                    .putObject(
                            b -> b.bucket(bucket).key(JobPaths.outputKey(done.jobId(), file)),
                            RequestBody.fromString(file.equals("foo.txt") ? "Hello World\n" : "out of the job\n"));
        }
        return done;
    }

    @Test
    void statusOfAnEndedJobLinksItsOutputsAndTheLinksDownloadThem() throws Exception {
        JobRecord job = completedJob(ADA);
        JsonNode status = WebSession.json(
                client.get("/rest/v1/status_task/" + job.jobId() + "?access_token=" + stack.idp.accessToken(ADA)));
        assertThat(status.get("status").asText()).isEqualTo("completed");
        List<String> outputs = new ArrayList<>();
        status.get("items").forEach(item -> {
            if (item.has("outputs")) {
                outputs.add(item.get("outputs").asText());
            }
        });
        assertThat(outputs).hasSize(3).contains("<i>STDERR.txt</i>");
        Matcher href = Pattern.compile("<a href=\"([^\"]+)\">foo.txt</a>").matcher(String.join("\n", outputs));
        assertThat(href.find()).isTrue();
        HttpResponse<String> download = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(href.group(1))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).isEqualTo("Hello World\n");

        WebSession page = new WebSession(stack.url());
        page.signIn(ADA);
        String html = page.get("/jobs/" + job.jobId()).body();
        assertThat(html).contains("out of the job").contains("class=\"output\"").contains("<i>STDERR.txt</i>");
    }
}
