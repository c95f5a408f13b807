package org.kotta.deployer.localcloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.kotta.deployer.core.AwsClients;
import org.kotta.deployer.core.Json;
import org.kotta.deployer.localcloud.instances.InstanceSyncException;
import org.kotta.deployer.trigger.RedeployRules;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * {@code ./kotta demo}: installs the orchestrator in the local cloud, deploys Cloud Kotta
 * through the API with {@code examples/deploy-request.json} (users sign in through the local
 * identity provider), follows the execution, then uploads the platform release with one view
 * customized under {@code code/} and follows the automatic redeploy. The stack's instances run
 * locally after each deployment; one job then goes through the v1 REST API to completion.
 */
public final class Demo {
    private static final Duration LIMIT = Duration.ofMinutes(10);
    private static final Duration JOB_LIMIT = Duration.ofSeconds(90);
    private static final Set<String> FINAL = Set.of("completed", "failed", "cancelled");
    /** The demo's customization of the release (docs/customizing.md): a line of the page header. */
    private static final String HEADER_VIEW = "views/header.mustache";

    private static final String BRAND = "<a class=\"brand\" href=\"/\">Cloud Kotta</a>";
    private static final String CUSTOM_BRAND = "<a class=\"brand\" href=\"/\">Cloud Kotta · Demo Lab</a>";
    private final PrintStream out;
    private final Path root;
    private final String endpoint;
    private static final Duration SITE_CHECK_LIMIT = Duration.ofMinutes(2);
    private String stackName;
    private String jobsBucket;
    private String adminEmail;
    /** The local identity provider's issuer; null until it exists (see {@link #startIdentityProvider}). */
    private String issuer;

    private Demo(Path root, String endpoint, PrintStream out) {
        this.root = root;
        this.endpoint = endpoint;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        boolean keep = java.util.Arrays.asList(args).contains("--keep");
        String endpoint = System.getenv().getOrDefault("KOTTA_ENDPOINT", "http://127.0.0.1:4566");
        Instant began = Instant.now();
        Path root = LocalOrchestrator.findRoot();
        // the handlers' JSON log lines (what CloudWatch Logs would hold) go to a file of their own
        Path functionLog = root.resolve(".kotta/functions.log");
        Files.createDirectories(functionLog.getParent());
        PrintStream console = System.out;
        System.setOut(new PrintStream(Files.newOutputStream(functionLog), true, StandardCharsets.UTF_8));
        try (LocalOrchestrator orchestrator = new LocalOrchestrator(root, endpoint);
                DemoSite site = new DemoSite(root, orchestrator.aws(), endpoint, console)) {
            // Ctrl-C (with --keep) stops the local instances too
            Runtime.getRuntime().addShutdownHook(new Thread(site::close));
            Demo demo = new Demo(root, endpoint, console);
            demo.run(orchestrator, site);
            console.printf(
                    "%nfunction logs: .kotta/functions.log%ndemo finished in %.1f s%n",
                    Duration.between(began, Instant.now()).toMillis() / 1000.0);
            if (keep) {
                demo.keepServing(site);
                Thread.currentThread().join();
            }
        } catch (DemoFailure e) {
            console.println();
            console.println("demo FAILED: " + e.getMessage() + " (function logs: .kotta/functions.log)");
            System.exit(1);
        } catch (Exception e) {
            console.println();
            console.println("demo FAILED: " + e + " (function logs: .kotta/functions.log)");
            e.printStackTrace(console);
            System.exit(1);
        }
        // the local identity provider's threads would keep the JVM alive; everything is closed
        System.exit(0);
    }

    private void run(LocalOrchestrator orchestrator, DemoSite site) throws Exception {
        step("installing the orchestrator (template.yaml) into the local cloud at " + endpoint);
        orchestrator.start();
        AwsClients aws = orchestrator.aws();
        SignedApiClient api =
                SignedApiClient.forLocalCloud(endpoint, orchestrator.output("ApiUrl"), orchestrator.output("ApiId"));
        out.println("  API: " + api.baseUrl());

        step("preparing what an admin prepares first: a certificate and the OAuth client secret");
        String suffix = shortId();
        AdminPrerequisites prerequisites = AdminPrerequisites.create(
                aws, ExampleRequest.read(root).path("domainName").asText(), "demo");
        ObjectNode request = ExampleRequest.load(
                root,
                prerequisites.certificateArn(),
                prerequisites.secretArn(),
                "kotta-demo-" + suffix,
                "kotta-demo-jobs-" + suffix);
        issuer = site.identityProvider().issuer();
        ExampleRequest.withIdentityProvider(request, issuer);
        stackName = request.path("stackName").asText();
        adminEmail = request.path("adminUsers").path(0).path("email").asText();
        out.println("  certificate " + prerequisites.certificateArn());
        out.println("  secret      " + prerequisites.secretArn() + " (the value never leaves Secrets Manager)");
        out.println(
                "  sign-in     " + issuer + " (the local OpenID Connect provider standing in for Login with Amazon)");

        site.follow(stackName);
        // a local web server starts in seconds: the site check gives it 2 minutes, not the template's 10
        orchestrator.siteCheck(true, SITE_CHECK_LIMIT);
        step("POST /deployments (" + ExampleRequest.PATH + ", stack "
                + request.path("stackName").asText() + ")");
        SignedApiClient.Response posted =
                api.postJson("/deployments", request.toString(), Map.of("Idempotency-Key", "demo-" + suffix));
        if (posted.status() != 202) {
            throw new DemoFailure("POST /deployments answered " + posted.status() + ": " + posted.body());
        }
        JsonNode started = Json.MAPPER.readTree(posted.body());
        out.println("  202 " + started.path("deploymentId").asText() + "  "
                + started.path("url").asText());

        step("following deployment 1 of 2, a fresh one (seconds since it started, one line per state as it finishes)");
        follow(orchestrator, started.path("executionArn").asText());
        JsonNode record = Json.MAPPER.readTree(
                api.get("/deployments/" + started.path("deploymentId").asText()).body());
        step("Cloud Kotta outputs");
        record.path("outputs")
                .path("kotta")
                .fields()
                .forEachRemaining(field -> out.printf(
                        "  %-28s %s%n", field.getKey(), field.getValue().asText()));
        step("the deployment record (GET /deployments/"
                + started.path("deploymentId").asText() + ")");
        out.println(indent(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(record)));

        String bucket =
                record.path("outputs").path("base").path("JobsBucketName").asText();
        jobsBucket = bucket;
        syncInstances(site);
        String key = "code/cloud-kotta-custom.tar.gz";
        step("uploading the platform release with " + HEADER_VIEW + " customized to s3://" + bucket + "/" + key
                + " (docs/customizing.md)");
        byte[] custom = CustomizedRelease.of(root, HEADER_VIEW, view -> view.replace(BRAND, CUSTOM_BRAND));
        out.println("  " + HEADER_VIEW + ": " + BRAND + " -> " + CUSTOM_BRAND);
        Instant uploaded = Instant.now();
        aws.s3().putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(custom));

        step("following deployment 2 of 2, the automatic redeploy");
        String redeployArn = awaitRedeploy(orchestrator, uploaded);
        follow(orchestrator, redeployArn);
        String redeployId = redeployArn.substring(redeployArn.lastIndexOf(':') + 1);
        JsonNode redeploy =
                Json.MAPPER.readTree(api.get("/deployments/" + redeployId).body());
        out.println("  code version " + record.path("codeVersion").asText() + " -> "
                + redeploy.path("codeVersion").asText());
        out.println("  trigger " + redeploy.path("trigger").asText() + ", source "
                + redeploy.path("release").path("source").asText());
        syncInstances(site);
        String url = site.webUrl(stackName);
        step("the site");
        out.println("  URL            " + url);
        out.println("  admin e-mail   " + adminEmail + " (the local sign-in page takes any name: type this one)");
        showCustomizedView(url);
        submitOneJob(site, url);
    }

    /** The Kotta stack's instances, as a rolling update leaves them after a deployment SUCCEEDED. */
    private void syncInstances(DemoSite site) throws InterruptedException {
        step("running the Kotta stack's instances locally (the stand-in for EC2 and the load balancer)");
        try {
            site.sync(stackName);
        } catch (InstanceSyncException e) {
            throw new DemoFailure(e.getMessage());
        }
    }

    /** The front page through the stable URL shows the redeployed release's customized header. */
    private void showCustomizedView(String url) throws IOException, InterruptedException {
        HttpResponse<String> page = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(url + "/"))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (page.statusCode() != 200 || !page.body().contains(CUSTOM_BRAND)) {
            throw new DemoFailure("GET " + url + "/ answered " + page.statusCode() + " without the customized header");
        }
        out.println("  GET /          200, with the customized header: " + CUSTOM_BRAND);
    }

    /** One job through the v1 REST API as the old client sends it, followed until it ends, its outputs read. */
    private void submitOneJob(DemoSite site, String url) throws IOException, InterruptedException {
        step("one job through the v1 REST API (" + url + "/rest/v1/, form-encoded, access_token of " + adminEmail
                + ")");
        RestV1Client rest = new RestV1Client(url, site.identityProvider().accessToken(adminEmail));
        String jobId = rest.submit(RestV1Client.exampleJob("Test", "demo hello"));
        out.println("  submit_task    Success, job_id " + jobId + " (script test.sh: "
                + RestV1Client.EXAMPLE_SCRIPT.replace("\n", "\\n") + ")");
        List<String> seen = rest.awaitStatus(jobId, status -> FINAL.contains(status), JOB_LIMIT);
        out.println("  status_task    " + String.join(" -> ", seen));
        String last = seen.get(seen.size() - 1);
        if (!"completed".equals(last)) {
            throw new DemoFailure("job " + jobId + " is " + last + " after " + JOB_LIMIT.toSeconds()
                    + " s, not completed (executor logs under .kotta/instances/" + stackName + "/)");
        }
        for (Map.Entry<String, String> output :
                RestV1Client.outputs(rest.status(jobId)).entrySet()) {
            String content = output.getValue() == null ? "(missing)" : rest.download(output.getValue());
            out.printf("  %-14s %s%n", output.getKey(), content.isEmpty() ? "(empty)" : content.strip());
        }
    }

    /** --keep: what a person needs to use the site, printed and in .kotta/demo.env, until Ctrl-C. */
    private void keepServing(DemoSite site) {
        Map<String, String> env = new java.util.LinkedHashMap<>();
        env.put("KOTTA_WEB_URL", site.webUrl(stackName));
        env.put("KOTTA_ADMIN_EMAIL", adminEmail);
        env.put("KOTTA_STACK_NAME", stackName);
        env.put("KOTTA_JOBS_BUCKET", jobsBucket);
        env.put("KOTTA_OIDC_ISSUER", issuer);
        Path file = site.writeEnv(env);
        step("serving");
        out.println("  URL            " + env.get("KOTTA_WEB_URL"));
        out.println("  admin e-mail   " + adminEmail + " (the local sign-in page takes any name: type this one)");
        out.println("  settings       " + root.relativize(file));
        out.println("  a REST token   ./kotta local token " + adminEmail);
        out.println("--keep: the site, the function host and the local cloud keep running; Ctrl-C stops the site"
                + " and the function host (the local cloud stays up: ./kotta local down)");
    }

    private void follow(LocalOrchestrator orchestrator, String executionArn) throws InterruptedException {
        boolean live = System.console() != null;
        DescribeExecutionResponse end =
                new ExecutionFollower(orchestrator.aws().stepFunctions(), out, live).follow(executionArn, LIMIT);
        if (end.status() != ExecutionStatus.SUCCEEDED) {
            throw new DemoFailure(
                    "execution " + executionArn + " ended " + end.status() + ": " + end.error() + " - " + end.cause());
        }
        out.println("  SUCCEEDED");
    }

    /** The redeploy the upload started: the newest execution named {@value RedeployRules#ID_PREFIX}… after the upload. */
    private String awaitRedeploy(LocalOrchestrator orchestrator, Instant after) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            Optional<ExecutionListItem> redeploy = orchestrator
                    .aws()
                    .stepFunctions()
                    .listExecutionsPaginator(b -> b.stateMachineArn(orchestrator.output("StateMachineArn")))
                    .executions()
                    .stream()
                    .filter(e -> e.name().startsWith(RedeployRules.ID_PREFIX)
                            && !e.startDate().isBefore(after.minusSeconds(1)))
                    .max(Comparator.comparing(ExecutionListItem::startDate));
            if (redeploy.isPresent()) {
                return redeploy.get().executionArn();
            }
            Thread.sleep(250);
        }
        throw new DemoFailure("no redeploy started within 60 s of the upload");
    }

    private void step(String text) {
        out.println();
        out.println("== " + text);
    }

    private static String indent(String text) {
        return "  " + text.replace("\n", "\n  ");
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static final class DemoFailure extends RuntimeException {
        DemoFailure(String message) {
            super(message);
        }
    }
}
