package org.kotta.deployer.core;

import java.net.URI;
import java.time.Duration;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.acm.AcmClient;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * The one AWS client factory. Every client gets the lightweight URLConnection HTTP client,
 * an explicit region, call timeouts, the SDK's standard retry mode (throttling is retried
 * here, with back-off, not by the state machine) and, when {@code AWS_ENDPOINT_URL} is set,
 * that endpoint — which is how the same code reaches real AWS, MiniStack or LocalStack.
 */
public final class AwsClients {
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(10);

    private final Settings settings;
    private final Region region;
    private final AwsCredentialsProvider credentials;
    private final SdkHttpClient httpClient;

    public AwsClients(Settings settings) {
        this.settings = settings;
        this.region = Region.of(settings.orDefault(Settings.REGION,
                settings.orDefault("AWS_DEFAULT_REGION", "us-east-1")));
        this.credentials = DefaultCredentialsProvider.builder().build();
        this.httpClient = UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(5))
                .socketTimeout(Duration.ofSeconds(30))
                .build();
    }

    public Region region() {
        return region;
    }

    public CloudFormationClient cloudFormation() {
        return configure(CloudFormationClient.builder());
    }

    public S3Client s3() {
        // path-style keeps bucket names with dots valid over TLS and is what emulators expect
        var builder = S3Client.builder().forcePathStyle(true);
        return configure(builder);
    }

    public DynamoDbClient dynamoDb() {
        var builder = DynamoDbClient.builder();
        return configure(builder);
    }

    public SfnClient stepFunctions() {
        var builder = SfnClient.builder();
        return configure(builder);
    }

    public AcmClient acm() {
        var builder = AcmClient.builder();
        return configure(builder);
    }

    public SecretsManagerClient secretsManager() {
        var builder = SecretsManagerClient.builder();
        return configure(builder);
    }

    public Route53Client route53() {
        var builder = Route53Client.builder();
        return configure(builder);
    }

    /** The endpoint override, if any: the emulator's URL in local runs, nothing in AWS. */
    public java.util.Optional<URI> endpoint() {
        return settings.optional(Settings.ENDPOINT_URL).map(URI::create);
    }

    /**
     * Any other client, configured the same way (the local tooling uses it for the Lambda
     * and other clients the functions themselves do not need).
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
                        .retryStrategy(RetryMode.STANDARD)
                        .build());
        endpoint().ifPresent(builder::endpointOverride);
        return builder.build();
    }
}
