package org.kotta.deployer.validate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.kotta.deployer.core.AdminUser;
import org.kotta.deployer.core.DeploymentRequest;
import org.kotta.deployer.core.FieldError;
import org.kotta.deployer.core.Json;
import org.kotta.deployer.testing.RepoRoot;

class RequestValidatorTest {
    private static final String REGION = "us-east-1";
    private static final String OTHER_REGION = "eu-west-1";
    private static final String CERT_ID = "0f3c9a52-8d1e-4b7a-9c2f-5e6d7a8b9c0d";
    private static final String SECRET_VALUE = "3f9d1c0a7b2e4f68a1c3e5d7b9f0a2c4e6d8b0f1a3c5e7d9b2f4a6c8e0d1b3f5";

    private final RequestValidator validator = new RequestValidator();

    // ---- helpers ------------------------------------------------------------------------------

    static ObjectNode validRequest() {
        try (InputStream in = RequestValidatorTest.class.getResourceAsStream("/requests/valid-request.json")) {
            return (ObjectNode) Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private ValidationResult validateWith(String field, JsonNode value) {
        ObjectNode body = validRequest();
        body.set(field, value);
        return validator.validate(body);
    }

    private ValidationResult validateWith(String field, String value) {
        return validateWith(field, Json.MAPPER.getNodeFactory().textNode(value));
    }

    private ValidationResult validateWithout(String field) {
        ObjectNode body = validRequest();
        body.remove(field);
        return validator.validate(body);
    }

    private static void assertValid(ValidationResult result) {
        assertThat(result.errors()).isEmpty();
        assertThat(result.valid()).isTrue();
        assertThat(result.request()).isNotNull();
    }

    /** Invalid, and every error is on {@code field}; returns the messages. */
    private static List<String> assertOnlyFieldRejected(ValidationResult result, String field) {
        assertThat(result.valid()).isFalse();
        assertThat(result.request()).isNull();
        assertThat(result.errors()).isNotEmpty().extracting(FieldError::field).containsOnly(field);
        return result.errors().stream().map(FieldError::message).toList();
    }

    private static void assertNothingEchoes(ValidationResult result, String value) {
        assertThat(result.errors()).allSatisfy(e -> {
            assertThat(e.message()).doesNotContain(value);
            assertThat(e.field()).doesNotContain(value);
        });
    }

    private static String repeat(char c, int n) {
        return String.valueOf(c).repeat(n);
    }

    // ---- the whole request ----------------------------------------------------------------------

    @Test
    void acceptsTheValidSampleAndNormalizesIt() {
        ValidationResult result = validator.validate(validRequest());

        assertValid(result);
        DeploymentRequest request = result.request();
        assertThat(request.stackName()).isEqualTo("kotta-research");
        assertThat(request.baseStackName()).isEqualTo("kotta-research-base");
        assertThat(request.region()).isEqualTo(REGION);
        assertThat(request.certificateArn()).endsWith(CERT_ID);
        assertThat(request.hostedZoneId()).isNull();
        assertThat(request.spotPrice()).isEqualTo("0.10");
        assertThat(request.adminUsers())
                .containsExactly(
                        new AdminUser("ada.lovelace@example.org", "Ada Lovelace"),
                        new AdminUser("grace@example.org", null));
    }

    @Test
    void acceptsTheExampleRequestShippedWithTheProject() throws IOException {
        JsonNode example = Json.MAPPER.readTree(Files.readString(RepoRoot.resolve("examples/deploy-request.json")));

        assertValid(validator.validate(example));
    }

    @Test
    void appliesDefaultsWhenOptionalFieldsAreAbsent() {
        ObjectNode body = validRequest();
        body.remove(List.of(
                "webServerInstanceType",
                "taskExecutorInstanceType",
                "prodMinWorkers",
                "prodMaxWorkers",
                "testMinWorkers",
                "testMaxWorkers",
                "spotPrice",
                "keyPairName",
                "codeSource"));

        ValidationResult result = validator.validate(body);

        assertValid(result);
        DeploymentRequest request = result.request();
        assertThat(request.webServerInstanceType()).isEqualTo("t3.small");
        assertThat(request.taskExecutorInstanceType()).isEqualTo("c5.large");
        assertThat(List.of(
                        request.prodMinWorkers(),
                        request.prodMaxWorkers(),
                        request.testMinWorkers(),
                        request.testMaxWorkers()))
                .containsExactly(0, 10, 0, 2);
        assertThat(request.spotPrice()).isEqualTo("0.10");
        assertThat(request.keyPairName()).isNull();
        assertThat(request.codeSource()).isNull();
    }

    @Test
    void appliesDefaultsWhenOptionalFieldsAreNull() {
        ObjectNode body = validRequest();
        for (String field : List.of(
                "webServerInstanceType",
                "taskExecutorInstanceType",
                "prodMinWorkers",
                "prodMaxWorkers",
                "testMinWorkers",
                "testMaxWorkers",
                "spotPrice",
                "keyPairName",
                "codeSource")) {
            body.putNull(field);
        }

        ValidationResult result = validator.validate(body);

        assertValid(result);
        assertThat(result.request().prodMaxWorkers()).isEqualTo(10);
        assertThat(result.request().spotPrice()).isEqualTo("0.10");
        assertThat(result.request().webServerInstanceType()).isEqualTo("t3.small");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "stackName",
                "region",
                "jobsBucketName",
                "domainName",
                "oauthClientId",
                "oauthClientSecretArn",
                "adminUsers"
            })
    void reportsMissingAndNullRequiredFields(String field) {
        assertThat(assertOnlyFieldRejected(validateWithout(field), field)).anyMatch(m -> m.startsWith("is required"));
        assertThat(assertOnlyFieldRejected(validateWith(field, json("null")), field))
                .anyMatch(m -> m.startsWith("is required"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "\"text\"", "42", "null", "true"})
    void rejectsABodyThatIsNotAnObject(String body) {
        assertThat(assertOnlyFieldRejected(validator.validate(json(body)), RequestValidator.BODY))
                .containsExactly("the request body must be a JSON object");
    }

    @Test
    void rejectsAMissingBody() {
        assertOnlyFieldRejected(validator.validate(null), RequestValidator.BODY);
    }

    @Test
    void reportsEveryBadFieldAtOnce() {
        ObjectNode body = validRequest();
        body.put("stackName", "1-starts-with-a-digit");
        body.put("region", "us-gov-west-1");
        body.put("jobsBucketName", "Jobs_Bucket");
        body.put("prodMaxWorkers", 1000);
        ((ObjectNode) body.get("adminUsers").get(1)).put("email", "not-an-address");

        ValidationResult result = validator.validate(body);

        assertThat(result.valid()).isFalse();
        assertThat(result.errors())
                .extracting(FieldError::field)
                .containsOnly("stackName", "region", "jobsBucketName", "prodMaxWorkers", "adminUsers[1].email")
                .contains("stackName", "region", "jobsBucketName", "prodMaxWorkers", "adminUsers[1].email");
    }

    @Test
    void reportsEachUnknownField() {
        ObjectNode body = validRequest();
        body.put("stackname", "typo");
        body.put("emailSender", "kotta@example.org");

        ValidationResult result = validator.validate(body);

        assertThat(result.errors())
                .containsExactlyInAnyOrder(
                        new FieldError("stackname", "unknown field"), new FieldError("emailSender", "unknown field"));
    }

    @Test
    void reportsUnknownFieldsOfAnAdminUser() {
        ObjectNode body = validRequest();
        ((ObjectNode) body.get("adminUsers").get(0)).put("role", "owner");

        assertThat(validator.validate(body).errors())
                .containsExactly(new FieldError("adminUsers[0].role", "unknown field"));
    }

    @Test
    void neverEchoesControlCharactersOrLongNamesOfUnknownFields() {
        ObjectNode body = validRequest();
        body.put("bad\u0007name" + repeat('x', 100), 1);

        ValidationResult result = validator.validate(body);

        assertThat(result.errors()).singleElement().satisfies(e -> {
            assertThat(JsonFields.hasControlCharacters(e.field())).isFalse();
            assertThat(e.field()).hasSizeLessThan(70).startsWith("bad?name");
        });
    }

    // ---- secrets --------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"oauthClientSecret", "clientSecret", "SECRET", "oauth_client_secret_value"})
    void refusesAnyFieldCarryingASecretWithoutEchoingIt(String field) {
        ValidationResult result = validateWith(field, SECRET_VALUE);

        assertThat(assertOnlyFieldRejected(result, field))
                .singleElement()
                .asString()
                .contains("Secrets Manager")
                .contains("oauthClientSecretArn");
        assertNothingEchoes(result, SECRET_VALUE);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                SECRET_VALUE,
                "my-client-secret",
                "arn:aws:secretsmanager:us-east-1:123456789012:secret:",
                "arn:aws:ssm:us-east-1:123456789012:parameter/kotta/secret",
                "arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:kotta"
            })
    void refusesASecretArnThatIsNotOneWithoutEchoingIt(String value) {
        ValidationResult result = validateWith("oauthClientSecretArn", value);

        assertThat(assertOnlyFieldRejected(result, "oauthClientSecretArn"))
                .containsExactly(
                        "must be the ARN of a Secrets Manager secret holding the Login-with-Amazon client secret"
                                + " (arn:aws:secretsmanager:<region>:<12-digit account>:secret:<name>), never the secret"
                                + " itself");
        assertNothingEchoes(result, value);
    }

    @Test
    void neverEchoesASecretPastedWithControlCharacters() {
        String pasted = SECRET_VALUE + "\n";
        ValidationResult result = validateWith("oauthClientSecretArn", pasted);

        assertOnlyFieldRejected(result, "oauthClientSecretArn");
        assertNothingEchoes(result, SECRET_VALUE);
    }

    @Test
    void neverEchoesASecretPastedIntoTheClientIdField() {
        ValidationResult result = validateWith("oauthClientId", SECRET_VALUE);

        assertOnlyFieldRejected(result, "oauthClientId");
        assertNothingEchoes(result, SECRET_VALUE);
        assertNothingEchoes(result, SECRET_VALUE.substring(0, 16));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "stackName",
                "region",
                "jobsBucketName",
                "domainName",
                "certificateArn",
                "webServerInstanceType",
                "taskExecutorInstanceType",
                "spotPrice",
                "codeSource"
            })
    void neverEchoesASecretPastedIntoAnyOtherField(String field) {
        ValidationResult result = validateWith(field, SECRET_VALUE);

        assertOnlyFieldRejected(result, field);
        assertNothingEchoes(result, SECRET_VALUE);
        // nor a part of it: a message quoting the value cut short would still leak
        assertNothingEchoes(result, SECRET_VALUE.substring(0, 16));
        assertNothingEchoes(result, SECRET_VALUE.substring(SECRET_VALUE.length() - 16));
    }

    @Test
    void neverEchoesASecretPastedIntoAnAdminField() {
        ValidationResult result = validateWith("adminUsers", admin(SECRET_VALUE, null));

        assertOnlyFieldRejected(result, "adminUsers[0].email");
        assertNothingEchoes(result, SECRET_VALUE);
    }

    static Stream<String> secretArnsAccepted() {
        String prefix = "arn:aws:secretsmanager:us-east-1:123456789012:secret:";
        return Stream.of(
                prefix + "kotta/lwa-AbCdEf",
                prefix + "kotta-lwa",
                prefix + "a",
                prefix + "a/b_c+d=e.f@g-h",
                prefix + repeat('n', 512));
    }

    @ParameterizedTest
    @MethodSource("secretArnsAccepted")
    void acceptsSecretsManagerArns(String arn) {
        assertValid(validateWith("oauthClientSecretArn", arn));
    }

    @Test
    void rejectsASecretNameLongerThan512() {
        String arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:" + repeat('n', 513);
        assertOnlyFieldRejected(validateWith("oauthClientSecretArn", arn), "oauthClientSecretArn");
    }

    @Test
    void rejectsASecretFromAnotherRegion() {
        ValidationResult result = validateWith(
                "oauthClientSecretArn", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:kotta-lwa-AbCdEf");

        assertThat(assertOnlyFieldRejected(result, "oauthClientSecretArn"))
                .singleElement()
                .asString()
                .contains("eu-west-1")
                .contains("us-east-1");
    }

    // ---- stackName --------------------------------------------------------------------------------

    @ParameterizedTest
    @MethodSource("stackNamesAccepted")
    void acceptsStackNames(String name) {
        assertValid(validateWith("stackName", name));
    }

    static Stream<String> stackNamesAccepted() {
        return Stream.of("a", "Kotta", "kotta-research-2", "K-1", repeat('k', 63));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1kotta", "-kotta", "kotta_research", "kotta research", "kotta.research", "kötta"})
    void rejectsStackNamesBreakingCloudFormationRules(String name) {
        assertThat(assertOnlyFieldRejected(validateWith("stackName", name), "stackName"))
                .anyMatch(m -> m.contains("must start with a letter"));
    }

    @Test
    void rejectsAStackNameTooLongForTheDerivedQueueNames() {
        assertThat(AwsNames.MAX_STACK_NAME_LENGTH).isEqualTo(80 - "-prod-pending-dlq".length());

        assertThat(assertOnlyFieldRejected(validateWith("stackName", repeat('k', 64)), "stackName"))
                .containsExactly("must be at most 63 characters (got 64): the deployment's queue"
                        + " <stackName>-prod-pending-dlq must fit SQS's 80-character limit for queue names");
    }

    @Test
    void rejectsAnEmptyStackName() {
        assertThat(assertOnlyFieldRejected(validateWith("stackName", ""), "stackName"))
                .containsExactly("must not be empty");
    }

    // ---- region -------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(
            strings = {
                "us-east-1",
                "us-west-2",
                "ca-west-1",
                "mx-central-1",
                "eu-south-2",
                "il-central-1",
                "ap-southeast-7",
                "ap-east-2",
                "af-south-1"
            })
    void acceptsCommercialRegions(String region) {
        ObjectNode body = validRequest();
        body.put("region", region);
        body.put("certificateArn", "arn:aws:acm:" + region + ":123456789012:certificate/" + CERT_ID);
        body.put("oauthClientSecretArn", "arn:aws:secretsmanager:" + region + ":123456789012:secret:kotta-lwa");

        assertValid(validator.validate(body));
    }

    @Test
    void anOrchestratorAcceptsItsOwnRegion() {
        ObjectNode body = validRequest();

        assertValid(new RequestValidator(body.path("region").asText()).validate(body));
    }

    @Test
    void anOrchestratorRefusesAnotherRegionNamingWhereToInstall() {
        ObjectNode body = validRequest();
        String region = body.path("region").asText();
        String elsewhere = region.equals("eu-west-1") ? "us-east-1" : "eu-west-1";

        ValidationResult result = new RequestValidator(elsewhere).validate(body);

        assertThat(result.errors())
                .filteredOn(e -> e.field().equals("region"))
                .singleElement()
                .extracting(FieldError::message)
                .asString()
                .contains("runs in " + elsewhere)
                .contains("install it in " + region);
    }

    @ParameterizedTest
    @ValueSource(strings = {"us-gov-west-1", "us-gov-east-1", "cn-north-1", "cn-northwest-1"})
    void rejectsGovCloudAndChinaRegionsSayingWhy(String region) {
        ValidationResult result = validateWith("region", region);

        assertThat(result.errors())
                .filteredOn(e -> e.field().equals("region"))
                .singleElement()
                .extracting(FieldError::message)
                .asString()
                .contains("GovCloud and China")
                .contains("partitions");
    }

    @ParameterizedTest
    @ValueSource(strings = {"US-EAST-1", "us-east-9", "mars-1", "us-east-1 "})
    void rejectsUnknownRegions(String region) {
        ValidationResult result = validateWith("region", region);

        assertThat(result.errors())
                .filteredOn(e -> e.field().equals("region"))
                .singleElement()
                .extracting(FieldError::message)
                .asString()
                .startsWith("must be a commercial AWS region such as us-east-1");
    }

    // ---- jobsBucketName -----------------------------------------------------------------------------

    @ParameterizedTest
    @MethodSource("bucketNamesAccepted")
    void acceptsBucketNames(String name) {
        assertValid(validateWith("jobsBucketName", name));
    }

    static Stream<String> bucketNamesAccepted() {
        return Stream.of(
                "abc",
                repeat('b', 63),
                "kotta.jobs-1",
                "1bucket",
                "bucket9",
                "a.b.c",
                "192.168.5.4a",
                "xn-bucket",
                "bucket-s3alia");
    }

    static Stream<Arguments> bucketNamesRejected() {
        return Stream.of(
                Arguments.of("ab", "must be 3 to 63 characters long (got 2)"),
                Arguments.of(repeat('b', 64), "must be 3 to 63 characters long (got 64)"),
                Arguments.of("Kotta-Jobs", "may contain only lowercase letters"),
                Arguments.of("kotta_jobs", "may contain only lowercase letters"),
                Arguments.of("kotta jobs", "may contain only lowercase letters"),
                Arguments.of("-kotta", "must start and end with a lowercase letter or digit"),
                Arguments.of("kotta-", "must start and end with a lowercase letter or digit"),
                Arguments.of(".kotta", "must start and end with a lowercase letter or digit"),
                Arguments.of("kotta..jobs", "must not contain two adjacent periods"),
                Arguments.of("192.168.5.4", "must not be formatted as an IP address"),
                Arguments.of("xn--kotta", "must not start with the reserved prefix xn--"),
                Arguments.of("sthree-kotta", "must not start with the reserved prefix sthree-"),
                Arguments.of("amzn-s3-demo-kotta", "must not start with the reserved prefix amzn-s3-demo-"),
                Arguments.of("kotta-s3alias", "must not end with the reserved suffix -s3alias"),
                Arguments.of("kotta--ol-s3", "must not end with the reserved suffix --ol-s3"),
                Arguments.of("kotta.mrap", "must not end with the reserved suffix .mrap"),
                Arguments.of("kotta--x-s3", "must not end with the reserved suffix --x-s3"),
                Arguments.of("kotta--table-s3", "must not end with the reserved suffix --table-s3"));
    }

    @ParameterizedTest
    @MethodSource("bucketNamesRejected")
    void rejectsBucketNamesNamingTheBrokenRule(String name, String rule) {
        assertThat(assertOnlyFieldRejected(validateWith("jobsBucketName", name), "jobsBucketName"))
                .anyMatch(m -> m.startsWith(rule));
    }

    @Test
    void reportsEveryBrokenBucketRule() {
        List<String> messages =
                assertOnlyFieldRejected(validateWith("jobsBucketName", "-Kotta..Jobs"), "jobsBucketName");

        assertThat(messages).hasSize(3).allMatch(m -> m.contains("S3 bucket naming rules"));
    }

    // ---- domainName -----------------------------------------------------------------------------

    static String domainOfLength(int length) {
        // labels of 63 separated by dots, the last one shorter
        StringBuilder name = new StringBuilder();
        while (name.length() + 64 < length) {
            name.append(repeat('d', 63)).append('.');
        }
        return name.append(repeat('t', length - name.length())).toString();
    }

    @ParameterizedTest
    @MethodSource("domainsAccepted")
    void acceptsDomainNames(String domain) {
        assertValid(validateWith("domainName", domain));
    }

    static Stream<String> domainsAccepted() {
        return Stream.of(
                "example.org",
                "a.b",
                "kotta.research-lab.example.org",
                "x1.example.io",
                repeat('l', 63) + ".org",
                domainOfLength(253),
                "123.example.org");
    }

    @Test
    void acceptsUppercaseDomainAndStoresItLowercase() {
        ValidationResult result = validateWith("domainName", "Kotta.Example.ORG");

        assertValid(result);
        assertThat(result.request().domainName()).isEqualTo("kotta.example.org");
    }

    static Stream<Arguments> domainsRejected() {
        return Stream.of(
                Arguments.of("localhost", "must have at least two labels"),
                Arguments.of("example..org", "must not have empty labels"),
                Arguments.of(".example.org", "must not have empty labels"),
                Arguments.of("example.org.", "must not have empty labels"),
                Arguments.of("-kotta.example.org", "labels must not start or end with a hyphen"),
                Arguments.of("kotta-.example.org", "labels must not start or end with a hyphen"),
                Arguments.of("kot_ta.example.org", "labels may contain only letters, digits and hyphens"),
                Arguments.of("https://example.org", "labels may contain only letters, digits and hyphens"),
                Arguments.of(repeat('l', 64) + ".org", "labels must be at most 63 characters (got 64)"),
                Arguments.of(domainOfLength(254), "must be at most 253 characters (got 254)"),
                Arguments.of("example.123", "the top-level label must not be all digits"),
                Arguments.of("192.168.5.4", "the top-level label must not be all digits"));
    }

    @ParameterizedTest
    @MethodSource("domainsRejected")
    void rejectsDomainNamesNamingTheBrokenRule(String domain, String rule) {
        assertThat(domainOfLength(253)).hasSize(253);
        assertThat(assertOnlyFieldRejected(validateWith("domainName", domain), "domainName"))
                .anyMatch(m -> m.startsWith(rule));
    }

    // ---- certificateArn / hostedZoneId ----------------------------------------------------------------

    @Test
    void rejectsBothCertificateAndHostedZoneOnBothFields() {
        ValidationResult result = validateWith("hostedZoneId", "Z0123456789ABCDEFGHIJ");

        assertThat(result.errors())
                .extracting(FieldError::field)
                .containsExactlyInAnyOrder("certificateArn", "hostedZoneId");
        assertThat(result.errors()).allMatch(e -> e.message().contains("exactly one"));
    }

    @Test
    void rejectsNeitherCertificateNorHostedZoneOnBothFields() {
        ObjectNode body = validRequest();
        body.remove("certificateArn");
        body.putNull("hostedZoneId");

        ValidationResult result = validator.validate(body);

        assertThat(result.errors())
                .extracting(FieldError::field)
                .containsExactlyInAnyOrder("certificateArn", "hostedZoneId");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Z1", "Z0123456789ABCDEFGHIJ", "/hostedzone/Z0123456789ABCDEFGHIJ"})
    void acceptsHostedZoneIdsAndNormalizesThePrefixAway(String zoneId) {
        ObjectNode body = validRequest();
        body.remove("certificateArn");
        body.put("hostedZoneId", zoneId);

        ValidationResult result = validator.validate(body);

        assertValid(result);
        assertThat(result.request().certificateArn()).isNull();
        assertThat(result.request().hostedZoneId()).isEqualTo(zoneId.replace("/hostedzone/", ""));
    }

    @Test
    void acceptsAHostedZoneIdOf32Characters() {
        ObjectNode body = validRequest();
        body.remove("certificateArn");
        body.put("hostedZoneId", "Z" + repeat('A', 31));

        assertValid(validator.validate(body));
    }

    @Test
    void rejectsAHostedZoneIdOf33Characters() {
        ObjectNode body = validRequest();
        body.remove("certificateArn");
        body.put("hostedZoneId", "Z" + repeat('A', 32));

        assertOnlyFieldRejected(validator.validate(body), "hostedZoneId");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Z", "z0123456789", "Zabc", "0123456789", "/hostedzone/", "Z0123-456"})
    void rejectsMalformedHostedZoneIds(String zoneId) {
        ObjectNode body = validRequest();
        body.remove("certificateArn");
        body.put("hostedZoneId", zoneId);

        assertOnlyFieldRejected(validator.validate(body), "hostedZoneId");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "arn:aws:acm:us-east-1:123456789012:certificate/not-a-uuid",
                "arn:aws:acm:us-east-1:12345678901:certificate/" + CERT_ID,
                "arn:aws:acm:us-east-1:123456789012:certificate/0F3C9A52-8D1E-4B7A-9C2F-5E6D7A8B9C0D",
                "arn:aws:iam::123456789012:server-certificate/kotta",
                "arn:aws-us-gov:acm:us-gov-west-1:123456789012:certificate/" + CERT_ID,
                "kotta.example.org"
            })
    void rejectsMalformedCertificateArns(String arn) {
        assertThat(assertOnlyFieldRejected(validateWith("certificateArn", arn), "certificateArn"))
                .singleElement()
                .asString()
                .startsWith("must be an ACM certificate ARN");
    }

    @Test
    void rejectsACertificateFromAnotherRegionSayingSo() {
        ValidationResult result =
                validateWith("certificateArn", "arn:aws:acm:" + OTHER_REGION + ":123456789012:certificate/" + CERT_ID);

        assertThat(assertOnlyFieldRejected(result, "certificateArn"))
                .singleElement()
                .asString()
                .startsWith("is in region eu-west-1 but region is us-east-1")
                .contains("its own region");
    }

    // ---- oauthClientId ------------------------------------------------------------------------------

    @Test
    void acceptsALoginWithAmazonClientId() {
        assertValid(validateWith("oauthClientId", "amzn1.application-oa2-client." + repeat('a', 32)));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "amzn1.application-oa2-client.0123456789abcdef0123456789abcde",
                "amzn1.application-oa2-client.0123456789abcdef0123456789abcdef0",
                "amzn1.application-oa2-client.0123456789ABCDEF0123456789ABCDEF",
                "amzn1.application-oa2-client.0123456789abcdef0123456789abcdeg",
                "amzn1.application.0123456789abcdef0123456789abcdef",
                "0123456789abcdef0123456789abcdef"
            })
    void rejectsMalformedClientIdsWithoutEchoingThem(String clientId) {
        ValidationResult result = validateWith("oauthClientId", clientId);

        assertThat(assertOnlyFieldRejected(result, "oauthClientId"))
                .singleElement()
                .asString()
                .contains("amzn1.application-oa2-client.")
                .contains("32 lowercase hexadecimal");
        assertNothingEchoes(result, clientId);
    }

    // ---- instance types -----------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(
            strings = {"t3.small", "c5.xlarge", "m7g.2xlarge", "u-6tb1.metal", "t3a.nano", "c7gn.16xlarge", "r6id.metal"
            })
    void acceptsInstanceTypes(String type) {
        assertValid(validateWith("webServerInstanceType", type));
        assertValid(validateWith("taskExecutorInstanceType", type));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"t3", "T3.small", "small", "t.small", "t3.", "3t.small", "t3.small.x", "t3 .small", "t3.Small"})
    void rejectsMalformedInstanceTypes(String type) {
        assertThat(assertOnlyFieldRejected(validateWith("webServerInstanceType", type), "webServerInstanceType"))
                .singleElement()
                .asString()
                .startsWith("must be an EC2 instance type");
        assertOnlyFieldRejected(validateWith("taskExecutorInstanceType", type), "taskExecutorInstanceType");
    }

    // ---- worker counts ------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"prodMinWorkers", "prodMaxWorkers", "testMinWorkers", "testMaxWorkers"})
    void acceptsWorkerCountsAtTheBounds(String field) {
        ObjectNode body = validRequest();
        body.put(field.replace("Min", "Max"), RequestValidator.MAX_WORKERS);
        body.put(field, field.contains("Min") ? 0 : RequestValidator.MAX_WORKERS);
        assertValid(validator.validate(body));

        body.put(field.replace("Max", "Min"), RequestValidator.MAX_WORKERS);
        body.put(field.replace("Min", "Max"), RequestValidator.MAX_WORKERS);
        assertValid(validator.validate(body));
    }

    @ParameterizedTest
    @ValueSource(strings = {"prodMinWorkers", "prodMaxWorkers", "testMinWorkers", "testMaxWorkers"})
    void rejectsWorkerCountsOutsideTheBounds(String field) {
        assertThat(assertOnlyFieldRejected(validateWith(field, json("-1")), field))
                .containsExactly("must be between 0 and 100 (got -1)");

        ObjectNode body = validRequest();
        body.put("prodMaxWorkers", 100);
        body.put("testMaxWorkers", 100);
        body.put(field, 101);
        assertThat(assertOnlyFieldRejected(validator.validate(body), field))
                .containsExactly("must be between 0 and 100 (got 101)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.5", "\"3\"", "true", "[]", "{}", "3.0", "1e400", "-1e400"})
    void rejectsWorkerCountsThatAreNotJsonIntegers(String value) {
        assertThat(assertOnlyFieldRejected(validateWith("prodMaxWorkers", json(value)), "prodMaxWorkers"))
                .singleElement()
                .asString()
                .startsWith("must be a whole number (a JSON integer");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "99999999999999999999",
                "-99999999999999999999",
                "2147483648",
                "123456789012345678901234567890123456789012345678901234567890"
            })
    void rejectsHugeWorkerCountsWithoutException(String value) {
        ValidationResult result = validateWith("testMaxWorkers", json(value));

        assertThat(assertOnlyFieldRejected(result, "testMaxWorkers"))
                .singleElement()
                .asString()
                .startsWith("must be between 0 and 100");
    }

    @Test
    void rejectsMinWorkersAboveMaxWorkers() {
        ObjectNode body = validRequest();
        body.put("prodMinWorkers", 5);
        body.put("prodMaxWorkers", 4);
        body.put("testMinWorkers", 3);
        body.put("testMaxWorkers", 3);

        assertThat(validator.validate(body).errors())
                .containsExactly(new FieldError("prodMinWorkers", "must not exceed prodMaxWorkers (5 > 4)"));
    }

    @Test
    void rejectsMinWorkersAboveTheDefaultMax() {
        ObjectNode body = validRequest();
        body.remove("testMaxWorkers");
        body.put("testMinWorkers", 3);

        assertThat(validator.validate(body).errors())
                .containsExactly(new FieldError("testMinWorkers", "must not exceed testMaxWorkers (3 > 2)"));
    }

    // ---- spotPrice --------------------------------------------------------------------------------

    static Stream<Arguments> spotPricesAccepted() {
        return Stream.of(
                Arguments.of("\"0.10\"", "0.10"),
                Arguments.of("0.1", "0.1"),
                Arguments.of("\"100\"", "100"),
                Arguments.of("100", "100"),
                Arguments.of("\"0.0001\"", "0.0001"),
                Arguments.of("1", "1"),
                Arguments.of("\"99.9999\"", "99.9999"),
                Arguments.of("\"0.50000\"", "0.50000"),
                Arguments.of("100.0", "100.0"));
    }

    @ParameterizedTest
    @MethodSource("spotPricesAccepted")
    void acceptsSpotPricesAsStringsOrNumbersAndStoresAString(String json, String stored) {
        ValidationResult result = validateWith("spotPrice", json(json));

        assertValid(result);
        assertThat(result.request().spotPrice()).isEqualTo(stored);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "\"0\"",
                "0",
                "0.0",
                "\"100.0001\"",
                "100.0001",
                "101",
                "-1",
                "\"0.00001\"",
                "0.00001",
                "\"abc\"",
                "\"1e2\"",
                "\"-0.5\"",
                "\" 0.10\"",
                "\"0,10\"",
                "\"\"",
                "true",
                "[]",
                "1e400",
                "-1e400",
                "99999999999999999999",
                "\"99999999999999999999\""
            })
    void rejectsBadSpotPricesWithoutException(String json) {
        assertOnlyFieldRejected(validateWith("spotPrice", json(json)), "spotPrice");
    }

    @Test
    void namesTheDecimalPlacesRuleForSpotPrice() {
        assertThat(assertOnlyFieldRejected(validateWith("spotPrice", "0.12345"), "spotPrice"))
                .containsExactly("must have at most 4 decimal places (got 0.12345)");
    }

    // ---- keyPairName -------------------------------------------------------------------------------

    @ParameterizedTest
    @MethodSource("keyPairNamesAccepted")
    void acceptsKeyPairNames(String name) {
        assertThat(validateWith("keyPairName", name).request().keyPairName()).isEqualTo(name);
    }

    static Stream<String> keyPairNamesAccepted() {
        return Stream.of("k", "kotta admin key (2024)", repeat('k', 255), "~!@#$%^&*");
    }

    @ParameterizedTest
    @MethodSource("keyPairNamesRejected")
    void rejectsKeyPairNames(String name) {
        assertOnlyFieldRejected(validateWith("keyPairName", name), "keyPairName");
    }

    static Stream<String> keyPairNamesRejected() {
        return Stream.of("", repeat('k', 256), "clé", "key\u00a0pair");
    }

    // ---- adminUsers -------------------------------------------------------------------------------

    private static ArrayNode admins(int count) {
        ArrayNode users = Json.MAPPER.createArrayNode();
        for (int i = 0; i < count; i++) {
            users.addObject().put("email", "admin" + i + "@example.org");
        }
        return users;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 50})
    void acceptsUpTo50AdminUsers(int count) {
        ValidationResult result = validateWith("adminUsers", admins(count));

        assertValid(result);
        assertThat(result.request().adminUsers()).hasSize(count);
    }

    @Test
    void rejects51AdminUsers() {
        assertThat(assertOnlyFieldRejected(validateWith("adminUsers", admins(51)), "adminUsers"))
                .singleElement()
                .asString()
                .startsWith("must list at most 50 administrators (got 51)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "{}", "\"admin@example.org\"", "3"})
    void rejectsAdminUsersThatAreNotANonEmptyArray(String value) {
        assertOnlyFieldRejected(validateWith("adminUsers", json(value)), "adminUsers");
    }

    @Test
    void rejectsAdminUserEntriesThatAreNotObjects() {
        ValidationResult result =
                validateWith("adminUsers", json("[{\"email\":\"a@example.org\"}, \"b@example.org\"]"));

        assertOnlyFieldRejected(result, "adminUsers[1]");
    }

    @Test
    void rejectsAnAdminUserWithoutEmail() {
        ValidationResult result = validateWith("adminUsers", json("[{\"name\":\"Ada\"}]"));

        assertThat(assertOnlyFieldRejected(result, "adminUsers[0].email")).containsExactly("is required");
    }

    @Test
    void rejectsDuplicateEmailsIgnoringCase() {
        ValidationResult result = validateWith(
                "adminUsers",
                json(
                        "[{\"email\":\"ada@example.org\"},{\"email\":\"b@example.org\"},{\"email\":\"ADA@Example.ORG\"}]"));

        assertThat(result.errors())
                .containsExactly(new FieldError(
                        "adminUsers[2].email",
                        "duplicates adminUsers[0].email (e-mail addresses are compared ignoring case)"));
    }

    static Stream<String> emailsAccepted() {
        return Stream.of(
                "a@example.org",
                "first.last+kotta@mail.example.org",
                "o'brien@example.ie",
                repeat('l', 64) + "@example.org",
                repeat('l', 64) + "@" + domainOfLength(189));
    }

    @ParameterizedTest
    @MethodSource("emailsAccepted")
    void acceptsEmailAddresses(String email) {
        assertThat(email.length()).isLessThanOrEqualTo(254);
        ValidationResult result = validateWith("adminUsers", admin(email, null));

        assertValid(result);
        assertThat(result.request().adminUsers().get(0).email()).isEqualTo(email.toLowerCase());
    }

    static Stream<String> emailsRejected() {
        return Stream.of(
                "plainaddress",
                "@example.org",
                "ada@",
                "ada@@example.org",
                "a@b@example.org",
                "ada@localhost",
                "ada@exa_mple.org",
                ".ada@example.org",
                "ada.@example.org",
                "a..da@example.org",
                "ada lovelace@example.org",
                repeat('l', 65) + "@example.org",
                repeat('l', 64) + "@" + domainOfLength(190),
                "ada@example.123",
                "ada@-example.org");
    }

    @ParameterizedTest
    @MethodSource("emailsRejected")
    void rejectsEmailAddresses(String email) {
        assertOnlyFieldRejected(validateWith("adminUsers", admin(email, null)), "adminUsers[0].email");
    }

    private static ArrayNode admin(String email, String name) {
        ArrayNode users = Json.MAPPER.createArrayNode();
        ObjectNode user = users.addObject().put("email", email);
        if (name != null) {
            user.put("name", name);
        }
        return users;
    }

    @Test
    void acceptsAnAdminNameOf128Characters() {
        assertValid(validateWith("adminUsers", admin("a@example.org", repeat('n', 128))));
    }

    @Test
    void rejectsAnAdminNameOf129Characters() {
        assertThat(assertOnlyFieldRejected(
                        validateWith("adminUsers", admin("a@example.org", repeat('n', 129))), "adminUsers[0].name"))
                .containsExactly("must be at most 128 characters (got 129)");
    }

    @Test
    void rejectsAnAdminNameThatIsNotAString() {
        assertOnlyFieldRejected(
                validateWith("adminUsers", json("[{\"email\":\"a@example.org\",\"name\":7}]")), "adminUsers[0].name");
    }

    // ---- refreshImage -----------------------------------------------------------------------------

    @Test
    void keepsTheStacksImageUnlessAskedToRefreshIt() {
        assertThat(validator.validate(validRequest()).request().refreshImage()).isFalse();
        assertThat(validateWith("refreshImage", json("null")).request().refreshImage())
                .isFalse();
        assertThat(validateWith("refreshImage", json("false")).request().refreshImage())
                .isFalse();
        assertThat(validateWith("refreshImage", json("true")).request().refreshImage())
                .isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"true\"", "1", "0", "[]", "{}"})
    void rejectsARefreshImageThatIsNotABoolean(String value) {
        assertThat(assertOnlyFieldRejected(validateWith("refreshImage", json(value)), "refreshImage"))
                .singleElement()
                .asString()
                .startsWith("must be true or false");
    }

    // ---- codeSource -------------------------------------------------------------------------------

    @ParameterizedTest
    @MethodSource("codeSourcesAccepted")
    void acceptsCodeSources(String uri) {
        assertThat(validateWith("codeSource", uri).request().codeSource()).isEqualTo(uri);
    }

    static Stream<String> codeSourcesAccepted() {
        String prefix = "s3://kotta-releases/";
        return Stream.of(
                prefix + "kotta.tar.gz",
                prefix + "web/v1/kotta.tgz",
                prefix + "a..b.tgz",
                prefix + repeat('k', 1024 - ".tgz".length()) + ".tgz");
    }

    static Stream<Arguments> codeSourcesRejected() {
        String prefix = "s3://kotta-releases/";
        return Stream.of(
                Arguments.of("https://kotta-releases.s3.amazonaws.com/kotta.tar.gz", "must be s3://<bucket>/<key>"),
                Arguments.of("s3://kotta-releases", "must be s3://<bucket>/<key>"),
                Arguments.of("s3://kotta-releases/", "must be s3://<bucket>/<key>"),
                Arguments.of("s3:///kotta.tar.gz", "must be s3://<bucket>/<key>"),
                Arguments.of("s3://Kotta_Releases/kotta.tar.gz", "bucket: may contain only lowercase"),
                Arguments.of("s3://xn--kotta/kotta.tar.gz", "bucket: must not start with the reserved prefix xn--"),
                Arguments.of(prefix + "kotta.zip", "key: must end with .tar.gz or .tgz"),
                Arguments.of(prefix + "kotta.tar", "key: must end with .tar.gz or .tgz"),
                Arguments.of(prefix + "web/../kotta.tgz", "key: must not contain .. path segments"),
                Arguments.of(prefix + "../kotta.tgz", "key: must not contain .. path segments"),
                Arguments.of(
                        prefix + repeat('k', 1025 - ".tgz".length()) + ".tgz",
                        "key: must be at most 1024 bytes in UTF-8 (got 1025)"),
                Arguments.of(
                        prefix + repeat('é', 511) + ".tgz", "key: must be at most 1024 bytes in UTF-8 (got 1026)"));
    }

    @ParameterizedTest
    @MethodSource("codeSourcesRejected")
    void rejectsCodeSourcesNamingTheRule(String uri, String rule) {
        assertThat(assertOnlyFieldRejected(validateWith("codeSource", uri), "codeSource"))
                .anyMatch(m -> m.startsWith(rule));
    }

    // ---- types, control characters, echo -----------------------------------------------------------

    @Nested
    class EveryStringField {
        static Stream<String> stringFields() {
            return Stream.of(
                    "stackName",
                    "region",
                    "jobsBucketName",
                    "domainName",
                    "certificateArn",
                    "oauthClientId",
                    "oauthClientSecretArn",
                    "webServerInstanceType",
                    "taskExecutorInstanceType",
                    "spotPrice",
                    "keyPairName",
                    "codeSource");
        }

        @ParameterizedTest
        @MethodSource("stringFields")
        void rejectsControlCharactersWithoutEchoingThem(String field) {
            for (String value : List.of("kotta\u0000x", "kotta\u0007", "\u001fkotta", "kotta\u007f", "a\nb")) {
                ValidationResult result = validateWith(field, value);

                assertThat(assertOnlyFieldRejected(result, field))
                        .containsExactly("must not contain control characters (U+0000 to U+001F, U+007F)");
                assertNothingEchoes(result, value);
            }
        }

        @ParameterizedTest
        @MethodSource("stringFields")
        void rejectsWrongTypes(String field) {
            for (String value : List.of("true", "[\"x\"]", "{\"x\":1}")) {
                assertThat(assertOnlyFieldRejected(validateWith(field, json(value)), field))
                        .singleElement()
                        .asString()
                        .contains("not a");
            }
        }

        @Test
        void rejectsControlCharactersInAdminFields() {
            ValidationResult result = validateWith("adminUsers", admin("a\u0000@example.org", "Ada\u001b[31m"));

            assertThat(result.errors())
                    .extracting(FieldError::field)
                    .containsExactly("adminUsers[0].email", "adminUsers[0].name");
            assertNothingEchoes(result, "\u001b");
            assertNothingEchoes(result, "\u0000");
        }
    }

    @Test
    void echoesShortValuesToHelpTheAdmin() {
        assertThat(assertOnlyFieldRejected(validateWith("jobsBucketName", "Kotta_Jobs"), "jobsBucketName"))
                .allMatch(m -> m.endsWith("(got 'Kotta_Jobs')"));
    }

    @Test
    void neverEchoesLongValues() {
        String longName = "Kotta_" + repeat('x', 70);
        ValidationResult result = validateWith("domainName", longName + ".org");

        assertOnlyFieldRejected(result, "domainName");
        assertNothingEchoes(result, longName);
    }

    @Test
    void resultHoldsEitherErrorsOrARequest() {
        ValidationResult invalid = validateWith("stackName", "1");

        assertThat(invalid.valid()).isFalse();
        assertThat(invalid.request()).isNull();
        assertThat(invalid.errors()).isUnmodifiable();
    }
}
