package org.kotta.deployer.validate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kotta.deployer.core.AwsClients;
import org.kotta.deployer.core.DeploymentRequest;
import org.kotta.deployer.core.FieldError;
import org.kotta.deployer.core.Settings;
import org.kotta.deployer.core.StackPhase;
import org.kotta.deployer.stacks.StackReport;
import org.kotta.deployer.stacks.StackWatcher;
import org.kotta.deployer.testing.Waits;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.acm.AcmClient;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * {@link AccountChecker} against the local cloud: real buckets, certificate, secret, hosted
 * zone and base stack, created here with names unique to the run.
 */
class AccountCheckerIT {
    private static final String ENDPOINT = System.getProperty("kotta.endpoint", "http://127.0.0.1:4566");
    private static final String RUN = Long.toString(System.currentTimeMillis(), 36)
            + UUID.randomUUID().toString().substring(0, 4);
    private static final String FOREIGN_BUCKET = "kotta-it-foreign-" + RUN;
    private static final String OTHER_ACCOUNT_BUCKET = "kotta-it-other-account-" + RUN;
    /** MiniStack scopes a request to the account a 12-digit access key names. */
    private static final String OTHER_ACCOUNT = "111111111111";

    private static final String OURS_STACK = "kotta-it-ours-" + RUN;
    private static final String OURS_BUCKET = "kotta-it-ours-jobs-" + RUN;
    private static final String CODE_BUCKET = "kotta-it-code-" + RUN;
    private static final String CODE_KEY = "web/kotta-web.tar.gz";
    private static final String ZONE_NAME = "it-" + RUN + ".example.org";

    private static CloudFormationClient cloudFormation;
    private static S3Client s3;
    private static AcmClient acm;
    private static SecretsManagerClient secretsManager;
    private static Route53Client route53;
    private static AccountChecker checker;

    private static String certificateArn;
    private static String secretArn;
    private static String deletedSecretArn;
    private static String hostedZoneId;

    @BeforeAll
    static void createAccountResources() throws InterruptedException {
        AwsClients clients =
                new AwsClients(new Settings(Map.of("AWS_ENDPOINT_URL", ENDPOINT, "AWS_REGION", "us-east-1")));
        cloudFormation = clients.cloudFormation();
        s3 = clients.s3();
        acm = clients.acm();
        secretsManager = clients.secretsManager();
        route53 = clients.route53();
        checker = AccountChecker.from(clients);

        s3.createBucket(b -> b.bucket(FOREIGN_BUCKET));
        s3.createBucket(b -> b.bucket(CODE_BUCKET));
        s3.putObject(p -> p.bucket(CODE_BUCKET).key(CODE_KEY), RequestBody.fromBytes(new byte[] {0x1f, (byte) 0x8b}));
        certificateArn =
                acm.requestCertificate(r -> r.domainName("kotta." + ZONE_NAME)).certificateArn();
        secretArn = secretsManager
                .createSecret(r -> r.name("kotta-it/lwa-" + RUN).secretString("not-a-real-client-secret"))
                .arn();
        deletedSecretArn = secretsManager
                .createSecret(r -> r.name("kotta-it/deleted-" + RUN).secretString("not-a-real-client-secret"))
                .arn();
        secretsManager.deleteSecret(r -> r.secretId(deletedSecretArn).recoveryWindowInDays(7L));
        hostedZoneId = route53.createHostedZone(r -> r.name(ZONE_NAME).callerReference("kotta-it-" + RUN))
                .hostedZone()
                .id()
                .replace("/hostedzone/", "");
        createBaseStackOwning(OURS_STACK + DeploymentRequest.BASE_STACK_SUFFIX, OURS_BUCKET);
        asOtherAccount(other -> other.createBucket(b -> b.bucket(OTHER_ACCOUNT_BUCKET)));
    }

    /**
     * Runs {@code action} with an S3 client of another account. AwsClients takes credentials from
     * the default chain, whose first link is the {@code aws.accessKeyId} system property; the
     * clients above have already settled on the environment's credentials.
     */
    private static void asOtherAccount(java.util.function.Consumer<S3Client> action) {
        System.setProperty("aws.accessKeyId", OTHER_ACCOUNT);
        System.setProperty("aws.secretAccessKey", "test");
        try (S3Client other =
                new AwsClients(new Settings(Map.of("AWS_ENDPOINT_URL", ENDPOINT, "AWS_REGION", "us-east-1"))).s3()) {
            action.accept(other);
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
    }

    /** A stand-in for kotta-base.yaml: only the JobsBucket the checker looks for. */
    private static void createBaseStackOwning(String stackName, String bucket) throws InterruptedException {
        String template = """
                {"Resources": {"JobsBucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "%s"}}}}
                """.formatted(bucket);
        cloudFormation.createStack(r -> r.stackName(stackName).templateBody(template));
        // the product's own look at a stack, as the state machine's wait loop takes it
        StackWatcher watcher = new StackWatcher(cloudFormation);
        StackReport report = Waits.untilOrLatest(
                Duration.ofSeconds(30),
                Duration.ofMillis(500),
                () -> watcher.check(stackName),
                seen -> !StackPhase.IN_PROGRESS.equals(seen.phase()));
        assertThat(report.status())
                .as("base stack %s: %s", stackName, report.reason())
                .isEqualTo("CREATE_COMPLETE");
    }

    @AfterAll
    static void deleteAccountResources() {
        if (s3 == null) {
            return;
        }
        bestEffort(
                () -> cloudFormation.deleteStack(r -> r.stackName(OURS_STACK + DeploymentRequest.BASE_STACK_SUFFIX)));
        bestEffort(() -> s3.deleteObject(r -> r.bucket(CODE_BUCKET).key(CODE_KEY)));
        for (String bucket : List.of(FOREIGN_BUCKET, CODE_BUCKET)) {
            bestEffort(() -> s3.deleteBucket(r -> r.bucket(bucket)));
        }
        bestEffort(() -> acm.deleteCertificate(r -> r.certificateArn(certificateArn)));
        for (String arn : new String[] {secretArn, deletedSecretArn}) {
            bestEffort(() -> secretsManager.deleteSecret(r -> r.secretId(arn).forceDeleteWithoutRecovery(true)));
        }
        bestEffort(() -> route53.deleteHostedZone(r -> r.id(hostedZoneId)));
        bestEffort(() -> asOtherAccount(other -> other.deleteBucket(r -> r.bucket(OTHER_ACCOUNT_BUCKET))));
    }

    private static void bestEffort(Runnable cleanup) {
        try {
            cleanup.run();
        } catch (RuntimeException e) {
            System.err.println("cleanup: " + e.getMessage());
        }
    }

    // ---- requests, built through the validator like the real flow ---------------------------------

    private static DeploymentRequest request(Map<String, String> overrides) {
        ObjectNode body = RequestValidatorTest.validRequest();
        body.put("stackName", "kotta-it-" + RUN);
        body.put("jobsBucketName", "kotta-it-free-" + RUN);
        body.put("domainName", "kotta." + ZONE_NAME);
        body.put("certificateArn", certificateArn);
        body.put("oauthClientSecretArn", secretArn);
        body.put("codeSource", "s3://" + CODE_BUCKET + "/" + CODE_KEY);
        overrides.forEach((field, value) -> {
            if (value == null) {
                body.remove(field);
            } else {
                body.put(field, value);
            }
        });
        ValidationResult result = new RequestValidator().validate(body);
        assertThat(result.errors()).as("the request itself must be valid").isEmpty();
        return result.request();
    }

    private static Map<String, String> with(String field, String value) {
        java.util.HashMap<String, String> map = new java.util.HashMap<>();
        map.put(field, value);
        return map;
    }

    private static String missingCertificateArn() {
        return certificateArn.substring(0, certificateArn.lastIndexOf('/') + 1) + UUID.randomUUID();
    }

    private static String missingSecretArn() {
        return secretArn.substring(0, secretArn.lastIndexOf(":secret:") + ":secret:".length()) + "kotta-it/missing-"
                + RUN;
    }

    // ---- passing -------------------------------------------------------------------------------

    @Test
    void passesForAFreeBucketAndAnExistingCertificateSecretAndCodeObject() {
        assertThat(checker.check(request(Map.of()))).isEmpty();
    }

    @Test
    void partialSecretArn_passes_andTheRequestToDeployNamesTheFullArn() {
        // the ARN without Secrets Manager's "-XXXXXX" suffix: DescribeSecret finds the secret, but an
        // IAM policy naming this partial ARN would never match the secret
        String partial = secretArn.substring(0, secretArn.lastIndexOf('-'));
        AccountChecker.Checked checked = checker.checkAndResolve(request(with("oauthClientSecretArn", partial)));

        assertThat(checked.errors()).isEmpty();
        assertThat(checked.request().oauthClientSecretArn())
                .isEqualTo(secretArn)
                .isNotEqualTo(partial);
    }

    @Test
    void passesWithoutCodeSource() {
        assertThat(checker.check(request(with("codeSource", null)))).isEmpty();
    }

    @Test
    void passesForTheBucketOfThisDeploymentsOwnBaseStack() {
        Map<String, String> overrides = with("stackName", OURS_STACK);
        overrides.put("jobsBucketName", OURS_BUCKET);

        assertThat(checker.check(request(overrides))).isEmpty();
    }

    @Test
    void passesForAHostedZoneThatIsTheDomainOrItsParent() {
        for (String domain : List.of(ZONE_NAME, "kotta." + ZONE_NAME, "a.b." + ZONE_NAME.toUpperCase())) {
            Map<String, String> overrides = with("certificateArn", null);
            overrides.put("hostedZoneId", hostedZoneId);
            overrides.put("domainName", domain);

            assertThat(checker.check(request(overrides))).as(domain).isEmpty();
        }
    }

    @Test
    void acceptsTheHostedZoneIdWithItsPrefix() {
        Map<String, String> overrides = with("certificateArn", null);
        overrides.put("hostedZoneId", "/hostedzone/" + hostedZoneId);

        assertThat(checker.check(request(overrides))).isEmpty();
    }

    // ---- failing -------------------------------------------------------------------------------

    @Test
    void failsForAnExistingBucketOfNoStack_sayingItIsInThisAccountAndNotHeldByTheStack() {
        List<FieldError> errors = checker.check(request(with("jobsBucketName", FOREIGN_BUCKET)));

        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.field()).isEqualTo("jobsBucketName");
            assertThat(e.message())
                    .contains("already exists in this account but stack ")
                    .contains("does not hold it")
                    .contains("left behind by a deleted stack")
                    .doesNotContain("another stack or account");
        });
    }

    @Test
    void failsForABucketOfAnotherAccount() {
        List<FieldError> errors = checker.check(request(with("jobsBucketName", OTHER_ACCOUNT_BUCKET)));

        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.field()).isEqualTo("jobsBucketName");
            assertThat(e.message()).contains("belongs to another AWS account");
        });
    }

    @Test
    void failsForABucketOwnedByAnotherStack() {
        // the bucket is the JobsBucket of OURS_STACK's base stack, not of this deployment's
        List<FieldError> errors = checker.check(request(with("jobsBucketName", OURS_BUCKET)));

        assertThat(errors).extracting(FieldError::field).containsExactly("jobsBucketName");
    }

    @Test
    void failsForAMissingCertificate() {
        List<FieldError> errors = checker.check(request(with("certificateArn", missingCertificateArn())));

        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.field()).isEqualTo("certificateArn");
            assertThat(e.message()).startsWith("no ACM certificate with this ARN");
        });
    }

    @Test
    void failsForAMissingSecretWithoutReadingAnySecret() {
        List<FieldError> errors = checker.check(request(with("oauthClientSecretArn", missingSecretArn())));

        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.field()).isEqualTo("oauthClientSecretArn");
            assertThat(e.message()).startsWith("no Secrets Manager secret with this ARN");
        });
    }

    @Test
    void failsForASecretScheduledForDeletion() {
        List<FieldError> errors = checker.check(request(with("oauthClientSecretArn", deletedSecretArn)));

        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.field()).isEqualTo("oauthClientSecretArn");
            assertThat(e.message()).contains("scheduled for deletion");
        });
    }

    @Test
    void failsForAMissingCodeObject() {
        List<FieldError> errors =
                checker.check(request(with("codeSource", "s3://" + CODE_BUCKET + "/web/missing.tgz")));

        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.field()).isEqualTo("codeSource");
            assertThat(e.message()).startsWith("no object at s3://" + CODE_BUCKET + "/web/missing.tgz");
        });
    }

    @Test
    void failsForACodeObjectInAMissingBucket() {
        List<FieldError> errors =
                checker.check(request(with("codeSource", "s3://kotta-it-nobucket-" + RUN + "/a.tgz")));

        assertThat(errors).extracting(FieldError::field).containsExactly("codeSource");
    }

    @Test
    void failsForAMissingHostedZone() {
        Map<String, String> overrides = with("certificateArn", null);
        overrides.put("hostedZoneId", "ZNOSUCHZONE" + RUN.toUpperCase());

        List<FieldError> errors = checker.check(request(overrides));

        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.field()).isEqualTo("hostedZoneId");
            assertThat(e.message()).startsWith("no Route 53 hosted zone");
        });
    }

    @Test
    void failsForAHostedZoneThatDoesNotCoverTheDomain() {
        Map<String, String> overrides = with("certificateArn", null);
        overrides.put("hostedZoneId", hostedZoneId);
        overrides.put("domainName", "kotta.other-" + ZONE_NAME);

        List<FieldError> errors = checker.check(request(overrides));

        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.field()).isEqualTo("hostedZoneId");
            assertThat(e.message()).contains("does not contain domainName");
        });
    }

    @Test
    void reportsEveryFailingCheckAtOnce() {
        Map<String, String> overrides = with("jobsBucketName", FOREIGN_BUCKET);
        overrides.put("certificateArn", missingCertificateArn());
        overrides.put("oauthClientSecretArn", missingSecretArn());
        overrides.put("codeSource", "s3://" + CODE_BUCKET + "/web/missing.tar.gz");

        assertThat(checker.check(request(overrides)))
                .extracting(FieldError::field)
                .containsExactly("jobsBucketName", "certificateArn", "oauthClientSecretArn", "codeSource");
    }
}
