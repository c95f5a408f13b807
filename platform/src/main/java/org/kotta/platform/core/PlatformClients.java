package org.kotta.platform.core;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The platform's one AWS client factory: the lightweight URLConnection HTTP client, the
 * wiring's region, call timeouts, and {@code AWS_ENDPOINT_URL} when set (the local cloud).
 * Credentials come from the default chain: the instance role through IMDSv2 on EC2.
 */
public final class PlatformClients {
    /** Long polls wait 20 s: the socket must outlast them. */
    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(40);

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(45);

    private final Region region;
    private final Optional<URI> endpoint;
    private final AwsCredentialsProvider credentials;
    private final SdkHttpClient httpClient;
    private final Map<Class<?>, Object> clients = new ConcurrentHashMap<>();

    public PlatformClients(Wiring wiring) {
        this.region = Region.of(wiring.region());
        this.endpoint = wiring.endpoint();
        this.credentials = DefaultCredentialsProvider.builder().build();
        this.httpClient = UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(5))
                .socketTimeout(SOCKET_TIMEOUT)
                .build();
    }

    public DynamoDbClient dynamo() {
        return cached(DynamoDbClient.class, () -> build(DynamoDbClient.builder()));
    }

    public S3Client s3() {
        return cached(
                S3Client.class,
                () -> build(S3Client.builder()
                        .serviceConfiguration(S3Configuration.builder()
                                .pathStyleAccessEnabled(endpoint.isPresent())
                                .build())));
    }

    /** Presigned URLs, signed with the same credentials and endpoint as {@link #s3()}. */
    public S3Presigner presigner() {
        return cached(S3Presigner.class, () -> {
            S3Presigner.Builder builder = S3Presigner.builder()
                    .region(region)
                    .credentialsProvider(credentials)
                    .serviceConfiguration(S3Configuration.builder()
                            .pathStyleAccessEnabled(endpoint.isPresent())
                            .build());
            endpoint.ifPresent(builder::endpointOverride);
            return builder.build();
        });
    }

    public SqsClient sqs() {
        return cached(SqsClient.class, () -> build(SqsClient.builder()));
    }

    public SnsClient sns() {
        return cached(SnsClient.class, () -> build(SnsClient.builder()));
    }

    /** Task executors: their own instance's scale-in protection and termination hook. */
    public AutoScalingClient autoScaling() {
        return cached(AutoScalingClient.class, () -> build(AutoScalingClient.builder()));
    }

    public SecretsManagerClient secrets() {
        return cached(SecretsManagerClient.class, () -> build(SecretsManagerClient.builder()));
    }

    /**
     * Reads a secret's string into memory; fails loudly (never an empty value) when it is
     * missing or empty. The value is never logged or written anywhere.
     */
    public String secretString(String secretArn) {
        String value;
        try {
            value = secrets().getSecretValue(b -> b.secretId(secretArn)).secretString();
        } catch (ResourceNotFoundException e) {
            throw new IllegalStateException("the secret " + secretArn + " does not exist", e);
        }
        if (value == null || value.isEmpty()) {
            throw new IllegalStateException("the secret " + secretArn + " has no string value");
        }
        return value;
    }

    private <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C build(B builder) {
        builder.region(region)
                .credentialsProvider(credentials)
                .httpClient(httpClient)
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .apiCallTimeout(CALL_TIMEOUT)
                        .build());
        endpoint.ifPresent(builder::endpointOverride);
        return builder.build();
    }

    @SuppressWarnings("unchecked")
    private <C> C cached(Class<C> type, Supplier<C> build) {
        return (C) clients.computeIfAbsent(type, t -> build.get());
    }
}
