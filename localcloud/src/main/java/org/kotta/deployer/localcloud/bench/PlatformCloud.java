package org.kotta.deployer.localcloud.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import org.kotta.deployer.localcloud.LocalIdentityProvider;
import org.kotta.platform.core.JobItems;
import org.kotta.platform.core.JobStore;
import org.kotta.platform.core.PlatformClients;
import org.kotta.platform.core.UserRecord;
import org.kotta.platform.core.UserStore;
import org.kotta.platform.core.Wiring;

import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * What a Kotta stack gives its instances, made directly in the local cloud under unique names
 * (JobsTable with its {@code by-user} index, UsersTable, JobsBucket, both pending queues, the
 * notifications topic, the OAuth client secret and the session key), the local identity
 * provider, and the environment each {@code kotta-start} process gets (the wiring of
 * {@code /etc/kotta/kotta.env}, aimed at the local cloud, as the local instance runner sets it).
 */
final class PlatformCloud implements AutoCloseable {
    final String id = "bench" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
    final Map<String, String> wiring = new HashMap<>();
    final PlatformClients clients;
    final LocalIdentityProvider idp;
    final JobStore jobs;
    final UserStore users;
    final Path release;
    private final List<PlatformProcess> processes = new ArrayList<>();

    /** @param release the unpacked release ({@code bin/kotta-start}, {@code lib/}, {@code views/}) */
    PlatformCloud(String endpoint, Path release, String releaseSha256) {
        this.release = release;
        wiring.put(Wiring.ENDPOINT_URL, endpoint);
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
        wiring.put(Wiring.PROD_PENDING_QUEUE_URL, queue(id + "-prod-pending"));
        wiring.put(Wiring.TEST_PENDING_QUEUE_URL, queue(id + "-test-pending"));
        wiring.put(Wiring.PROD_ACTIVE_QUEUE_URL, queue(id + "-prod-active"));
        wiring.put(Wiring.TEST_ACTIVE_QUEUE_URL, queue(id + "-test-active"));
        wiring.put(Wiring.NOTIFICATIONS_TOPIC_ARN,
                clients.sns().createTopic(b -> b.name(id + "-notifications")).topicArn());
        wiring.put(Wiring.OAUTH_CLIENT_ID, "kotta-web-" + id);
        wiring.put(Wiring.OAUTH_CLIENT_SECRET_ARN, clients.secrets().createSecret(b -> b.name(id + "/oauth-client-secret")
                .secretString("bench-client-secret-" + UUID.randomUUID())).arn());
        wiring.put(Wiring.SESSION_KEY_SECRET_ARN, clients.secrets().createSecret(b -> b.name(id + "/session-key")
                .secretString(UUID.randomUUID() + "-" + UUID.randomUUID())).arn());
        wiring.put(Wiring.RELEASE_KEY, "releases/" + releaseSha256 + ".tar.gz");
        jobs = new JobStore(clients.dynamo(), jobsTable);
        users = new UserStore(clients.dynamo(), usersTable);
        idp = LocalIdentityProvider.start(0);
        wiring.put(Wiring.OIDC_ISSUER, idp.issuer());
    }

    /** An active researcher, as an admin would register them. */
    void register(String email) {
        users.register(email, email, UserRecord.Role.RESEARCHER, "bench@example.org", Instant.now().getEpochSecond());
    }

    /** {@code kotta-start web-server} on a free port; returns once {@code /health} answers 200. */
    PlatformProcess startWeb(Path dir) throws IOException, InterruptedException {
        int port = freePort();
        Map<String, String> env = environment("local-web-1");
        env.put(Wiring.PORT, Integer.toString(port));
        env.put(Wiring.PUBLIC_URL, "http://127.0.0.1:" + port);
        PlatformProcess web = PlatformProcess.start(release, "web-server", "web-1", env, dir, port);
        processes.add(web);
        web.awaitHealthy();
        return web;
    }

    /** {@code kotta-start task-executor} of the Test pool; returns once it polls its queue. */
    PlatformProcess startExecutor(String name, Path dir) throws IOException, InterruptedException {
        Map<String, String> env = environment("local-" + name);
        env.put(Wiring.POOL, "test");
        Path work = dir.resolve(name + "-work");
        Files.createDirectories(work);
        env.put(Wiring.WORK_DIR, work.toString());
        // as the local instance runner: jobs run as nobody when the executor runs as root
        env.put(Wiring.JOB_USER, "root".equals(System.getProperty("user.name")) ? "nobody" : "");
        PlatformProcess executor = PlatformProcess.start(release, "task-executor", name, env, dir, 0);
        processes.add(executor);
        executor.awaitLog("job=- started");
        return executor;
    }

    /** The wiring plus what the local instance runner adds: endpoint, test credentials, instance id. */
    private Map<String, String> environment(String instanceId) {
        Map<String, String> env = new HashMap<>(wiring);
        // KOTTA_JAVA_OPTS passes through when set (to try other JVM options); unset, kotta-start's defaults
        for (String inherited : List.of("PATH", "JAVA_HOME", "LANG", "KOTTA_JAVA_OPTS")) {
            String value = System.getenv(inherited);
            if (value != null) {
                env.put(inherited, value);
            }
        }
        env.put("AWS_ACCESS_KEY_ID", "test");
        env.put("AWS_SECRET_ACCESS_KEY", "test");
        env.put("AWS_DEFAULT_REGION", wiring.get(Wiring.REGION));
        env.put(Wiring.INSTANCE_ID, instanceId);
        env.put(Wiring.INSTANCE_TYPE, "local");
        return env;
    }

    String table() {
        return wiring.get(Wiring.JOBS_TABLE);
    }

    String bucket() {
        return wiring.get(Wiring.JOBS_BUCKET);
    }

    static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private String queue(String name) {
        return clients.sqs().createQueue(b -> b.queueName(name)).queueUrl();
    }

    private static int freePort() {
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
        processes.forEach(PlatformProcess::close);
        idp.close();
    }
}
