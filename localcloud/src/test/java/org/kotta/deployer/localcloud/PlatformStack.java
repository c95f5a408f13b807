package org.kotta.deployer.localcloud;

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

import org.kotta.platform.core.JobItems;
import org.kotta.platform.core.JobStore;
import org.kotta.platform.core.PlatformClients;
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
 * What a Kotta stack gives the web server, made directly in the local cloud (tables with the
 * {@code by-user} index, bucket, both pending queues, topic, both secrets), plus the local
 * identity provider and a web server (and, when asked, a Test-pool task executor) started in
 * this JVM with that wiring.
 */
final class PlatformStack implements AutoCloseable {
    static final String CLIENT_SECRET = "local-client-secret-" + UUID.randomUUID();
    final String id = "web" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
    final Map<String, String> wiring = new HashMap<>();
    final PlatformClients clients;
    final LocalIdentityProvider idp;
    final JobStore jobs;
    final UserStore users;
    private WebServer server;
    private TaskExecutor executor;
    private Path executorWork;
    private int port;

    PlatformStack() {
        wiring.put(Wiring.ENDPOINT_URL, LocalCloud.endpoint());
        wiring.put(Wiring.REGION, "us-east-1");
        clients = new PlatformClients(new Wiring(wiring));
        String jobsTable = id + "-jobs";
        String usersTable = id + "-users";
        clients.dynamo().createTable(b -> b.tableName(jobsTable).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attr(JobItems.JOB_ID, ScalarAttributeType.S),
                        attr(JobItems.USER_ID, ScalarAttributeType.S), attr(JobItems.SUBMIT_TIME, ScalarAttributeType.N))
                .keySchema(key(JobItems.JOB_ID, KeyType.HASH))
                .globalSecondaryIndexes(g -> g.indexName(JobItems.BY_USER_INDEX)
                        .keySchema(key(JobItems.USER_ID, KeyType.HASH), key(JobItems.SUBMIT_TIME, KeyType.RANGE))
                        .projection(p -> p.projectionType(ProjectionType.ALL))));
        clients.dynamo().createTable(b -> b.tableName(usersTable).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attr(UserStore.EMAIL, ScalarAttributeType.S))
                .keySchema(key(UserStore.EMAIL, KeyType.HASH)));
        String bucket = id + "-bucket";
        clients.s3().createBucket(b -> b.bucket(bucket));
        wiring.put(Wiring.STACK_NAME, id);
        wiring.put(Wiring.JOBS_TABLE, jobsTable);
        wiring.put(Wiring.USERS_TABLE, usersTable);
        wiring.put(Wiring.JOBS_BUCKET, bucket);
        wiring.put(Wiring.PROD_PENDING_QUEUE_URL, clients.sqs().createQueue(b -> b.queueName(id + "-prod-pending")).queueUrl());
        wiring.put(Wiring.TEST_PENDING_QUEUE_URL, clients.sqs().createQueue(b -> b.queueName(id + "-test-pending")).queueUrl());
        wiring.put(Wiring.NOTIFICATIONS_TOPIC_ARN, clients.sns().createTopic(b -> b.name(id + "-notifications")).topicArn());
        wiring.put(Wiring.OAUTH_CLIENT_ID, "kotta-web-" + id);
        wiring.put(Wiring.OAUTH_CLIENT_SECRET_ARN, clients.secrets().createSecret(b -> b.name(id + "/oauth-client-secret")
                .secretString(CLIENT_SECRET)).arn());
        wiring.put(Wiring.SESSION_KEY_SECRET_ARN, clients.secrets().createSecret(b -> b.name(id + "/session-key")
                .secretString(UUID.randomUUID() + "-" + UUID.randomUUID())).arn());
        wiring.put(Wiring.RELEASE_KEY, "releases/" + "ab".repeat(32) + ".tar.gz");
        wiring.put(Wiring.APP_DIR, LocalOrchestrator.findRoot().resolve("platform/src/release").toString());
        jobs = new JobStore(clients.dynamo(), jobsTable);
        users = new UserStore(clients.dynamo(), usersTable);
        idp = LocalIdentityProvider.start(0);
        wiring.put(Wiring.OIDC_ISSUER, idp.issuer());
    }

    /** Starts the web server on a free port; its public URL is http://127.0.0.1:<port>. */
    PlatformStack startWeb() throws IOException {
        port = freePort();
        wiring.put(Wiring.PORT, Integer.toString(port));
        wiring.put(Wiring.PUBLIC_URL, url());
        server = WebServer.start(new Wiring(wiring));
        return this;
    }

    /**
     * Starts a Test-pool task executor in this JVM against the same tables, bucket and queues
     * (jobs run as nobody when this runs as root); stopped by {@link #close()}.
     */
    PlatformStack startTestExecutor() throws IOException {
        Path work = Files.createTempDirectory("kotta-journey-work-");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        executorWork = work;
        Map<String, String> env = new HashMap<>(wiring);
        env.put(Wiring.POOL, "test");
        env.put(Wiring.WORK_DIR, work.toString());
        env.put(Wiring.JOB_USER, "nobody");
        env.put(Wiring.INSTANCE_ID, "local-" + id + "-executor");
        env.put(Wiring.INSTANCE_TYPE, "local");
        executor = new TaskExecutor(ExecutorSettings.fromWiring(new Wiring(env)).withTimings(1, Duration.ofSeconds(5), 30,
                Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(10)), clients);
        executor.start();
        return this;
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    String sha256() {
        return new Wiring(wiring).releaseSha256();
    }

    void seedAdmin(String email) {
        users.seedAdmin(email, "Admin " + email, Instant.now().getEpochSecond());
    }

    void register(String email) {
        users.register(email, email, org.kotta.platform.core.UserRecord.Role.RESEARCHER, "test", Instant.now().getEpochSecond());
    }

    int jobCount() {
        return clients.dynamo().scan(b -> b.tableName(wiring.get(Wiring.JOBS_TABLE)).select("COUNT")).count();
    }

    static Path release() {
        return LocalOrchestrator.findRoot().resolve("platform/src/release");
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static AttributeDefinition attr(String name, ScalarAttributeType type) {
        return AttributeDefinition.builder().attributeName(name).attributeType(type).build();
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
