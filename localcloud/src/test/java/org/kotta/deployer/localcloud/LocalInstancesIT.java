package org.kotta.deployer.localcloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.kotta.deployer.core.AwsClients;
import org.kotta.deployer.core.Settings;
import org.kotta.deployer.localcloud.instances.InstanceSyncException;
import org.kotta.deployer.localcloud.instances.LocalInstances;
import org.kotta.deployer.testing.RepoRoot;
import org.kotta.deployer.testing.Waits;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Parameter;

/**
 * The local stand-in for EC2, Auto Scaling and the load balancer, against a small stack in
 * the local cloud whose launch templates carry the KOTTA_WIRING user data, and small releases
 * built here: bin/kotta-start serves the release's files (so /health answers the release's
 * name) for web-server and, for task-executor, waits until its metadata stand-in says Terminated.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalInstancesIT {
    private static final String SERVING = """
            #!/bin/sh
            case "$1" in
              web-server) exec python3 -m http.server "$KOTTA_PORT" --bind 127.0.0.1 --directory "$KOTTA_APP_DIR" ;;
              task-executor)
                # as the real executor does: exit once the group retires the instance (IMDSv2 stand-in)
                while :; do
                  t=$(curl -fsS -X PUT "$KOTTA_METADATA_URL/latest/api/token" 2>/dev/null)
                  s=$(curl -fsS -H "X-aws-ec2-metadata-token: $t" \\
                      "$KOTTA_METADATA_URL/latest/meta-data/autoscaling/target-lifecycle-state" 2>/dev/null)
                  [ "$s" = Terminated ] && exit 0
                  sleep 0.5
                done ;;
              *) echo "unknown role $1" >&2; exit 2 ;;
            esac
            """;
    private static final String BROKEN =
            "#!/bin/sh\necho \"kotta-start: this release is broken on purpose\" >&2\nexit 3\n";

    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final String stack = "local-instances-" + suffix;
    private final String bucket = "local-instances-" + suffix;
    private AwsClients aws;
    private CloudFormationClient cfn;
    private LocalInstances instances;
    private String template;
    private final List<Long> everyPid = new ArrayList<>();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    void createStack() throws Exception {
        aws = new AwsClients(
                new Settings(Map.of(Settings.ENDPOINT_URL, LocalCloud.endpoint(), Settings.REGION, "us-east-1")));
        cfn = aws.cloudFormation();
        aws.s3().createBucket(b -> b.bucket(bucket));
        template = new String(
                getClass().getResourceAsStream("/local-instances/stack.yaml").readAllBytes(), StandardCharsets.UTF_8);
        upload("releases/v1.tar.gz", release("release v1", SERVING));
        cfn.createStack(b -> b.stackName(stack).templateBody(template).parameters(parameters("releases/v1.tar.gz")));
        awaitStack("CREATE_COMPLETE");
        // instance logs stay for a look after a failure: target/local-instances-it/<stack>/<instance>/instance.log
        Path state = RepoRoot.path().resolve("localcloud/target/local-instances-it");
        instances = new LocalInstances(aws, LocalCloud.endpoint(), state, 0, new PrintStream(System.out, true));
    }

    @AfterAll
    void cleanUp() {
        if (instances != null) {
            instances.close();
        }
        cfn.deleteStack(b -> b.stackName(stack));
    }

    @Test
    @Order(1)
    void sync_startsTheGroupsInstances_andTheStableUrlAnswers() throws Exception {
        instances.sync(stack);

        assertThat(get(instances.webUrl(stack) + "/health").body()).isEqualTo("release v1");
        // the web server and one test executor (MinSize 0 still runs one locally)
        assertThat(instances.pids()).hasSize(2);
        assertThat(instances.describe(stack))
                .anyMatch(line -> line.startsWith("local-webserver-1 "))
                .anyMatch(line -> line.startsWith("local-testworker-1 "));
        everyPid.addAll(instances.pids());
    }

    @Test
    @Order(2)
    void sync_afterANewRelease_replacesTheWebServer_andTheUrlNeverFails() throws Exception {
        String url = instances.webUrl(stack);
        List<Long> before = instances.pids();
        upload("releases/v2.tar.gz", release("release v2", SERVING));
        update("releases/v2.tar.gz");

        List<String> problems = new CopyOnWriteArrayList<>();
        List<String> bodies = new CopyOnWriteArrayList<>();
        AtomicBoolean polling = new AtomicBoolean(true);
        Thread poller = new Thread(() -> {
            while (polling.get()) {
                try {
                    HttpResponse<String> response = get(url + "/health");
                    if (response.statusCode() / 100 != 2) {
                        problems.add(response.statusCode() + " " + response.body());
                    }
                    bodies.add(response.body());
                } catch (IOException | InterruptedException e) {
                    problems.add(e.toString());
                }
            }
        });
        poller.start();
        instances.sync(stack);
        // the URL keeps answering after the switch: ten answers from the new release
        await("ten answers from release v2")
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> bodies.stream().filter("release v2"::equals).count() >= 10);
        polling.set(false);
        poller.join(5_000);

        assertThat(instances.webUrl(stack)).isEqualTo(url);
        assertThat(problems).isEmpty();
        assertThat(bodies).contains("release v1", "release v2");
        assertThat(bodies.get(bodies.size() - 1)).isEqualTo("release v2");
        assertThat(before)
                .allSatisfy(pid -> assertThat(alive(pid)).as("old pid %d", pid).isFalse());
        assertThat(instances.describe(stack)).anyMatch(line -> line.startsWith("local-webserver-2 "));
        everyPid.addAll(instances.pids());
    }

    @Test
    @Order(3)
    void sync_withAReleaseThatExitsAtOnce_keepsTheOldOneServing_andNamesTheGroup() throws Exception {
        List<Long> before = instances.pids();
        upload("releases/broken.tar.gz", release("broken", BROKEN));
        update("releases/broken.tar.gz");

        assertThatThrownBy(() -> instances.sync(stack))
                .isInstanceOf(InstanceSyncException.class)
                .hasMessageContaining("group WebServerGroup")
                .hasMessageContaining("exited with status 3")
                .hasMessageContaining("this release is broken on purpose")
                .hasMessageContaining("group TestWorkerGroup");

        assertThat(get(instances.webUrl(stack) + "/health").body()).isEqualTo("release v2");
        assertThat(instances.pids()).containsExactlyInAnyOrderElementsOf(before);
        assertThat(before).allSatisfy(pid -> assertThat(alive(pid)).isTrue());
    }

    @Test
    @Order(4)
    void sync_withAReleaseWhoseLinkLeavesTheTree_refusesIt_beforeExtracting() throws Exception {
        List<Long> before = instances.pids();
        AttackTarballs.Attack attack = AttackTarballs.symlinkLeavingTheTree();
        upload("releases/attack.tar.gz", attack.bytes());
        update("releases/attack.tar.gz");

        assertThatThrownBy(() -> instances.sync(stack))
                .isInstanceOf(InstanceSyncException.class)
                .isNotInstanceOf(InstanceSyncException.NotRunnable.class)
                .hasMessageContaining("releases/attack.tar.gz is refused: " + attack.expectedReason());

        assertThat(get(instances.webUrl(stack) + "/health").body()).isEqualTo("release v2");
        assertThat(instances.pids()).containsExactlyInAnyOrderElementsOf(before);
    }

    @Test
    @Order(5)
    void close_leavesNoProcessBehind() {
        everyPid.addAll(instances.pids());
        instances.close();

        assertThat(everyPid)
                .isNotEmpty()
                .allSatisfy(pid -> assertThat(alive(pid)).as("pid %d", pid).isFalse());
        assertThat(instances.pids()).isEmpty();
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static byte[] release(String health, String kottaStart) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("bin/kotta-start", kottaStart);
        files.put("health", health);
        return SiteTarball.of(files);
    }

    private void upload(String key, byte[] tarball) {
        aws.s3().putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(tarball));
    }

    private List<Parameter> parameters(String releaseKey) {
        return List.of(
                Parameter.builder()
                        .parameterKey("JobsBucketName")
                        .parameterValue(bucket)
                        .build(),
                Parameter.builder()
                        .parameterKey("ReleaseKey")
                        .parameterValue(releaseKey)
                        .build());
    }

    private void update(String releaseKey) throws InterruptedException {
        cfn.updateStack(b -> b.stackName(stack).templateBody(template).parameters(parameters(releaseKey)));
        awaitStack("UPDATE_COMPLETE");
    }

    private void awaitStack(String wanted) {
        String status = Waits.untilOrLatest(
                Duration.ofSeconds(30),
                Duration.ofMillis(200),
                () -> cfn.describeStacks(b -> b.stackName(stack))
                        .stacks()
                        .get(0)
                        .stackStatusAsString(),
                seen -> seen.equals(wanted) || seen.endsWith("FAILED") || seen.contains("ROLLBACK"));
        assertThat(status).as("stack %s", stack).isEqualTo(wanted);
    }
}
