package org.kotta.deployer.core;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.acm.AcmClient;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The one AWS client factory. Every client gets the lightweight URLConnection HTTP client,
 * an explicit region, call timeouts, the SDK's standard retry strategy (throttling is retried
 * here, with back-off, not by the state machine; every retried attempt is logged by
 * {@link RetryLog}) and, when {@code AWS_ENDPOINT_URL} is set, that endpoint — which is how
 * the same code reaches real AWS, MiniStack or LocalStack.
 */
public final class AwsClients {
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(10);
    /**
     * The standard strategy's 3 attempts wait at most 1 + 2 s for a throttled call (full
     * jitter: half that on average). CloudFormation's Describe and List calls share one
     * account-wide rate with the console, other tools and every deployment's wait loop, and
     * a burst throttles for seconds; a step that gives up then fails the whole deployment
     * (the state machine retries only Lambda's own errors). 5 attempts wait up to 1 + 2 + 4
     * + 8 s, about 7 s on average, inside the 30 s call timeout and far inside the functions'
     * 120 s. Other retryable errors back off from 100 ms, so an unreachable endpoint still
     * fails within about 2 s.
     */
    static final int MAX_ATTEMPTS = 5;

    private final Settings settings;
    private final Region region;
    private final AwsCredentialsProvider credentials;
    private final SdkHttpClient httpClient;
    /** One client per service: built at the first ask (a handler's cold start), then shared. */
    private final Map<Class<?>, Object> clients = new ConcurrentHashMap<>();

    public AwsClients(Settings settings) {
        this.settings = settings;
        this.region =
                Region.of(settings.orDefault(Settings.REGION, settings.orDefault("AWS_DEFAULT_REGION", "us-east-1")));
        this.credentials = DefaultCredentialsProvider.builder().build();
        this.httpClient = UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(5))
                .socketTimeout(Duration.ofSeconds(30))
                .build();
    }

    /**
     * Builds a client at the first ask and hands {@link Priming} its one cheap call, which
     * SnapStart makes before its snapshot. The call needs no resource and may well be refused
     * (AccessDenied): a refusal still loads and runs the signing, HTTP and error-reading code.
     */
    private <C> C cached(Class<C> type, Supplier<C> build, Consumer<C> primingCall) {
        return type.cast(clients.computeIfAbsent(type, unused -> {
            C client = build.get();
            Priming.register(type.getSimpleName(), () -> primingCall.accept(client));
            return client;
        }));
    }

    public Region region() {
        return region;
    }

    public CloudFormationClient cloudFormation() {
        return cached(
                CloudFormationClient.class,
                () -> configure(CloudFormationClient.builder()),
                cfn -> cfn.describeAccountLimits(b -> {}));
    }

    public S3Client s3() {
        // path-style keeps bucket names with dots valid over TLS and is what emulators expect
        return cached(
                S3Client.class,
                () -> configure(S3Client.builder().forcePathStyle(true)),
                s3 -> s3.listBuckets(b -> b.maxBuckets(1)));
    }

    public DynamoDbClient dynamoDb() {
        return cached(
                DynamoDbClient.class,
                () -> configure(DynamoDbClient.builder()),
                dynamo -> dynamo.listTables(b -> b.limit(1)));
    }

    public SfnClient stepFunctions() {
        return cached(
                SfnClient.class,
                () -> configure(SfnClient.builder()),
                sfn -> sfn.listStateMachines(b -> b.maxResults(1)));
    }

    public AcmClient acm() {
        return cached(
                AcmClient.class, () -> configure(AcmClient.builder()), acm -> acm.listCertificates(b -> b.maxItems(1)));
    }

    public SecretsManagerClient secretsManager() {
        return cached(
                SecretsManagerClient.class,
                () -> configure(SecretsManagerClient.builder()),
                secrets -> secrets.listSecrets(b -> b.maxResults(1)));
    }

    public Route53Client route53() {
        return cached(
                Route53Client.class,
                () -> configure(Route53Client.builder()),
                route53 -> route53.getHostedZoneCount(b -> {}));
    }

    public SsmClient ssm() {
        return cached(
                SsmClient.class,
                () -> configure(SsmClient.builder()),
                ssm -> ssm.describeParameters(b -> b.maxResults(1)));
    }

    public ElasticLoadBalancingV2Client elasticLoadBalancing() {
        return cached(
                ElasticLoadBalancingV2Client.class,
                () -> configure(ElasticLoadBalancingV2Client.builder()),
                elb -> elb.describeAccountLimits(b -> b.pageSize(1)));
    }

    public CloudWatchLogsClient logs() {
        return cached(
                CloudWatchLogsClient.class,
                () -> configure(CloudWatchLogsClient.builder()),
                logs -> logs.describeLogGroups(b -> b.limit(1)));
    }

    /** The endpoint override, if any: the emulator's URL in local runs, nothing in AWS. */
    public java.util.Optional<URI> endpoint() {
        return settings.optional(Settings.ENDPOINT_URL).map(URI::create);
    }

    /**
     * Any other client, configured the same way (the local tooling uses it for the Lambda
     * and other clients the functions themselves do not need); not primed.
     */
    public <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C build(B builder) {
        return configure(builder);
    }

    private <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C configure(B builder) {
        builder.region(region)
                .credentialsProvider(credentials)
                .httpClient(httpClient)
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .apiCallTimeout(CALL_TIMEOUT)
                        .apiCallAttemptTimeout(ATTEMPT_TIMEOUT)
                        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                .maxAttempts(MAX_ATTEMPTS)
                                .build())
                        .addExecutionInterceptor(new RetryLog(MAX_ATTEMPTS))
                        .build());
        endpoint().ifPresent(builder::endpointOverride);
        return builder.build();
    }

    /**
     * Makes the SDK's own retries visible: the state machine never sees them (they happen
     * inside one call), so every retried attempt writes one structured log line — service,
     * operation, attempt, the error code the previous attempt got (read from the error
     * response, or "no response" for a connection failure or timeout) and how long the SDK
     * backed off. Only error responses are buffered, to read their code.
     */
    static final class RetryLog implements ExecutionInterceptor {
        private static final ExecutionAttribute<Integer> ATTEMPT = new ExecutionAttribute<>("KottaAttempt");
        private static final ExecutionAttribute<String> LAST_ERROR = new ExecutionAttribute<>("KottaLastError");
        private static final ExecutionAttribute<Integer> LAST_STATUS = new ExecutionAttribute<>("KottaLastStatus");
        private static final ExecutionAttribute<Long> LAST_END = new ExecutionAttribute<>("KottaLastAttemptEnd");
        private static final Pattern XML_CODE = Pattern.compile("<Code>([^<]+)</Code>");
        private static final Pattern JSON_TYPE = Pattern.compile("\"(?:__type|code)\"\\s*:\\s*\"([^\"]+)\"");
        private final int maxAttempts;

        RetryLog(int maxAttempts) {
            this.maxAttempts = maxAttempts;
        }

        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            Integer previous = attributes.getAttribute(ATTEMPT);
            int attempt = previous == null ? 1 : previous + 1;
            attributes.putAttribute(ATTEMPT, attempt);
            if (attempt > 1) {
                Map<String, Object> fields = new LinkedHashMap<>();
                fields.put("service", attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME));
                fields.put("operation", attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
                fields.put("attempt", attempt);
                fields.put("maxAttempts", maxAttempts);
                String error = attributes.getAttribute(LAST_ERROR);
                fields.put("errorCode", error == null ? "no response" : error);
                Integer status = attributes.getAttribute(LAST_STATUS);
                if (status != null) {
                    fields.put("httpStatus", status);
                }
                Long lastEnd = attributes.getAttribute(LAST_END);
                if (lastEnd != null) {
                    fields.put("backedOffMillis", (System.nanoTime() - lastEnd) / 1_000_000);
                }
                Log.forDeployment(null, null).info("AWS call retried", fields);
            }
            attributes.putAttribute(LAST_ERROR, null);
            attributes.putAttribute(LAST_STATUS, null);
            attributes.putAttribute(LAST_END, System.nanoTime());
        }

        @Override
        public Optional<InputStream> modifyHttpResponseContent(
                Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
            attributes.putAttribute(LAST_END, System.nanoTime());
            int status = context.httpResponse().statusCode();
            if (status < 400) {
                return context.responseBody();
            }
            byte[] body;
            try (InputStream in = context.responseBody().orElseGet(InputStream::nullInputStream)) {
                body = in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            attributes.putAttribute(LAST_STATUS, status);
            attributes.putAttribute(
                    LAST_ERROR,
                    errorCode(
                            context.httpResponse()
                                    .firstMatchingHeader("x-amzn-ErrorType")
                                    .orElse(null),
                            body,
                            status));
            return Optional.of(new ByteArrayInputStream(body));
        }

        /** The error code as the protocols carry it: a header, XML {@code Code}, or JSON {@code __type}. */
        static String errorCode(String errorTypeHeader, byte[] body, int status) {
            if (errorTypeHeader != null && !errorTypeHeader.isBlank()) {
                return errorTypeHeader.split(":", 2)[0];
            }
            String text = new String(body, 0, Math.min(body.length, 4096), StandardCharsets.UTF_8);
            Matcher xml = XML_CODE.matcher(text);
            if (xml.find()) {
                return xml.group(1).trim();
            }
            Matcher json = JSON_TYPE.matcher(text);
            if (json.find()) {
                String type = json.group(1);
                return type.substring(type.lastIndexOf('#') + 1);
            }
            return "HTTP " + status;
        }
    }
}
