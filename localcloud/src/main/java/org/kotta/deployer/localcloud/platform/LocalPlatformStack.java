package org.kotta.deployer.localcloud.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.kotta.deployer.localcloud.LocalIdentityProvider;
import org.kotta.deployer.localcloud.LocalOrchestrator;
import org.kotta.platform.core.JobItems;
import org.kotta.platform.core.JobStore;
import org.kotta.platform.core.PlatformClients;
import org.kotta.platform.core.UserRecord;
import org.kotta.platform.core.UserStore;
import org.kotta.platform.core.Wiring;
import org.kotta.platform.executor.ExecutorSettings;
import org.kotta.platform.executor.TaskExecutor;
import org.kotta.platform.web.WebServer;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * What a Kotta stack gives its instances, made directly in the local cloud under unique names
 * (JobsTable with its {@code by-user} index, UsersTable, JobsBucket, the pending and active
 * queues of both pools, the notifications topic, the OAuth client secret and the session key),
 * the local identity provider, and the {@link #wiring} of {@code /etc/kotta/kotta.env} aimed at
 * the local cloud. The bench runs the release's {@code kotta-start} processes with that wiring;
 * the integration tests start a web server and a Test-pool task executor in their own JVM
 * ({@link #startWeb()}, {@link #startTestExecutor()}).
 */
public final class LocalPlatformStack implements AutoCloseable {
    /** The stack's name; every resource's name starts with it. */
    public final String id;

    public final Map<String, String> wiring = new HashMap<>();
    public final PlatformClients clients;
    public final LocalIdentityProvider idp;
    public final JobStore jobs;
    public final UserStore users;
    private final String clientSecret = "local-client-secret-" + UUID.randomUUID();
    private WebServer server;
    private TaskExecutor executor;
    private Path executorWork;
    private int port;

    /**
     * @param endpoint the local cloud's endpoint
     * @param prefix the start of the stack's unique name (e.g. {@code bench}, {@code web})
     * @param releaseSha256 the release the wiring names ({@code KOTTA_RELEASE_KEY})
     */
    public LocalPlatformStack(String endpoint, String prefix, String releaseSha256) {
        id = prefix + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
        wiring.put(Wiring.ENDPOINT_URL, endpoint);
        wiring.put(Wiring.REGION, "us-east-1");
        clients = new PlatformClients(new Wiring(wiring));
        String jobsTable = id + "-jobs";
        String usersTable = id + "-users";
        clients.dynamo()
                .createTable(b -> b.tableName(jobsTable)
                        .billingMode(BillingMode.PAY_PER_REQUEST)
                        .attributeDefinitions(
                                attr(JobItems.JOB_ID, ScalarAttributeType.S),
                                attr(JobItems.USER_ID, ScalarAttributeType.S),
                                attr(JobItems.SUBMIT_TIME, ScalarAttributeType.N))
                        .keySchema(key(JobItems.JOB_ID, KeyType.HASH))
                        .globalSecondaryIndexes(g -> g.indexName(JobItems.BY_USER_INDEX)
                                .keySchema(
                                        key(JobItems.USER_ID, KeyType.HASH), key(JobItems.SUBMIT_TIME, KeyType.RANGE))
                                .projection(p -> p.projectionType(ProjectionType.ALL))));
        clients.dynamo()
                .createTable(b -> b.tableName(usersTable)
                        .billingMode(BillingMode.PAY_PER_REQUEST)
                        .attributeDefinitions(attr(UserStore.EMAIL, ScalarAttributeType.S))
                        .keySchema(key(UserStore.EMAIL, KeyType.HASH)));
        String bucket = id + "-bucket";
        clients.s3().createBucket(b -> b.bucket(bucket));
        wiring.put(Wiring.STACK_NAME, id);
        wiring.put(Wiring.JOBS_TABLE, jobsTable);
        wiring.put(Wiring.USERS_TABLE, usersTable);
        wiring.put(Wiring.JOBS_BUCKET, bucket);
        wiring.put(Wiring.PROD_PENDING_QUEUE_URL, queue(id + "-prod-pending"));
        wiring.put(Wiring.TEST_PENDING_QUEUE_URL, queue(id + "-test-pending"));
        wiring.put(Wiring.PROD_ACTIVE_QUEUE_URL, queue(id + "-prod-active"));
        wiring.put(Wiring.TEST_ACTIVE_QUEUE_URL, queue(id + "-test-active"));
        wiring.put(
                Wiring.NOTIFICATIONS_TOPIC_ARN,
                clients.sns().createTopic(b -> b.name(id + "-notifications")).topicArn());
        wiring.put(Wiring.OAUTH_CLIENT_ID, "kotta-web-" + id);
        wiring.put(
                Wiring.OAUTH_CLIENT_SECRET_ARN,
                clients.secrets()
                        .createSecret(b -> b.name(id + "/oauth-client-secret").secretString(clientSecret))
                        .arn());
        wiring.put(
                Wiring.SESSION_KEY_SECRET_ARN,
                clients.secrets()
                        .createSecret(b ->
                                b.name(id + "/session-key").secretString(UUID.randomUUID() + "-" + UUID.randomUUID()))
                        .arn());
        wiring.put(Wiring.RELEASE_KEY, "releases/" + releaseSha256 + ".tar.gz");
        jobs = new JobStore(clients.dynamo(), jobsTable);
        users = new UserStore(clients.dynamo(), usersTable);
        idp = LocalIdentityProvider.start(0);
        wiring.put(Wiring.OIDC_ISSUER, idp.issuer());
    }

    /** The OAuth client secret's value (what must show up nowhere the site serves). */
    public String clientSecret() {
        return clientSecret;
    }

    /** The sha256 of the release the wiring names. */
    public String releaseSha256() {
        return new Wiring(wiring).releaseSha256();
    }

    /** An active admin, as the deployer seeds one. */
    public void seedAdmin(String email) {
        users.seedAdmin(email, "Admin " + email, Instant.now().getEpochSecond());
    }

    /** An active researcher, as an admin would register them. */
    public void register(String email) {
        users.register(
                email,
                email,
                UserRecord.Role.RESEARCHER,
                "admin@example.org",
                Instant.now().getEpochSecond());
    }

    /** How many items JobsTable holds. */
    public int jobCount() {
        return clients.dynamo()
                .scan(b -> b.tableName(wiring.get(Wiring.JOBS_TABLE)).select("COUNT"))
                .count();
    }

    /**
     * Starts a web server in this JVM on a free port, with the views of {@code platform/src/release};
     * its public URL is {@link #url()}. Stopped by {@link #close()}.
     */
    public LocalPlatformStack startWeb() throws IOException {
        port = freePort();
        wiring.put(Wiring.PORT, Integer.toString(port));
        wiring.put(Wiring.PUBLIC_URL, url());
        wiring.put(
                Wiring.APP_DIR,
                LocalOrchestrator.findRoot().resolve("platform/src/release").toString());
        server = WebServer.start(new Wiring(wiring));
        return this;
    }

    /**
     * Starts a Test-pool task executor in this JVM against the same tables, bucket and queues
     * (jobs run as nobody when this runs as root); stopped by {@link #close()}.
     */
    public LocalPlatformStack startTestExecutor() throws IOException {
        Path work = Files.createTempDirectory("kotta-journey-work-");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        executorWork = work;
        Map<String, String> env = new HashMap<>(wiring);
        env.put(Wiring.POOL, "test");
        env.put(Wiring.WORK_DIR, work.toString());
        env.put(Wiring.JOB_USER, "nobody");
        env.put(Wiring.INSTANCE_ID, "local-" + id + "-executor");
        env.put(Wiring.INSTANCE_TYPE, "local");
        executor = new TaskExecutor(
                ExecutorSettings.fromWiring(new Wiring(env))
                        .withTimings(
                                1,
                                Duration.ofSeconds(5),
                                30,
                                Duration.ofSeconds(1),
                                Duration.ofSeconds(2),
                                Duration.ofSeconds(10)),
                clients);
        executor.start();
        return this;
    }

    /** The web server of {@link #startWeb()}. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String queue(String name) {
        return clients.sqs().createQueue(b -> b.queueName(name)).queueUrl();
    }

    private static AttributeDefinition attr(String name, ScalarAttributeType type) {
        return AttributeDefinition.builder()
                .attributeName(name)
                .attributeType(type)
                .build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }

    @Override
    public void close() {
        if (executor != null) {
            executor.stop();
            try {
                Files.deleteIfExists(executorWork);
            } catch (IOException ignored) {
                // a temp dir; a job's own dir is removed by the executor
            }
        }
        if (server != null) {
            server.close();
        }
        idp.close();
    }
}
