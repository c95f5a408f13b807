package org.kotta.deployer.validate;

import static org.kotta.deployer.validate.EchoedValues.got;
import static org.kotta.deployer.validate.JsonFields.describeType;
import static org.kotta.deployer.validate.JsonFields.present;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.kotta.deployer.core.AdminUser;
import org.kotta.deployer.core.FieldError;
import org.kotta.deployer.core.S3Location;
import org.kotta.deployer.validate.RequestDraft.Tls;
import org.kotta.deployer.validate.RequestDraft.WorkerRange;

/**
 * Every rule a deployment request must pass before anything is created, in one place: the
 * HTTP API answers 400 with these errors and the validateInputs state runs the same checks.
 *
 * <p>Works on the raw JSON tree (read through {@link JsonFields}) so that a wrong type is a
 * field error, not an exception, and reports every bad field at once. The naming rules of AWS
 * and DNS that values follow are in {@link AwsNames}. Pure logic: no AWS calls (see
 * {@link AccountChecker}).
 *
 * <p>Messages name the rule, and repeat the offending value only when it is short, printable
 * and from a field that cannot hold a secret ({@link EchoedValues}).
 */
public final class RequestValidator {

    /** Path of the whole body in {@link FieldError#field()}. */
    public static final String BODY = "$";
    // AwsNames' set, named here so that the SDK's region metadata (about 0.1 s of class loading)
    // loads when a handler builds its validator at cold start, not in the first request
    public static final Set<String> COMMERCIAL_REGIONS = AwsNames.COMMERCIAL_REGIONS;

    static final int MAX_ADMIN_NAME = 128;
    public static final int MAX_ADMIN_USERS = 50;
    /**
     * Upper bound for every worker count: a sane cap against a typo (1000 for 10) that would
     * start hundreds of instances and their bill. Raise it deliberately if a group needs more.
     */
    public static final int MAX_WORKERS = 100;

    static final BigDecimal MAX_SPOT_PRICE = new BigDecimal("100");
    static final int MAX_SPOT_PRICE_DECIMALS = 4;

    public static final String DEFAULT_WEB_SERVER_INSTANCE_TYPE = "t3.small";
    public static final String DEFAULT_TASK_EXECUTOR_INSTANCE_TYPE = "c5.large";
    public static final int DEFAULT_PROD_MIN_WORKERS = 0;
    public static final int DEFAULT_PROD_MAX_WORKERS = 10;
    public static final int DEFAULT_TEST_MIN_WORKERS = 0;
    public static final int DEFAULT_TEST_MAX_WORKERS = 2;
    public static final String DEFAULT_SPOT_PRICE = "0.10";

    static final String ADMIN_EMAIL = "email";
    static final String ADMIN_NAME = "name";
    private static final Set<String> ADMIN_FIELDS = Set.of(ADMIN_EMAIL, ADMIN_NAME);

    private static final Pattern PLAIN_DECIMAL = Pattern.compile("^[0-9]{1,12}(\\.[0-9]{1,12})?$");

    /** The region this orchestrator deploys to, or null to accept any commercial region. */
    private final String deployRegion;

    /** A validator that accepts any commercial region (the rules alone). */
    public RequestValidator() {
        this(null);
    }

    /**
     * A validator for an orchestrator running in {@code deployRegion}: the stacks and the
     * redeploy trigger (an EventBridge rule on the region's default bus) live there, so a
     * request for another region is refused with the way out (install it there).
     */
    public RequestValidator(String deployRegion) {
        this.deployRegion = deployRegion;
    }

    public ValidationResult validate(JsonNode body) {
        JsonFields fields = new JsonFields();
        if (body == null || !body.isObject()) {
            fields.add(BODY, "the request body must be a JSON object");
            return ValidationResult.invalid(fields.errors());
        }
        RequestDraft draft = new RequestDraft();
        draft.stackName = stackName(body, fields);
        draft.region = region(body, fields);
        draft.jobsBucketName = jobsBucketName(body, fields);
        draft.domainName = domainName(body, fields);
        draft.tls = certificateOrHostedZone(body, draft.region, fields);
        draft.oidcIssuer = oidcIssuer(body, fields);
        draft.oauthClientId = oauthClientId(body, draft.oidcIssuer != null, fields);
        draft.oauthClientSecretArn = oauthClientSecretArn(body, draft.region, fields);
        draft.webServerInstanceType =
                instanceType(body, "webServerInstanceType", DEFAULT_WEB_SERVER_INSTANCE_TYPE, fields);
        draft.taskExecutorInstanceType =
                instanceType(body, "taskExecutorInstanceType", DEFAULT_TASK_EXECUTOR_INSTANCE_TYPE, fields);
        draft.prodWorkers = workerRange(
                body, "prodMinWorkers", DEFAULT_PROD_MIN_WORKERS, "prodMaxWorkers", DEFAULT_PROD_MAX_WORKERS, fields);
        draft.testWorkers = workerRange(
                body, "testMinWorkers", DEFAULT_TEST_MIN_WORKERS, "testMaxWorkers", DEFAULT_TEST_MAX_WORKERS, fields);
        draft.spotPrice = spotPrice(body, fields);
        draft.keyPairName = keyPairName(body, fields);
        draft.adminUsers = adminUsers(body, fields);
        draft.codeSource = codeSource(body, fields);
        draft.refreshImage = fields.flag(
                body.get("refreshImage"), "refreshImage", "true moves the instances to the latest Amazon Linux image");
        unknownFields(body, "", RequestDraft.FIELDS, fields);

        if (fields.hasErrors()) {
            return ValidationResult.invalid(fields.errors());
        }
        return ValidationResult.valid(draft.toRequest());
    }

    // ---- fields ------------------------------------------------------------------------------

    private String stackName(JsonNode body, JsonFields fields) {
        String field = "stackName";
        String value = fields.requiredText(body.get(field), field);
        if (value != null) {
            fields.addAll(field, AwsNames.stackNameProblems(value, got(field, value)));
        }
        return value;
    }

    private String region(JsonNode body, JsonFields fields) {
        String field = "region";
        String value = fields.requiredText(body.get(field), field);
        if (value == null) {
            return null;
        }
        String problem = AwsNames.regionProblem(value, got(field, value));
        if (problem != null) {
            fields.add(field, problem);
            return null;
        }
        if (deployRegion != null && !deployRegion.equals(value)) {
            fields.add(
                    field,
                    "this orchestrator runs in " + deployRegion + " and deploys there; install it in " + value
                            + " to deploy to that region");
        }
        return value;
    }

    private String jobsBucketName(JsonNode body, JsonFields fields) {
        String field = "jobsBucketName";
        String value = fields.requiredText(body.get(field), field);
        if (value != null) {
            for (String problem : AwsNames.bucketNameProblems(value)) {
                fields.add(field, problem + " (S3 bucket naming rules)" + got(field, value));
            }
        }
        return value;
    }

    private String domainName(JsonNode body, JsonFields fields) {
        String field = "domainName";
        String value = fields.requiredText(body.get(field), field);
        if (value == null) {
            return null;
        }
        for (String problem : AwsNames.domainNameProblems(value)) {
            fields.add(field, problem + got(field, value));
        }
        // DNS names are case-insensitive; certificates and zones use lowercase
        return value.toLowerCase(Locale.ROOT);
    }

    private Tls certificateOrHostedZone(JsonNode body, String region, JsonFields fields) {
        String certField = "certificateArn";
        String zoneField = "hostedZoneId";
        boolean hasCertificate = present(body.get(certField));
        boolean hasZone = present(body.get(zoneField));
        if (hasCertificate && hasZone) {
            String both = "give exactly one of certificateArn (an existing ACM certificate) or hostedZoneId"
                    + " (the stack then creates the certificate), not both";
            fields.add(certField, both);
            fields.add(zoneField, both);
            return new Tls(null, null);
        }
        if (!hasCertificate && !hasZone) {
            String neither = "one of certificateArn (an existing ACM certificate for domainName) or hostedZoneId"
                    + " (a Route 53 zone for domainName, the stack then creates the certificate) is required";
            fields.add(certField, neither);
            fields.add(zoneField, neither);
            return new Tls(null, null);
        }
        return hasCertificate
                ? new Tls(certificateArn(body.get(certField), certField, region, fields), null)
                : new Tls(null, hostedZoneId(body.get(zoneField), zoneField, fields));
    }

    private String certificateArn(JsonNode node, String field, String region, JsonFields fields) {
        String value = fields.requiredText(node, field);
        if (value != null) {
            fields.addAll(field, AwsNames.certificateArnProblems(value, region, got(field, value)));
        }
        return value;
    }

    private String hostedZoneId(JsonNode node, String field, JsonFields fields) {
        String value = fields.requiredText(node, field);
        if (value == null) {
            return null;
        }
        String id = AwsNames.hostedZoneId(value);
        fields.addIfAny(field, AwsNames.hostedZoneIdProblem(id, got(field, value)));
        return id;
    }

    /** The OpenID Connect issuer, or null (absent or empty) for Login with Amazon; see {@link OidcIssuers}. */
    private String oidcIssuer(JsonNode body, JsonFields fields) {
        String field = "oidcIssuer";
        JsonNode node = body.get(field);
        if (!present(node) || (node.isTextual() && node.textValue().isEmpty())) {
            return null;
        }
        String value = fields.requiredText(node, field);
        if (value == null) {
            return null;
        }
        String problem = OidcIssuers.problem(value);
        if (problem != null) {
            fields.add(field, problem + got(field, value));
        }
        return value;
    }

    /** Login with Amazon's client id form, or (with an OIDC issuer) any plain client id. */
    private String oauthClientId(JsonNode body, boolean oidc, JsonFields fields) {
        String field = "oauthClientId";
        String value = fields.requiredText(body.get(field), field);
        if (value != null) {
            // never repeated: a client secret pasted into the wrong field must not land in a log
            fields.addIfAny(
                    field, oidc ? OidcIssuers.clientIdProblem(value) : AwsNames.loginWithAmazonClientIdProblem(value));
        }
        return value;
    }

    private String oauthClientSecretArn(JsonNode body, String region, JsonFields fields) {
        String field = "oauthClientSecretArn";
        String value = fields.requiredText(body.get(field), field);
        if (value != null) {
            fields.addAll(field, AwsNames.secretArnProblems(value, region));
        }
        return value;
    }

    private String instanceType(JsonNode body, String field, String defaultType, JsonFields fields) {
        String value = fields.optionalText(body.get(field), field, defaultType);
        if (value != null) {
            fields.addIfAny(field, AwsNames.instanceTypeProblem(value, got(field, value)));
        }
        return value;
    }

    /** A min/max pair: each 0..MAX_WORKERS, and min ≤ max. */
    private WorkerRange workerRange(
            JsonNode body, String minField, int minDefault, String maxField, int maxDefault, JsonFields fields) {
        Integer min = fields.wholeNumber(body.get(minField), minField, minDefault, MAX_WORKERS);
        Integer max = fields.wholeNumber(body.get(maxField), maxField, maxDefault, MAX_WORKERS);
        if (min != null && max != null && min > max) {
            fields.add(minField, "must not exceed " + maxField + " (" + min + " > " + max + ")");
        }
        return new WorkerRange(min == null ? 0 : min, max == null ? 0 : max);
    }

    private String spotPrice(JsonNode body, JsonFields fields) {
        String field = "spotPrice";
        JsonNode node = body.get(field);
        if (!present(node)) {
            return DEFAULT_SPOT_PRICE;
        }
        String expected = "must be a price in US dollars per hour, a decimal number such as 0.10";
        String asGiven = fields.numberOrText(
                node, field, expected, "is out of range: must be greater than 0 and at most " + MAX_SPOT_PRICE);
        if (asGiven == null) {
            return null;
        }
        if (node.isTextual() && !PLAIN_DECIMAL.matcher(asGiven).matches()) {
            fields.add(field, expected + got(field, asGiven));
            return null;
        }
        BigDecimal price = new BigDecimal(asGiven);
        if (price.signum() <= 0 || price.compareTo(MAX_SPOT_PRICE) > 0) {
            fields.add(
                    field,
                    "must be greater than 0 and at most " + MAX_SPOT_PRICE + " (US dollars per hour)"
                            + (asGiven.length() <= 20 ? " (got " + asGiven + ")" : ""));
        } else if (price.stripTrailingZeros().scale() > MAX_SPOT_PRICE_DECIMALS) {
            fields.add(field, "must have at most " + MAX_SPOT_PRICE_DECIMALS + " decimal places (got " + asGiven + ")");
        }
        return asGiven;
    }

    private String keyPairName(JsonNode body, JsonFields fields) {
        String field = "keyPairName";
        String value = fields.optionalText(body.get(field), field, null);
        if (value != null) {
            fields.addAll(field, AwsNames.keyPairNameProblems(value));
        }
        return value;
    }

    private List<AdminUser> adminUsers(JsonNode body, JsonFields fields) {
        String field = "adminUsers";
        JsonNode node = body.get(field);
        if (!present(node)) {
            fields.add(
                    field,
                    "is required: a list of at least one administrator, e.g."
                            + " [{\"email\": \"ada@example.org\", \"name\": \"Ada\"}]");
            return null;
        }
        if (!node.isArray()) {
            fields.add(field, "must be an array of administrators, not " + describeType(node));
            return null;
        }
        if (node.isEmpty()) {
            fields.add(field, "must list at least one administrator");
            return null;
        }
        if (node.size() > MAX_ADMIN_USERS) {
            fields.add(
                    field,
                    "must list at most " + MAX_ADMIN_USERS + " administrators (got " + node.size()
                            + "); add further users in Cloud Kotta itself");
        }
        List<AdminUser> users = new ArrayList<>();
        Map<String, Integer> firstIndexOfEmail = new HashMap<>();
        for (int i = 0; i < node.size(); i++) {
            String path = field + "[" + i + "]";
            AdminUser user = adminUser(node.get(i), path, fields);
            if (user == null) {
                continue;
            }
            Integer first = firstIndexOfEmail.putIfAbsent(user.email(), i);
            if (first != null) {
                fields.add(
                        path + "." + ADMIN_EMAIL,
                        "duplicates " + field + "[" + first + "]." + ADMIN_EMAIL
                                + " (e-mail addresses are compared ignoring case)");
            }
            users.add(user);
        }
        return List.copyOf(users);
    }

    private AdminUser adminUser(JsonNode node, String path, JsonFields fields) {
        if (!node.isObject()) {
            fields.add(path, "must be an object {\"email\": ..., \"name\": ...}, not " + describeType(node));
            return null;
        }
        unknownFields(node, path + ".", ADMIN_FIELDS, fields);
        String emailField = path + "." + ADMIN_EMAIL;
        String email = fields.requiredText(node.get(ADMIN_EMAIL), emailField);
        boolean emailValid = email != null;
        if (email != null) {
            for (String problem : EmailAddresses.problems(email)) {
                fields.add(emailField, problem + got(emailField, email));
                emailValid = false;
            }
        }
        String nameField = path + "." + ADMIN_NAME;
        String name = fields.optionalText(node.get(ADMIN_NAME), nameField, null);
        if (name != null && name.length() > MAX_ADMIN_NAME) {
            fields.add(nameField, "must be at most " + MAX_ADMIN_NAME + " characters (got " + name.length() + ")");
        }
        return emailValid ? new AdminUser(email.toLowerCase(Locale.ROOT), name) : null;
    }

    private String codeSource(JsonNode body, JsonFields fields) {
        String field = "codeSource";
        String value = fields.optionalText(body.get(field), field, null);
        if (value == null) {
            return null;
        }
        var location = S3Location.parse(value);
        if (location.isEmpty()) {
            fields.add(
                    field,
                    "must be s3://<bucket>/<key> of a .tar.gz or .tgz archive of the web code" + got(field, value));
            return value;
        }
        for (String problem : AwsNames.bucketNameProblems(location.get().bucket())) {
            fields.add(field, "bucket: " + problem + " (S3 bucket naming rules)" + got(field, value));
        }
        for (String problem : AwsNames.codeKeyProblems(location.get().key())) {
            fields.add(field, "key: " + problem + got(field, value));
        }
        return value;
    }

    private void unknownFields(JsonNode object, String pathPrefix, Set<String> known, JsonFields fields) {
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (known.contains(name)) {
                continue;
            }
            String path = pathPrefix + EchoedValues.name(name);
            if (name.toLowerCase(Locale.ROOT).contains("secret")) {
                fields.add(
                        path,
                        "is refused: a request must never carry a secret; store the Login-with-Amazon"
                                + " client secret in AWS Secrets Manager and give its ARN as oauthClientSecretArn");
            } else {
                fields.add(path, "unknown field");
            }
        }
    }
}
