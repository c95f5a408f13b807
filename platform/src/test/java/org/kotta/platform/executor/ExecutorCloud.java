package org.kotta.platform.executor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.kotta.platform.core.FileMapping;
import org.kotta.platform.core.JobItems;
import org.kotta.platform.core.JobPaths;
import org.kotta.platform.core.JobRecord;
import org.kotta.platform.core.JobStatus;
import org.kotta.platform.core.JobStore;
import org.kotta.platform.core.PlatformClients;
import org.kotta.platform.core.Queue;
import org.kotta.platform.core.Wiring;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * A JobsTable (with its {@code by-user} index), a JobsBucket, a pending queue and a
 * notifications topic (with a queue subscribed to it) in the local cloud, under unique names;
 * jobs created as the web server would, and executors run in this JVM.
 */
final class ExecutorCloud implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(200);
    final String endpoint = System.getProperty("kotta.endpoint", "http://127.0.0.1:4566");
    final String suffix = UUID.randomUUID().toString().substring(0, 8);
    final String table = "jobs-" + suffix;
    final String bucket = "jobs-bucket-" + suffix;
    final PlatformClients clients;
    final DynamoDbClient dynamo;
    final S3Client s3;
    final SqsClient sqs;
    final JobStore store;
    final String queueUrl;
    /** The pending queue's dead-letter queue; null without one. */
    final String deadLettersUrl;

    final String topicArn;
    final String notificationsUrl;
    final Path workRoot;
    private final List<TaskExecutor> executors = new ArrayList<>();

    ExecutorCloud() throws IOException {
        this(30);
    }

    /** @param visibilityTimeout the pending queue's default visibility timeout, seconds */
    ExecutorCloud(int visibilityTimeout) throws IOException {
        this(visibilityTimeout, 0);
    }

    /**
     * @param visibilityTimeout the pending queue's default visibility timeout, seconds
     * @param maxReceiveCount   when positive, the pending queue dead-letters a message received more
     *                          often than this (as the Kotta stack's queues do, with 5)
     */
    ExecutorCloud(int visibilityTimeout, int maxReceiveCount) throws IOException {
        clients = new PlatformClients(new Wiring(Map.of(Wiring.ENDPOINT_URL, endpoint, Wiring.REGION, "us-east-1")));
        dynamo = clients.dynamo();
        s3 = clients.s3();
        sqs = clients.sqs();
        dynamo.createTable(b -> b.tableName(table)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        a -> a.attributeName(JobItems.JOB_ID).attributeType(ScalarAttributeType.S),
                        a -> a.attributeName(JobItems.USER_ID).attributeType(ScalarAttributeType.S),
                        a -> a.attributeName(JobItems.SUBMIT_TIME).attributeType(ScalarAttributeType.N))
                .keySchema(k -> k.attributeName(JobItems.JOB_ID).keyType(KeyType.HASH))
                .globalSecondaryIndexes(g -> g.indexName(JobItems.BY_USER_INDEX)
                        .keySchema(
                                k -> k.attributeName(JobItems.USER_ID).keyType(KeyType.HASH),
                                k -> k.attributeName(JobItems.SUBMIT_TIME).keyType(KeyType.RANGE))
                        .projection(p -> p.projectionType(ProjectionType.ALL))));
        s3.createBucket(b -> b.bucket(bucket));
        Map<QueueAttributeName, String> attributes = new HashMap<>();
        attributes.put(QueueAttributeName.VISIBILITY_TIMEOUT, Integer.toString(visibilityTimeout));
        if (maxReceiveCount > 0) {
            deadLettersUrl =
                    sqs.createQueue(b -> b.queueName("pending-dlq-" + suffix)).queueUrl();
            String deadLettersArn = sqs.getQueueAttributes(
                            b -> b.queueUrl(deadLettersUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes()
                    .get(QueueAttributeName.QUEUE_ARN);
            attributes.put(
                    QueueAttributeName.REDRIVE_POLICY,
                    "{\"deadLetterTargetArn\":\"" + deadLettersArn + "\",\"maxReceiveCount\":\"" + maxReceiveCount
                            + "\"}");
        } else {
            deadLettersUrl = null;
        }
        queueUrl = sqs.createQueue(b -> b.queueName("pending-" + suffix).attributes(attributes))
                .queueUrl();
        topicArn = clients.sns()
                .createTopic(b -> b.name("notifications-" + suffix))
                .topicArn();
        notificationsUrl =
                sqs.createQueue(b -> b.queueName("notified-" + suffix)).queueUrl();
        String notificationsArn = sqs.getQueueAttributes(
                        b -> b.queueUrl(notificationsUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes()
                .get(QueueAttributeName.QUEUE_ARN);
        clients.sns().subscribe(b -> b.topicArn(topicArn).protocol("sqs").endpoint(notificationsArn));
        store = new JobStore(dynamo, table);
        workRoot = Files.createTempDirectory("kotta-work-");
        Files.setPosixFilePermissions(workRoot, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** The wiring an executor of the Test pool gets (jobs run as nobody when the executor runs as root). */
    Map<String, String> wiring(String instanceId) {
        Map<String, String> env = new HashMap<>();
        env.put(Wiring.ENDPOINT_URL, endpoint);
        env.put(Wiring.REGION, "us-east-1");
        env.put(Wiring.JOBS_BUCKET, bucket);
        env.put(Wiring.JOBS_TABLE, table);
        env.put(Wiring.TEST_PENDING_QUEUE_URL, queueUrl);
        env.put(Wiring.PROD_PENDING_QUEUE_URL, queueUrl);
        env.put(Wiring.NOTIFICATIONS_TOPIC_ARN, topicArn);
        env.put(Wiring.POOL, "test");
        env.put(Wiring.WORK_DIR, workRoot.toString());
        env.put(Wiring.JOB_USER, "nobody");
        env.put(Wiring.INSTANCE_ID, instanceId);
        env.put(Wiring.INSTANCE_TYPE, "local");
        return env;
    }

    TaskExecutor startExecutor(String instanceId) {
        return startExecutor(instanceId, Duration.ofSeconds(5), 30);
    }

    /** An executor extending a running job's message every {@code visibilityEvery} to {@code visibilityAhead} s. */
    TaskExecutor startExecutor(String instanceId, Duration visibilityEvery, int visibilityAhead) {
        return startExecutor(instanceId, visibilityEvery, visibilityAhead, Map.of());
    }

    /** As above, with more wiring (e.g. {@code KOTTA_JOB_USER_DEDICATED}). */
    TaskExecutor startExecutor(
            String instanceId, Duration visibilityEvery, int visibilityAhead, Map<String, String> more) {
        Map<String, String> env = wiring(instanceId);
        env.putAll(more);
        ExecutorSettings settings = ExecutorSettings.fromWiring(new Wiring(env))
                .withTimings(
                        1,
                        visibilityEvery,
                        visibilityAhead,
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(20));
        TaskExecutor executor = new TaskExecutor(settings, clients);
        executors.add(executor);
        executor.start();
        return executor;
    }

    JobRecord job(String userId, String script, List<FileMapping> inputs, List<String> outputs, long walltime) {
        String id = UUID.randomUUID().toString();
        long now = Instant.now().getEpochSecond();
        List<FileMapping> declared = outputs.stream()
                .map(name -> new FileMapping(name, bucket + "/" + JobPaths.outputKey(id, name)))
                .toList();
        return new JobRecord(
                id,
                id,
                JobRecord.SCRIPT_TYPE,
                JobStatus.PENDING,
                Queue.TEST,
                walltime,
                now,
                null,
                null,
                "2026-11-29 12:00:00",
                "Tester",
                userId + "@example.org",
                userId,
                "/bin/sh job.sh",
                null,
                script,
                "job.sh",
                inputs,
                declared,
                JobRecord.DEFAULT_STDOUT,
                JobRecord.DEFAULT_STDERR,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                0,
                false);
    }

    /** Creates the job and sends its message, as the web server's submit does. */
    String submit(JobRecord job) {
        store.create(job);
        send(job.jobId());
        return job.jobId();
    }

    void send(String jobId) {
        sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody("{\"job_id\":\"" + jobId + "\"}"));
    }

    JobRecord await(String jobId, Predicate<JobRecord> until, Duration within) {
        return Awaitility.await("job " + jobId)
                .atMost(within)
                .pollInterval(POLL)
                .until(() -> store.find(jobId).orElseThrow(), until);
    }

    JobRecord awaitEnd(String jobId, Duration within) {
        return await(jobId, job -> job.status().isFinal(), within);
    }

    Map<String, AttributeValue> item(String jobId) {
        return dynamo.getItem(b -> b.tableName(table)
                        .key(Map.of(JobItems.JOB_ID, AttributeValue.fromS(jobId)))
                        .consistentRead(true))
                .item();
    }

    String output(String jobId, String file) {
        return s3.getObjectAsBytes(b -> b.bucket(bucket).key(JobPaths.outputKey(jobId, file)))
                .asUtf8String();
    }

    List<String> outputKeys(String jobId) {
        return s3.listObjectsV2(b -> b.bucket(bucket).prefix(JobPaths.outputsOf(jobId))).contents().stream()
                .map(o -> o.key().substring(JobPaths.outputsOf(jobId).length()))
                .sorted()
                .toList();
    }

    void put(String key, String content) {
        s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(content, StandardCharsets.UTF_8));
    }

    /** Until no message is left on the pending queue (the executors delete theirs just after a job's end). */
    void awaitNoMessagesLeft(Duration within) {
        Awaitility.await("no message left on the pending queue")
                .atMost(within)
                .pollInterval(POLL)
                .until(() -> messagesLeft() == 0);
    }

    /** Messages waiting plus in flight on the pending queue. */
    int messagesLeft() {
        return messagesOn(queueUrl);
    }

    /** Messages waiting plus in flight on a queue. */
    int messagesOn(String url) {
        Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(b -> b.queueUrl(url)
                        .attributeNames(
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributes();
        return Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    /** Bodies of the notifications published so far (SNS envelopes). */
    List<String> notifications() {
        List<String> bodies = new ArrayList<>();
        List<Message> batch;
        do {
            batch = sqs.receiveMessage(b ->
                            b.queueUrl(notificationsUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
                    .messages();
            batch.forEach(m -> bodies.add(m.body()));
        } while (!batch.isEmpty());
        return bodies;
    }

    void stopExecutors() {
        executors.forEach(TaskExecutor::stop);
        executors.clear();
    }

    @Override
    public void close() throws IOException {
        stopExecutors();
        WorkDirs.remove(workRoot);
    }
}
