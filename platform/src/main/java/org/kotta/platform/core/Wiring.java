package org.kotta.platform.core;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The stack's wiring as the instance sees it: the environment file that CloudFormation
 * rendered into the launch template's user data ({@code /etc/kotta/kotta.env}), loaded by the
 * systemd unit. Never EC2 tags, never the metadata service. The OAuth client secret is not
 * here: only the ARN of the secret, read into memory where it is used.
 *
 * <p>The names below are the whole contract between {@code infrastructure/kotta.yaml}, the
 * local instance runner and the platform.
 */
public final class Wiring {
    public static final String REGION = "AWS_REGION";
    /** Set only where the AWS endpoint is not the default one (the local cloud). */
    public static final String ENDPOINT_URL = "AWS_ENDPOINT_URL";

    public static final String STACK_NAME = "KOTTA_STACK_NAME";
    public static final String JOBS_BUCKET = "KOTTA_JOBS_BUCKET";
    public static final String JOBS_TABLE = "KOTTA_JOBS_TABLE";
    public static final String USERS_TABLE = "KOTTA_USERS_TABLE";
    public static final String PROD_PENDING_QUEUE_URL = "KOTTA_PROD_PENDING_QUEUE_URL";
    public static final String TEST_PENDING_QUEUE_URL = "KOTTA_TEST_PENDING_QUEUE_URL";
    public static final String PROD_ACTIVE_QUEUE_URL = "KOTTA_PROD_ACTIVE_QUEUE_URL";
    public static final String TEST_ACTIVE_QUEUE_URL = "KOTTA_TEST_ACTIVE_QUEUE_URL";
    public static final String NOTIFICATIONS_TOPIC_ARN = "KOTTA_NOTIFICATIONS_TOPIC_ARN";
    public static final String OAUTH_CLIENT_ID = "KOTTA_OAUTH_CLIENT_ID";
    public static final String OAUTH_CLIENT_SECRET_ARN = "KOTTA_OAUTH_CLIENT_SECRET_ARN";
    /** Empty: Login with Amazon. Otherwise an OpenID Connect issuer URL. */
    public static final String OIDC_ISSUER = "KOTTA_OIDC_ISSUER";
    /** A secret the Kotta stack generates; every web server derives its cookie keys from it. */
    public static final String SESSION_KEY_SECRET_ARN = "KOTTA_SESSION_KEY_SECRET_ARN";
    /** Where users reach the site, e.g. https://kotta.example.org (the load balancer's name). */
    public static final String PUBLIC_URL = "KOTTA_PUBLIC_URL";

    public static final String PORT = "KOTTA_PORT";
    /** {@code releases/<sha256>.tar.gz}: the release this instance runs. */
    public static final String RELEASE_KEY = "KOTTA_RELEASE_KEY";
    /** Where the release is unpacked (views/, static/ are read from here). */
    public static final String APP_DIR = "KOTTA_APP_DIR";
    /** Task executors: {@code prod} or {@code test}. */
    public static final String POOL = "KOTTA_POOL";
    /** Task executors: where job work directories are made. */
    public static final String WORK_DIR = "KOTTA_WORK_DIR";
    /** Task executors: the unprivileged user jobs run as (empty: the executor's own user). */
    public static final String JOB_USER = "KOTTA_JOB_USER";
    /** Task executors: the largest input file a job may stage (bytes; default 5 GiB). */
    public static final String INPUT_FILE_MAX_BYTES = "KOTTA_INPUT_FILE_MAX_BYTES";
    /** Task executors: the most a job may stage over all its inputs (bytes; default 20 GiB). */
    public static final String INPUT_TOTAL_MAX_BYTES = "KOTTA_INPUT_TOTAL_MAX_BYTES";
    /** Task executors: the largest output file a job may leave for upload (bytes; default 5 GiB). */
    public static final String OUTPUT_FILE_MAX_BYTES = "KOTTA_OUTPUT_FILE_MAX_BYTES";
    /** Task executors: the most processes the job user may have at once (default 512). */
    public static final String JOB_MAX_PROCESSES = "KOTTA_JOB_MAX_PROCESSES";
    /**
     * Task executors: {@code true} when no one but this executor's jobs runs as the job user (the
     * bootstrap's {@code kotta-job}), so every process of that user left after a job is killed.
     */
    public static final String JOB_USER_DEDICATED = "KOTTA_JOB_USER_DEDICATED";
    /** Task executors: the Auto Scaling group of this instance (scale-in protection, termination hook). */
    public static final String AUTOSCALING_GROUP = "KOTTA_AUTOSCALING_GROUP";
    /** Task executors: the group's termination lifecycle hook, completed once the running job ends. */
    public static final String LIFECYCLE_HOOK = "KOTTA_LIFECYCLE_HOOK";
    /** The instance metadata service (default http://169.254.169.254; the local runner serves its own). */
    public static final String METADATA_URL = "KOTTA_METADATA_URL";
    /** The instance's id (EC2 instance id in AWS, a local name in the local cloud). */
    public static final String INSTANCE_ID = "KOTTA_INSTANCE_ID";

    public static final String INSTANCE_TYPE = "KOTTA_INSTANCE_TYPE";

    private final Map<String, String> values;

    public Wiring(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    public static Wiring fromEnvironment() {
        return new Wiring(System.getenv());
    }

    /** The value, or an error naming the variable when it is missing or blank. */
    public String required(String name) {
        String value = values.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(
                    "the wiring lacks " + name + " (set in /etc/kotta/kotta.env by the launch template's user data)");
        }
        return value.strip();
    }

    /** Fails at start, naming every missing variable at once. */
    public void requireAll(List<String> names) {
        List<String> missing = new ArrayList<>();
        for (String name : names) {
            String value = values.get(name);
            if (value == null || value.isBlank()) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("the wiring lacks " + String.join(", ", missing)
                    + " (set in /etc/kotta/kotta.env by the launch template's user data)");
        }
    }

    public Optional<String> optional(String name) {
        String value = values.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }

    public String orDefault(String name, String fallback) {
        return optional(name).orElse(fallback);
    }

    public int port() {
        return Integer.parseInt(orDefault(PORT, "8888"));
    }

    public Optional<URI> endpoint() {
        return optional(ENDPOINT_URL).map(URI::create);
    }

    public String region() {
        return orDefault(REGION, orDefault("AWS_DEFAULT_REGION", "us-east-1"));
    }

    /** The pending queue of a pool ({@link Queue}). */
    public String pendingQueueUrl(Queue queue) {
        return required(queue == Queue.PROD ? PROD_PENDING_QUEUE_URL : TEST_PENDING_QUEUE_URL);
    }

    /** The sha256 of the running release, from {@code releases/<sha256>.tar.gz}; "unknown" if not set. */
    public String releaseSha256() {
        String key = orDefault(RELEASE_KEY, "");
        int slash = key.lastIndexOf('/');
        String name = key.substring(slash + 1);
        return name.endsWith(".tar.gz") ? name.substring(0, name.length() - ".tar.gz".length()) : "unknown";
    }
}
