package org.kotta.deployer.localcloud;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.kotta.deployer.core.AwsClients;
import org.kotta.deployer.core.DeploymentRecords;
import org.kotta.deployer.core.Json;
import org.kotta.deployer.localcloud.SignedApiClient.Response;
import org.kotta.deployer.localcloud.instances.LocalInstances;
import org.kotta.deployer.localcloud.platform.WebSession;
import org.kotta.platform.core.JobPaths;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Cloud Kotta end to end, through the orchestrator: a deployment through the signed API that
 * signs users in with the local identity provider, the Kotta stack's instances run locally from
 * the release it made (a web server, one executor per pool), and everything after that through
 * the stable URL only, as the old command-line client and a browser reach it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CloudKottaIT {
    private static final String ADMIN = "admin@example.org";
    private static final Duration JOB_LIMIT = Duration.ofSeconds(40);
    private static final Set<String> FINAL = Set.of("completed", "failed", "cancelled");
    /** Instances' releases, logs and work dirs: this test's stand-in for .kotta/instances/. */
    private static final Path STATE =
            org.kotta.deployer.testing.RepoRoot.path().resolve("localcloud/target/cloud-kotta-it");

    private AwsClients aws;
    private LocalIdentityProvider idp;
    private LocalInstances instances;
    private String stackName;
    private ObjectNode request;
    private JsonNode outputs;
    private String url;
    private RestV1Client rest;
    private final List<String> jobs = new ArrayList<>();

    @BeforeAll
    void deployAndRunTheInstances() throws Exception {
        LocalOrchestrator orchestrator = LocalCloud.orchestrator();
        aws = orchestrator.aws();
        idp = LocalIdentityProvider.start(0);
        request = ExampleRequest.withIdentityProvider(Fixtures.validRequest(aws, Fixtures.shortId()), idp.issuer());
        stackName = request.path("stackName").asText();
        // the deployments check that the site serves: the instances follow the stack while they run
        orchestrator.siteCheck(true, LocalCloud.SITE_CHECK_LIMIT);
        instances = new LocalInstances(aws, LocalCloud.endpoint(), STATE, 0, new PrintStream(System.out, true));
        instances.follow(stackName);
        Response accepted =
                SignedApi.forLocalCloud(orchestrator).postJson("/deployments", request.toString(), Map.of());
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        var execution = LocalCloud.awaitEnd(accepted.json().path("executionArn").asText(), Duration.ofMinutes(3));
        assertThat(execution.status())
                .as("%s %s", execution.error(), execution.cause())
                .isEqualTo(ExecutionStatus.SUCCEEDED);
        JsonNode record = LocalCloud.record(accepted.json().path("deploymentId").asText());
        outputs = record.path("outputs");
        assertThat(record.path("siteCheck").path("seen").asText())
                .as("the site check looked at the running site")
                .startsWith("healthy target");

        instances.sync(stackName);
        url = instances.webUrl(stackName);
        rest = new RestV1Client(url, idp.accessToken(ADMIN));
    }

    @AfterAll
    void stopEverything() {
        LocalCloud.orchestrator().siteCheck(false, LocalCloud.SITE_CHECK_LIMIT);
        List<Long> pids = instances == null ? List.of() : instances.pids();
        if (instances != null) {
            instances.close();
        }
        if (idp != null) {
            idp.close();
        }
        assertThat(pids)
                .allSatisfy(pid -> assertThat(ProcessHandle.of(pid)
                                .map(ProcessHandle::isAlive)
                                .orElse(false))
                        .as("instance pid %d", pid)
                        .isFalse());
    }

    @Test
    @Order(1)
    void theExampleJob_completesInEachPool_andItsOutputsDownloadThroughTheirLinks() throws Exception {
        assertThat(instances.describe(stackName))
                .hasSize(3)
                .anyMatch(line -> line.startsWith("local-webserver-1 "))
                .anyMatch(line -> line.startsWith("local-prodworker-1 "))
                .anyMatch(line -> line.startsWith("local-testworker-1 "));
        for (String queue : List.of("Test", "Prod")) {
            String jobId = rest.submit(RestV1Client.exampleJob(queue, "hello " + queue));
            jobs.add(jobId);
            List<String> seen = rest.awaitStatus(jobId, FINAL::contains, JOB_LIMIT);
            assertThat(seen)
                    .as("statuses of the %s job", queue)
                    .startsWith("pending")
                    .endsWith("completed");

            Map<String, String> links = RestV1Client.outputs(rest.status(jobId));
            assertThat(links)
                    .containsOnlyKeys("foo.txt", "STDOUT.txt", "STDERR.txt")
                    .doesNotContainValue(null);
            assertThat(rest.download(links.get("foo.txt"))).isEqualTo("Hello World\n");
            // the script sends all its output to foo.txt: the standard streams' files exist, empty
            assertThat(rest.download(links.get("STDOUT.txt"))).isEmpty();
            assertThat(rest.download(links.get("STDERR.txt"))).isEmpty();
        }
        JsonNode list = rest.listTasks();
        assertThat(list.path("status").asText()).isEqualTo("Success");
        List<String> listed = new ArrayList<>();
        list.path("items")
                .forEach(item -> listed.add(
                        item.path("job_id").asText() + " " + item.path("status").asText()));
        assertThat(listed).contains(jobs.get(0) + " completed", jobs.get(1) + " completed");
    }

    /** One Test executor runs one job at a time: while it runs {@code sleep 300}, the next Test job waits. */
    @Test
    @Order(2)
    void cancel_ofAPendingJob_neverRunsIt_andOfARunningJob_killsItWithin10Seconds() throws Exception {
        String running = rest.submit(RestV1Client.commandJob("Test", "long", "sleep 300", 10));
        assertThat(rest.awaitStatus(running, "processing"::equals, JOB_LIMIT)).endsWith("processing");
        String pending = rest.submit(RestV1Client.exampleJob("Test", "waits behind the long one"));
        // no event says "not taken" (the busy executor does not poll): it stays pending throughout a second
        org.awaitility.Awaitility.await("the job behind the long one")
                .during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(3))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> rest.status(pending).path("status").asText().equals("pending"));
        assertThat(rest.status(pending).path("status").asText()).isEqualTo("pending");

        assertThat(rest.cancel(pending).path("status").asText()).isEqualTo("Success");
        assertThat(rest.status(pending).path("status").asText()).isEqualTo("cancelled");

        Instant asked = Instant.now();
        assertThat(rest.cancel(running).path("status").asText()).isEqualTo("Success");
        List<String> seen = rest.awaitStatus(running, FINAL::contains, Duration.ofSeconds(10));
        assertThat(seen).last().isEqualTo("cancelled");
        assertThat(Duration.between(asked, Instant.now())).isLessThan(Duration.ofSeconds(10));

        // the freed executor receives the cancelled job's message and only deletes it
        awaitQueueEmpty(outputs.path("kotta").path("TestPendingQueueUrl").asText(), Duration.ofSeconds(15));
        JsonNode status = rest.status(pending);
        assertThat(status.path("status").asText()).isEqualTo("cancelled");
        assertThat(status.path("items").toString()).doesNotContain("start_time").contains("<i>foo.txt</i>");
        assertThat(aws.s3()
                        .listObjectsV2(b -> b.bucket(bucket()).prefix(JobPaths.outputsOf(pending)))
                        .contents())
                .as("nothing of the cancelled pending job ran")
                .isEmpty();
        jobs.add(running);
        jobs.add(pending);
    }

    /**
     * The OAuth client secret's value (stored in Secrets Manager by the test) is read into the web
     * server's memory and used for sign-in, and shows up nowhere: no file under the instances'
     * folder (releases, logs, work dirs), no page or path the site serves, no function log, no
     * item of the JobsTable, UsersTable or DeploymentsTable. Positive controls show that each
     * place is read for real: the secret's ARN is in the release's kotta-deployment.conf, the
     * signed-in pages show the admin, the tables hold the jobs, users and deployments.
     */
    @Test
    @Order(3)
    void theClientSecretsValueIsNowhere() throws Exception {
        String secret = Fixtures.CLIENT_SECRET_VALUE;
        String secretArn = Fixtures.secretArn(aws);
        List<String> places = new ArrayList<>();

        WebSession browser = new WebSession(url);
        assertThat(browser.signIn(ADMIN).statusCode()).isIn(302, 303);
        assertThat(browser.get("/jobs").body())
                .as("signed in through the provider")
                .contains(ADMIN);
        List<String> paths = new ArrayList<>(List.of(
                "/",
                "/jobs",
                "/submit",
                "/files",
                "/admin/users",
                "/health",
                "/static/kotta.css",
                "/kotta-deployment.conf",
                "/static/../kotta-deployment.conf",
                "/static/%2e%2e/kotta-deployment.conf",
                "/static/..%2fkotta-deployment.conf",
                "/views/header.mustache",
                "/static/../views/header.mustache",
                "/bin/kotta-start",
                "/static/../bin/kotta-start",
                "/lib/",
                "/rest/v1/list_tasks"));
        jobs.forEach(id -> paths.add("/jobs/" + id));
        int served = 0;
        for (String path : paths) {
            String body = browser.get(path).body();
            served += body.isEmpty() ? 0 : 1;
            if (body.contains(secret)) {
                places.add("page " + path);
            }
            if (body.contains(secretArn)) {
                places.add("page " + path + " (the wiring)");
            }
        }
        for (String id : jobs) {
            if (rest.status(id).toString().contains(secret)) {
                places.add("status_task " + id);
            }
        }

        int files = 0;
        int filesWithTheArn = 0;
        try (Stream<Path> walk = Files.walk(STATE)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                files++;
                String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                if (content.contains(secret)) {
                    places.add("file " + STATE.relativize(file));
                }
                filesWithTheArn += content.contains(secretArn) ? 1 : 0;
            }
        }
        System.out.flush();
        String functionLog = Files.readString(LocalCloud.FUNCTION_LOG);
        if (functionLog.contains(secret)) {
            places.add("function log");
        }

        int[] items = new int[3];
        boolean deploymentsNameTheArn = false;
        String[] tables = {
            outputs.path("base").path("JobsTableName").asText(),
            outputs.path("base").path("UsersTableName").asText(),
            LocalCloud.orchestrator().output("DeploymentsTableName")
        };
        for (int t = 0; t < tables.length; t++) {
            String table = tables[t];
            for (var item :
                    aws.dynamoDb().scanPaginator(b -> b.tableName(table)).items()) {
                items[t]++;
                String values = SecretScanIT.text(item);
                if (values.contains(secret)) {
                    places.add("item of " + table);
                }
                deploymentsNameTheArn |= t == 2 && values.contains(secretArn);
            }
        }

        assertThat(served).as("pages with a body").isGreaterThan(paths.size() / 2);
        assertThat(files).as("files under the instances' folder").isGreaterThan(20);
        assertThat(filesWithTheArn)
                .as("files naming the secret's ARN (kotta-deployment.conf)")
                .isPositive();
        assertThat(functionLog).as("the function logs were captured").contains("\"state\"");
        assertThat(items[0]).as("JobsTable items").isGreaterThanOrEqualTo(jobs.size());
        assertThat(items[1]).as("UsersTable items").isGreaterThanOrEqualTo(2);
        assertThat(deploymentsNameTheArn)
                .as("a DeploymentsTable item names the secret's ARN")
                .isTrue();
        assertThat(places).as("places holding the client secret's value").isEmpty();
    }

    /**
     * A redeploy during a job: a 30-second job runs on the Test executor while new code
     * (the platform release with one view changed) is deployed. The rollout retires that executor
     * as the group's termination hook does: the job completes where it runs (attempt 1, never put
     * back), the executor's process ends only after the job's complete_time, and the new release
     * serves through the stable URL.
     */
    @Test
    @Order(4)
    void aRedeployDuringAJob_letsTheJobFinish_thenReplacesItsExecutor() throws Exception {
        String jobId = rest.submit(RestV1Client.commandJob("Test", "spans a redeploy", "sleep 30", 2));
        assertThat(rest.awaitStatus(jobId, "processing"::equals, JOB_LIMIT)).endsWith("processing");
        long executorPid = instances.describe(stackName).stream()
                .filter(l -> l.startsWith("local-testworker-"))
                .map(l -> Long.parseLong(l.replaceFirst("^\\S+ \\(pid (\\d+),.*", "$1")))
                .findFirst()
                .orElseThrow();
        java.util.concurrent.CompletableFuture<Instant> executorExit =
                ProcessHandle.of(executorPid).orElseThrow().onExit().thenApply(p -> Instant.now());

        String key = "custom/redeploy-" + Fixtures.shortId() + ".tar.gz";
        aws.s3()
                .putObject(
                        b -> b.bucket(bucket()).key(key),
                        software.amazon.awssdk.core.sync.RequestBody.fromBytes(CustomizedRelease.of(
                                org.kotta.deployer.testing.RepoRoot.path(),
                                "views/header.mustache",
                                view -> view + "\n<!-- redeployed during a job -->\n")));
        ObjectNode redeploy = request.deepCopy().put("codeSource", "s3://" + bucket() + "/" + key);
        Response accepted = SignedApi.forLocalCloud(LocalCloud.orchestrator())
                .postJson("/deployments", redeploy.toString(), Map.of());
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        var execution = LocalCloud.awaitEnd(accepted.json().path("executionArn").asText(), Duration.ofMinutes(3));
        assertThat(execution.status())
                .as("%s %s", execution.error(), execution.cause())
                .isEqualTo(ExecutionStatus.SUCCEEDED);
        String newRelease = LocalCloud.record(
                        accepted.json().path("deploymentId").asText())
                .path("codeVersion")
                .asText();
        assertThat(rest.status(jobId).path("status").asText())
                .as("the job still runs when the rollout starts")
                .isEqualTo("processing");

        instances.sync(stackName);

        var item = aws.dynamoDb()
                .getItem(b -> b.tableName(
                                outputs.path("base").path("JobsTableName").asText())
                        .key(Map.of(
                                "job_id", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(jobId)))
                        .consistentRead(true))
                .item();
        assertThat(item.get("status").s()).isEqualTo("completed");
        assertThat(item.get("i_attempt").n()).as("never put back").isEqualTo("1");
        Instant exited = executorExit.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(exited.getEpochSecond())
                .as("the executor went after its job completed")
                .isGreaterThanOrEqualTo(Long.parseLong(item.get("complete_time").n()));
        assertThat(new WebSession(url).get("/health").body()).contains("\"release\":\"" + newRelease + "\"");
        assertThat(instances.describe(stackName)).noneMatch(line -> line.startsWith("local-testworker-1 "));
        jobs.add(jobId);
    }

    /**
     * A release whose {@code kotta-start} exits at once, uploaded under {@code code/}: its stack
     * update settles (the local cloud ignores the signals AWS would wait for), the new web server
     * never passes /health so the old one keeps serving, the site check fails naming the health
     * check, and the orchestrator rolls the stack back to the last good release on its own.
     */
    @Test
    @Order(5)
    void aBrokenReleaseUploadedUnderCode_failsTheHealthCheck_andIsRolledBackWhileTheOldOneServes() throws Exception {
        String serving = releaseOnHealth();
        String key = "code/broken-" + Fixtures.shortId() + ".tar.gz";
        Instant uploaded = Instant.now();
        aws.s3()
                .putObject(
                        b -> b.bucket(bucket()).key(key),
                        software.amazon.awssdk.core.sync.RequestBody.fromBytes(CustomizedRelease.of(
                                org.kotta.deployer.testing.RepoRoot.path(),
                                "bin/kotta-start",
                                start -> "#!/bin/sh\necho 'kotta-start: broken on purpose' >&2\nexit 1\n")));

        JsonNode broken =
                awaitDeployment(d -> "code-upload".equals(d.path("trigger").asText())
                        && d.path("createdAt").asText().compareTo(uploaded.toString()) >= 0);
        var failed = LocalCloud.awaitEnd(broken.path("executionArn").asText(), Duration.ofMinutes(4));
        assertThat(failed.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(failed.error()).isEqualTo("SiteNotServing");
        assertThat(failed.cause())
                .contains("step checkSite", "the health check", "answered " + serving)
                .as("the instance's boot log, quoted")
                .contains(
                        "/kotta-bootstrap in /kotta/" + stackName + "/instances:",
                        "kotta-signal: FAILED",
                        "kotta-start: broken on purpose");
        assertThat(releaseOnHealth()).as("the previous release keeps serving").isEqualTo(serving);

        String brokenId = broken.path("deploymentId").asText();
        JsonNode failedRecord = LocalCloud.record(brokenId);
        assertThat(failedRecord.path("status").asText()).isEqualTo("FAILED");
        assertThat(failedRecord.path("failedStep").asText()).isEqualTo("checkSite");
        assertThat(failedRecord.path("rollback").path("started").asBoolean())
                .as(failedRecord.toString())
                .isTrue();
        String rollbackId = failedRecord.path("rollback").path("deploymentId").asText();
        assertThat(LocalCloud.statesEntered(broken.path("executionArn").asText()))
                .containsSubsequence(
                        "Check that Cloud Kotta answers",
                        "Note the site check failure",
                        "Record the failure",
                        "Roll back to the last good release",
                        "Deployment failed");

        JsonNode rollback = LocalCloud.record(rollbackId);
        var rolledBack = LocalCloud.awaitEnd(rollback.path("executionArn").asText(), Duration.ofMinutes(4));
        assertThat(rolledBack.status())
                .as("%s %s", rolledBack.error(), rolledBack.cause())
                .isEqualTo(ExecutionStatus.SUCCEEDED);
        rollback = LocalCloud.record(rollbackId);
        assertThat(rollback.path("trigger").asText()).isEqualTo("rollback");
        assertThat(rollback.path("rollbackOf").asText()).isEqualTo(brokenId);
        assertThat(rollback.path("codeVersion").asText()).isEqualTo(serving);
        assertThat(releaseOnHealth()).isEqualTo(serving);

        String jobId = rest.submit(RestV1Client.exampleJob("Prod", "after the rollback"));
        jobs.add(jobId);
        assertThat(rest.awaitStatus(jobId, FINAL::contains, JOB_LIMIT)).endsWith("completed");
    }

    private String releaseOnHealth() throws IOException, InterruptedException {
        return Json.MAPPER
                .readTree(new WebSession(url).get("/health").body())
                .path("release")
                .asText();
    }

    /** The newest deployment of this stack that matches, once there is one (the trigger starts it). */
    private JsonNode awaitDeployment(java.util.function.Predicate<JsonNode> wanted) {
        DeploymentRecords records =
                new DeploymentRecords(aws.dynamoDb(), LocalCloud.orchestrator().output("DeploymentsTableName"));
        return org.awaitility.Awaitility.await("a matching deployment of " + stackName)
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> records.deploymentsOfStack(stackName, 10, null, null).stream()
                                .filter(wanted::test)
                                .filter(d -> d.hasNonNull("executionArn"))
                                .findFirst(),
                        java.util.Optional::isPresent)
                .orElseThrow();
    }

    private String bucket() {
        return outputs.path("base").path("JobsBucketName").asText();
    }

    private void awaitQueueEmpty(String queueUrl, Duration limit) {
        SqsClient sqs = aws.build(SqsClient.builder());
        org.awaitility.Awaitility.await("no message left on " + queueUrl)
                .atMost(limit)
                .pollInterval(Duration.ofMillis(250))
                .until(
                        () -> {
                            Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(b -> b.queueUrl(
                                                    queueUrl)
                                            .attributeNames(
                                                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                                                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                                    .attributes();
                            return Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                                    + Integer.parseInt(attributes.get(
                                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
                        },
                        left -> left == 0);
    }
}
