package org.kotta.deployer.validate;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;

import org.kotta.deployer.core.AdminUser;
import org.kotta.deployer.core.DeploymentRequest;
import org.kotta.deployer.core.S3Location;
import org.kotta.deployer.core.FieldError;

/**
 * Every rule a deployment request must pass before anything is created, in one place: the
 * HTTP API answers 400 with these errors and the validateInputs state runs the same checks.
 *
 * <p>Works on the raw JSON tree so that a wrong type is a field error, not an exception, and
 * reports every bad field at once. Pure logic: no AWS calls (see {@link AccountChecker}).
 *
 * <p>Messages name the rule, and repeat the offending value only when it is short, printable
 * and from a field that cannot hold a secret.
 */
public final class RequestValidator {

    /** Path of the whole body in {@link FieldError#field()}. */
    public static final String BODY = "$";

    // CloudFormation limits a stack name to 128 characters and SQS a queue name to 80. The
    // orchestrator derives "<stackName>-base" (the base stack) and, longest of all its derived
    // names, the queue "<stackName>-prod-pending-dlq"; the SQS limit binds: 80 - 17 = 63.
    static final int CLOUDFORMATION_MAX_STACK_NAME = 128;
    static final int SQS_MAX_QUEUE_NAME = 80;
    static final String LONGEST_QUEUE_SUFFIX = "-prod-pending-dlq";
    public static final int MAX_STACK_NAME_LENGTH = Math.min(
            CLOUDFORMATION_MAX_STACK_NAME - DeploymentRequest.BASE_STACK_SUFFIX.length(),
            SQS_MAX_QUEUE_NAME - LONGEST_QUEUE_SUFFIX.length());

    static final int MIN_BUCKET_NAME = 3;
    static final int MAX_BUCKET_NAME = 63;
    static final int MAX_DOMAIN_NAME = 253;
    static final int MAX_DNS_LABEL = 63;
    static final int MAX_EMAIL = 254;
    static final int MAX_EMAIL_LOCAL_PART = 64;
    static final int MAX_ADMIN_NAME = 128;
    public static final int MAX_ADMIN_USERS = 50;
    static final int MAX_KEY_PAIR_NAME = 255;
    static final int MAX_S3_KEY_BYTES = 1024;
    static final int MAX_SECRET_NAME = 512;
    /**
     * Upper bound for every worker count: a sane cap against a typo (1000 for 10) that would
     * start hundreds of instances and their bill. Raise it deliberately if a group needs more.
     */
    public static final int MAX_WORKERS = 100;
    static final BigDecimal MAX_SPOT_PRICE = new BigDecimal("100");
    static final int MAX_SPOT_PRICE_DECIMALS = 4;
    /**
     * Values longer than this are never repeated in a message: shorter than a Login-with-Amazon
     * client secret (64 characters), in case one is pasted into the wrong field.
     */
    static final int MAX_ECHOED_LENGTH = 63;

    public static final String DEFAULT_WEB_SERVER_INSTANCE_TYPE = "t3.small";
    public static final String DEFAULT_TASK_EXECUTOR_INSTANCE_TYPE = "c5.large";
    public static final int DEFAULT_PROD_MIN_WORKERS = 0;
    public static final int DEFAULT_PROD_MAX_WORKERS = 10;
    public static final int DEFAULT_TEST_MIN_WORKERS = 0;
    public static final int DEFAULT_TEST_MAX_WORKERS = 2;
    public static final String DEFAULT_SPOT_PRICE = "0.10";

    /** The commercial ("aws") partition's regions. GovCloud and China are other partitions. */
    public static final Set<String> COMMERCIAL_REGIONS = Set.of(
            "us-east-1", "us-east-2", "us-west-1", "us-west-2",
            "ca-central-1", "ca-west-1", "sa-east-1", "mx-central-1",
            "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-central-2",
            "eu-north-1", "eu-south-1", "eu-south-2",
            "af-south-1", "me-south-1", "me-central-1", "il-central-1",
            "ap-south-1", "ap-south-2",
            "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
            "ap-southeast-5", "ap-southeast-6", "ap-southeast-7",
            "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
            "ap-east-1", "ap-east-2");

    static final String ADMIN_EMAIL = "email";
    static final String ADMIN_NAME = "name";
    private static final Set<String> ADMIN_FIELDS = Set.of(ADMIN_EMAIL, ADMIN_NAME);
    /** The request's JSON field names: exactly the components of {@link DeploymentRequest}. */
    static final Set<String> REQUEST_FIELDS = Arrays.stream(DeploymentRequest.class.getRecordComponents())
            .map(c -> c.getName())
            .collect(Collectors.toUnmodifiableSet());
    /** Fields whose value might be a secret pasted by mistake: their values are never repeated. */
    private static final Set<String> MAYBE_SECRET_FIELDS = Set.of("oauthClientId", "oauthClientSecretArn");

    private static final Pattern STACK_NAME = Pattern.compile("^[a-zA-Z][-a-zA-Z0-9]*$");
    private static final Pattern BUCKET_CHARACTERS = Pattern.compile("^[a-z0-9.-]*$");
    private static final Pattern IP_ADDRESS_FORM = Pattern.compile("^[0-9]{1,3}(\\.[0-9]{1,3}){3}$");
    private static final List<String> RESERVED_BUCKET_PREFIXES = List.of("xn--", "sthree-", "amzn-s3-demo-");
    private static final List<String> RESERVED_BUCKET_SUFFIXES =
            List.of("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3");
    private static final Pattern DNS_LABEL_CHARACTERS = Pattern.compile("^[A-Za-z0-9-]+$");
    private static final Pattern ALL_DIGITS = Pattern.compile("^[0-9]+$");
    private static final Pattern CERTIFICATE_ARN = Pattern.compile(
            "^arn:aws:acm:([a-z0-9-]+):[0-9]{12}:certificate/"
                    + "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");
    private static final String HOSTED_ZONE_PREFIX = "/hostedzone/";
    private static final Pattern HOSTED_ZONE_ID = Pattern.compile("^Z[A-Z0-9]{1,31}$");
    private static final Pattern OAUTH_CLIENT_ID = Pattern.compile("^amzn1\\.application-oa2-client\\.[0-9a-f]{32}$");
    static final int MAX_OIDC_CLIENT_ID = 255;
    private static final Pattern OIDC_CLIENT_ID = Pattern.compile("^[\\x21\\x23\\x24\\x26\\x28-\\x5B\\x5D-\\x7E]+$");
    private static final Pattern SECRET_ARN = Pattern.compile(
            "^arn:aws:secretsmanager:([a-z0-9-]+):[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]{1," + MAX_SECRET_NAME + "}$");
    private static final Pattern INSTANCE_TYPE = Pattern.compile("^[a-z][a-z0-9-]*[0-9][a-z0-9-]*\\.[0-9a-z]+$");
    private static final Pattern PLAIN_DECIMAL = Pattern.compile("^[0-9]{1,12}(\\.[0-9]{1,12})?$");
    private static final Pattern PRINTABLE_ASCII = Pattern.compile("^[\\x20-\\x7E]*$");
    // RFC 5322 dot-atom: what an address's local part may hold without quoting
    private static final Pattern EMAIL_LOCAL_PART =
            Pattern.compile("^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$");

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
        Errors errors = new Errors();
        if (body == null || !body.isObject()) {
            errors.add(BODY, "the request body must be a JSON object");
            return ValidationResult.invalid(errors.list);
        }
        String stackName = stackName(body, errors);
        String region = region(body, errors);
        String jobsBucketName = jobsBucketName(body, errors);
        String domainName = domainName(body, errors);
        Tls tls = certificateOrHostedZone(body, region, errors);
        String oidcIssuer = oidcIssuer(body, errors);
        String oauthClientId = oauthClientId(body, oidcIssuer != null, errors);
        String oauthClientSecretArn = oauthClientSecretArn(body, region, errors);
        String webServerType = instanceType(body, "webServerInstanceType", DEFAULT_WEB_SERVER_INSTANCE_TYPE, errors);
        String taskExecutorType =
                instanceType(body, "taskExecutorInstanceType", DEFAULT_TASK_EXECUTOR_INSTANCE_TYPE, errors);
        WorkerRange prod = workerRange(body, "prodMinWorkers", DEFAULT_PROD_MIN_WORKERS,
                "prodMaxWorkers", DEFAULT_PROD_MAX_WORKERS, errors);
        WorkerRange test = workerRange(body, "testMinWorkers", DEFAULT_TEST_MIN_WORKERS,
                "testMaxWorkers", DEFAULT_TEST_MAX_WORKERS, errors);
        String spotPrice = spotPrice(body, errors);
        String keyPairName = keyPairName(body, errors);
        List<AdminUser> adminUsers = adminUsers(body, errors);
        String codeSource = codeSource(body, errors);
        boolean refreshImage = refreshImage(body, errors);
        unknownFields(body, "", REQUEST_FIELDS, errors);

        if (!errors.list.isEmpty()) {
            return ValidationResult.invalid(errors.list);
        }
        return ValidationResult.valid(new DeploymentRequest(stackName, region, jobsBucketName, domainName,
                tls.certificateArn(), tls.hostedZoneId(), oauthClientId, oauthClientSecretArn, oidcIssuer,
                webServerType, taskExecutorType, prod.min(), prod.max(), test.min(), test.max(), spotPrice,
                keyPairName, adminUsers, codeSource, refreshImage));
    }

    // ---- fields ------------------------------------------------------------------------------

    private String stackName(JsonNode body, Errors errors) {
        String field = "stackName";
        String value = requiredText(body.get(field), field, errors);
        if (value == null) {
            return null;
        }
        if (!STACK_NAME.matcher(value).matches()) {
            errors.add(field, "must start with a letter and contain only letters, digits and hyphens"
                    + " (CloudFormation stack name rules)" + got(field, value));
        }
        if (value.length() > MAX_STACK_NAME_LENGTH) {
            errors.add(field, "must be at most " + MAX_STACK_NAME_LENGTH + " characters (got " + value.length()
                    + "): the deployment's queue <stackName>" + LONGEST_QUEUE_SUFFIX + " must fit SQS's "
                    + SQS_MAX_QUEUE_NAME + "-character limit for queue names");
        }
        return value;
    }

    private String region(JsonNode body, Errors errors) {
        String field = "region";
        String value = requiredText(body.get(field), field, errors);
        if (value == null) {
            return null;
        }
        if (COMMERCIAL_REGIONS.contains(value)) {
            if (deployRegion != null && !deployRegion.equals(value)) {
                errors.add(field, "this orchestrator runs in " + deployRegion + " and deploys there; install it in "
                        + value + " to deploy to that region");
            }
            return value;
        }
        if (value.startsWith("us-gov-") || value.startsWith("cn-")) {
            errors.add(field, "must be a commercial AWS region" + got(field, value) + ": GovCloud and China"
                    + " regions are separate AWS partitions with their own accounts, endpoints and ARNs,"
                    + " which Kotta Deployer does not support");
        } else {
            errors.add(field, "must be a commercial AWS region such as us-east-1 or eu-west-1" + got(field, value));
        }
        return null;
    }

    private String jobsBucketName(JsonNode body, Errors errors) {
        String field = "jobsBucketName";
        String value = requiredText(body.get(field), field, errors);
        if (value == null) {
            return null;
        }
        for (String problem : bucketNameProblems(value)) {
            errors.add(field, problem + " (S3 bucket naming rules)" + got(field, value));
        }
        return value;
    }

    private String domainName(JsonNode body, Errors errors) {
        String field = "domainName";
        String value = requiredText(body.get(field), field, errors);
        if (value == null) {
            return null;
        }
        for (String problem : domainNameProblems(value)) {
            errors.add(field, problem + got(field, value));
        }
        // DNS names are case-insensitive; certificates and zones use lowercase
        return value.toLowerCase(Locale.ROOT);
    }

    /** How the load balancer gets its certificate: exactly one of the two is set. */
    private record Tls(String certificateArn, String hostedZoneId) {
    }

    private record WorkerRange(int min, int max) {
    }

    private Tls certificateOrHostedZone(JsonNode body, String region, Errors errors) {
        String certField = "certificateArn";
        String zoneField = "hostedZoneId";
        boolean hasCertificate = present(body.get(certField));
        boolean hasZone = present(body.get(zoneField));
        if (hasCertificate && hasZone) {
            String both = "give exactly one of certificateArn (an existing ACM certificate) or hostedZoneId"
                    + " (the stack then creates the certificate), not both";
            errors.add(certField, both);
            errors.add(zoneField, both);
            return new Tls(null, null);
        }
        if (!hasCertificate && !hasZone) {
            String neither = "one of certificateArn (an existing ACM certificate for domainName) or hostedZoneId"
                    + " (a Route 53 zone for domainName, the stack then creates the certificate) is required";
            errors.add(certField, neither);
            errors.add(zoneField, neither);
            return new Tls(null, null);
        }
        return hasCertificate
                ? new Tls(certificateArn(body.get(certField), certField, region, errors), null)
                : new Tls(null, hostedZoneId(body.get(zoneField), zoneField, errors));
    }

    private String certificateArn(JsonNode node, String field, String region, Errors errors) {
        String value = requiredText(node, field, errors);
        if (value == null) {
            return null;
        }
        var matcher = CERTIFICATE_ARN.matcher(value);
        if (!matcher.matches()) {
            errors.add(field, "must be an ACM certificate ARN: arn:aws:acm:<region>:<12-digit account>:certificate/"
                    + "<certificate id>" + got(field, value));
            return value;
        }
        String certificateRegion = matcher.group(1);
        if (region != null && !certificateRegion.equals(region)) {
            errors.add(field, "is in region " + certificateRegion + " but region is " + region
                    + ": the load balancer can only use an ACM certificate from its own region;"
                    + " request or import the certificate in " + region);
        }
        return value;
    }

    private String hostedZoneId(JsonNode node, String field, Errors errors) {
        String value = requiredText(node, field, errors);
        if (value == null) {
            return null;
        }
        String id = value.startsWith(HOSTED_ZONE_PREFIX) ? value.substring(HOSTED_ZONE_PREFIX.length()) : value;
        if (!HOSTED_ZONE_ID.matcher(id).matches()) {
            errors.add(field, "must be a Route 53 hosted zone id: Z followed by up to 31 uppercase letters"
                    + " and digits, e.g. Z0123456789ABCDEFGHIJ" + got(field, value));
        }
        return id;
    }

    /** The OpenID Connect issuer, or null (absent or empty) for Login with Amazon; see {@link OidcIssuers}. */
    private String oidcIssuer(JsonNode body, Errors errors) {
        String field = "oidcIssuer";
        JsonNode node = body.get(field);
        if (!present(node) || (node.isTextual() && node.textValue().isEmpty())) {
            return null;
        }
        String value = requiredText(node, field, errors);
        if (value == null) {
            return null;
        }
        String problem = OidcIssuers.problem(value);
        if (problem != null) {
            errors.add(field, problem + got(field, value));
        }
        return value;
    }

    /** Login with Amazon's client id form, or (with an OIDC issuer) any plain client id. */
    private String oauthClientId(JsonNode body, boolean oidc, Errors errors) {
        String field = "oauthClientId";
        String value = requiredText(body.get(field), field, errors);
        if (value != null && oidc) {
            if (value.length() > MAX_OIDC_CLIENT_ID || !OIDC_CLIENT_ID.matcher(value).matches()) {
                errors.add(field, "must be the OpenID Connect provider's client id: at most " + MAX_OIDC_CLIENT_ID
                        + " printable ASCII characters, without blanks, quotes, '%' or backslashes");
            }
            return value;
        }
        if (value != null && !OAUTH_CLIENT_ID.matcher(value).matches()) {
            // never repeated: a client secret pasted into the wrong field must not land in a log
            errors.add(field, "must be a Login-with-Amazon client id: amzn1.application-oa2-client. followed"
                    + " by 32 lowercase hexadecimal characters (the app's Web Settings show it)");
        }
        return value;
    }

    private String oauthClientSecretArn(JsonNode body, String region, Errors errors) {
        String field = "oauthClientSecretArn";
        String value = requiredText(body.get(field), field, errors);
        if (value == null) {
            return null;
        }
        var matcher = SECRET_ARN.matcher(value);
        if (!matcher.matches()) {
            errors.add(field, "must be the ARN of a Secrets Manager secret holding the Login-with-Amazon client"
                    + " secret (arn:aws:secretsmanager:<region>:<12-digit account>:secret:<name>), never the"
                    + " secret itself");
            return value;
        }
        String secretRegion = matcher.group(1);
        if (region != null && !secretRegion.equals(region)) {
            errors.add(field, "is in region " + secretRegion + " but region is " + region
                    + ": the web server reads the secret in its own region; create the secret in " + region);
        }
        return value;
    }

    private String instanceType(JsonNode body, String field, String defaultType, Errors errors) {
        JsonNode node = body.get(field);
        if (!present(node)) {
            return defaultType;
        }
        String value = requiredText(node, field, errors);
        if (value != null && !INSTANCE_TYPE.matcher(value).matches()) {
            errors.add(field, "must be an EC2 instance type such as t3.small, c5.xlarge or m7g.2xlarge"
                    + got(field, value));
        }
        return value;
    }

    /** A min/max pair: each 0..MAX_WORKERS, and min ≤ max. */
    private WorkerRange workerRange(JsonNode body, String minField, int minDefault, String maxField, int maxDefault,
                              Errors errors) {
        Integer min = workerCount(body.get(minField), minField, minDefault, errors);
        Integer max = workerCount(body.get(maxField), maxField, maxDefault, errors);
        if (min != null && max != null && min > max) {
            errors.add(minField, "must not exceed " + maxField + " (" + min + " > " + max + ")");
        }
        return new WorkerRange(min == null ? 0 : min, max == null ? 0 : max);
    }

    private Integer workerCount(JsonNode node, String field, int defaultCount, Errors errors) {
        if (!present(node)) {
            return defaultCount;
        }
        if (!node.isIntegralNumber()) {
            errors.add(field, "must be a whole number (a JSON integer such as 3), not " + describeType(node));
            return null;
        }
        if (!node.canConvertToInt() || node.intValue() < 0 || node.intValue() > MAX_WORKERS) {
            errors.add(field, "must be between 0 and " + MAX_WORKERS + outOfRangeValue(node.bigIntegerValue()));
            return null;
        }
        return node.intValue();
    }

    private String spotPrice(JsonNode body, Errors errors) {
        String field = "spotPrice";
        JsonNode node = body.get(field);
        if (!present(node)) {
            return DEFAULT_SPOT_PRICE;
        }
        String expected = "must be a price in US dollars per hour, a decimal number such as 0.10";
        BigDecimal price;
        String asGiven;
        if (node.isTextual()) {
            asGiven = requiredText(node, field, errors);
            if (asGiven == null) {
                return null;
            }
            if (!PLAIN_DECIMAL.matcher(asGiven).matches()) {
                errors.add(field, expected + got(field, asGiven));
                return null;
            }
            price = new BigDecimal(asGiven);
        } else if (node.isNumber()) {
            price = decimalOf(node);
            if (price == null) {
                errors.add(field, "is out of range: must be greater than 0 and at most " + MAX_SPOT_PRICE);
                return null;
            }
            asGiven = price.toPlainString();
        } else {
            errors.add(field, expected + ", not " + describeType(node));
            return null;
        }
        if (price.signum() <= 0 || price.compareTo(MAX_SPOT_PRICE) > 0) {
            errors.add(field, "must be greater than 0 and at most " + MAX_SPOT_PRICE + " (US dollars per hour)"
                    + (asGiven.length() <= 20 ? " (got " + asGiven + ")" : ""));
        } else if (price.stripTrailingZeros().scale() > MAX_SPOT_PRICE_DECIMALS) {
            errors.add(field, "must have at most " + MAX_SPOT_PRICE_DECIMALS + " decimal places (got " + asGiven + ")");
        }
        return asGiven;
    }

    private String keyPairName(JsonNode body, Errors errors) {
        String field = "keyPairName";
        JsonNode node = body.get(field);
        if (!present(node)) {
            return null;
        }
        String value = requiredText(node, field, errors);
        if (value == null) {
            return null;
        }
        if (value.length() > MAX_KEY_PAIR_NAME) {
            errors.add(field, "must be at most " + MAX_KEY_PAIR_NAME + " characters (got " + value.length() + ")");
        }
        if (!PRINTABLE_ASCII.matcher(value).matches()) {
            errors.add(field, "must contain only printable ASCII characters (EC2 key pair name rules)");
        }
        return value;
    }

    private List<AdminUser> adminUsers(JsonNode body, Errors errors) {
        String field = "adminUsers";
        JsonNode node = body.get(field);
        if (!present(node)) {
            errors.add(field, "is required: a list of at least one administrator, e.g."
                    + " [{\"email\": \"ada@example.org\", \"name\": \"Ada\"}]");
            return null;
        }
        if (!node.isArray()) {
            errors.add(field, "must be an array of administrators, not " + describeType(node));
            return null;
        }
        if (node.isEmpty()) {
            errors.add(field, "must list at least one administrator");
            return null;
        }
        if (node.size() > MAX_ADMIN_USERS) {
            errors.add(field, "must list at most " + MAX_ADMIN_USERS + " administrators (got " + node.size()
                    + "); add further users in Cloud Kotta itself");
        }
        List<AdminUser> users = new ArrayList<>();
        Map<String, Integer> firstIndexOfEmail = new HashMap<>();
        for (int i = 0; i < node.size(); i++) {
            String path = field + "[" + i + "]";
            AdminUser user = adminUser(node.get(i), path, errors);
            if (user == null) {
                continue;
            }
            Integer first = firstIndexOfEmail.putIfAbsent(user.email(), i);
            if (first != null) {
                errors.add(path + "." + ADMIN_EMAIL, "duplicates " + field + "[" + first + "]." + ADMIN_EMAIL
                        + " (e-mail addresses are compared ignoring case)");
            }
            users.add(user);
        }
        return List.copyOf(users);
    }

    private AdminUser adminUser(JsonNode node, String path, Errors errors) {
        if (!node.isObject()) {
            errors.add(path, "must be an object {\"email\": ..., \"name\": ...}, not " + describeType(node));
            return null;
        }
        unknownFields(node, path + ".", ADMIN_FIELDS, errors);
        String emailField = path + "." + ADMIN_EMAIL;
        String email = requiredText(node.get(ADMIN_EMAIL), emailField, errors);
        boolean emailValid = email != null;
        if (email != null) {
            for (String problem : emailProblems(email)) {
                errors.add(emailField, problem + got(emailField, email));
                emailValid = false;
            }
        }
        String nameField = path + "." + ADMIN_NAME;
        String name = null;
        JsonNode nameNode = node.get(ADMIN_NAME);
        if (present(nameNode)) {
            name = requiredText(nameNode, nameField, errors);
            if (name != null && name.length() > MAX_ADMIN_NAME) {
                errors.add(nameField, "must be at most " + MAX_ADMIN_NAME + " characters (got " + name.length() + ")");
            }
        }
        return emailValid ? new AdminUser(email.toLowerCase(Locale.ROOT), name) : null;
    }

    private String codeSource(JsonNode body, Errors errors) {
        String field = "codeSource";
        JsonNode node = body.get(field);
        if (!present(node)) {
            return null;
        }
        String value = requiredText(node, field, errors);
        if (value == null) {
            return null;
        }
        var location = S3Location.parse(value);
        if (location.isEmpty()) {
            errors.add(field, "must be s3://<bucket>/<key> of a .tar.gz or .tgz archive of the web code"
                    + got(field, value));
            return value;
        }
        for (String problem : bucketNameProblems(location.get().bucket())) {
            errors.add(field, "bucket: " + problem + " (S3 bucket naming rules)" + got(field, value));
        }
        for (String problem : codeKeyProblems(location.get().key())) {
            errors.add(field, "key: " + problem + got(field, value));
        }
        return value;
    }

    /** Whether to look up the latest Amazon Linux image now; absent or null: keep the stack's. */
    private static boolean refreshImage(JsonNode body, Errors errors) {
        String field = "refreshImage";
        JsonNode node = body.get(field);
        if (!present(node)) {
            return false;
        }
        if (!node.isBoolean()) {
            errors.add(field, "must be true or false, not " + describeType(node)
                    + " (true moves the instances to the latest Amazon Linux image)");
            return false;
        }
        return node.booleanValue();
    }

    private void unknownFields(JsonNode object, String pathPrefix, Set<String> known, Errors errors) {
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (known.contains(name)) {
                continue;
            }
            String path = pathPrefix + printablePath(name);
            if (name.toLowerCase(Locale.ROOT).contains("secret")) {
                errors.add(path, "is refused: a request must never carry a secret; store the Login-with-Amazon"
                        + " client secret in AWS Secrets Manager and give its ARN as oauthClientSecretArn");
            } else {
                errors.add(path, "unknown field");
            }
        }
    }

    // ---- rules on values (pure; each returns what is wrong, empty when fine) ----------------

    /** The S3 general-purpose bucket naming rules; one message per broken rule. */
    static List<String> bucketNameProblems(String name) {
        List<String> problems = new ArrayList<>();
        if (name.length() < MIN_BUCKET_NAME || name.length() > MAX_BUCKET_NAME) {
            problems.add("must be " + MIN_BUCKET_NAME + " to " + MAX_BUCKET_NAME + " characters long (got "
                    + name.length() + ")");
        }
        if (!BUCKET_CHARACTERS.matcher(name).matches()) {
            problems.add("may contain only lowercase letters, digits, dots (.) and hyphens (-)");
        }
        boolean edgesAlphanumeric = !name.isEmpty() && isLowerAlphanumeric(name.charAt(0))
                && isLowerAlphanumeric(name.charAt(name.length() - 1));
        if (!name.isEmpty() && !edgesAlphanumeric) {
            problems.add("must start and end with a lowercase letter or digit");
        }
        if (name.contains("..")) {
            problems.add("must not contain two adjacent periods");
        }
        if (IP_ADDRESS_FORM.matcher(name).matches()) {
            problems.add("must not be formatted as an IP address");
        }
        for (String prefix : RESERVED_BUCKET_PREFIXES) {
            if (name.startsWith(prefix)) {
                problems.add("must not start with the reserved prefix " + prefix);
            }
        }
        for (String suffix : RESERVED_BUCKET_SUFFIXES) {
            if (name.endsWith(suffix)) {
                problems.add("must not end with the reserved suffix " + suffix);
            }
        }
        return problems;
    }

    /** A DNS host name: at least two labels of letters, digits and inner hyphens. */
    static List<String> domainNameProblems(String name) {
        Set<String> problems = new LinkedHashSet<>();
        if (name.length() > MAX_DOMAIN_NAME) {
            problems.add("must be at most " + MAX_DOMAIN_NAME + " characters (got " + name.length() + ")");
        }
        String[] labels = name.split("\\.", -1);
        if (labels.length < 2) {
            problems.add("must have at least two labels, like example.org");
        }
        for (String label : labels) {
            if (label.isEmpty()) {
                problems.add("must not have empty labels (a leading, trailing or doubled dot)");
            } else if (label.length() > MAX_DNS_LABEL) {
                problems.add("labels must be at most " + MAX_DNS_LABEL + " characters (got " + label.length() + ")");
            }
            if (!label.isEmpty() && !DNS_LABEL_CHARACTERS.matcher(label).matches()) {
                problems.add("labels may contain only letters, digits and hyphens");
            }
            if (label.startsWith("-") || label.endsWith("-")) {
                problems.add("labels must not start or end with a hyphen");
            }
        }
        if (labels.length >= 2 && ALL_DIGITS.matcher(labels[labels.length - 1]).matches()) {
            problems.add("the top-level label must not be all digits");
        }
        return List.copyOf(problems);
    }

    /** local@domain: a dot-atom local part and a domain following {@link #domainNameProblems}. */
    static List<String> emailProblems(String address) {
        List<String> problems = new ArrayList<>();
        if (address.length() > MAX_EMAIL) {
            problems.add("must be at most " + MAX_EMAIL + " characters (got " + address.length() + ")");
        }
        int at = address.indexOf('@');
        if (at < 0 || at != address.lastIndexOf('@')) {
            problems.add("must be an e-mail address local@domain with exactly one @");
            return problems;
        }
        String local = address.substring(0, at);
        String domain = address.substring(at + 1);
        if (local.isEmpty() || local.length() > MAX_EMAIL_LOCAL_PART) {
            problems.add("the part before @ must be 1 to " + MAX_EMAIL_LOCAL_PART + " characters");
        } else if (!EMAIL_LOCAL_PART.matcher(local).matches()) {
            problems.add("the part before @ may contain only letters, digits, single inner dots and"
                    + " !#$%&'*+/=?^_`{|}~-");
        }
        for (String problem : domainNameProblems(domain)) {
            problems.add("the domain after @ " + problem);
        }
        return problems;
    }

    /** The object key of the code tarball. */
    static List<String> codeKeyProblems(String key) {
        List<String> problems = new ArrayList<>();
        if (!key.endsWith(".tar.gz") && !key.endsWith(".tgz")) {
            problems.add("must end with .tar.gz or .tgz");
        }
        int bytes = key.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_S3_KEY_BYTES) {
            problems.add("must be at most " + MAX_S3_KEY_BYTES + " bytes in UTF-8 (got " + bytes + ")");
        }
        if (Arrays.asList(key.split("/", -1)).contains("..")) {
            problems.add("must not contain .. path segments");
        }
        return problems;
    }

    // ---- reading the JSON tree ------------------------------------------------------------

    /** A JSON string, or null after recording why not (absent, null, wrong type, control chars, empty). */
    private static String requiredText(JsonNode node, String field, Errors errors) {
        if (!present(node)) {
            errors.add(field, "is required");
            return null;
        }
        if (!node.isTextual()) {
            errors.add(field, "must be a string, not " + describeType(node));
            return null;
        }
        String value = node.textValue();
        if (hasControlCharacters(value)) {
            errors.add(field, "must not contain control characters (U+0000 to U+001F, U+007F)");
            return null;
        }
        if (value.isEmpty()) {
            errors.add(field, "must not be empty");
            return null;
        }
        return value;
    }

    private static boolean present(JsonNode node) {
        return node != null && !node.isNull() && !node.isMissingNode();
    }

    /** A finite JSON number as a decimal, or null when it overflowed (e.g. 1e400 read as infinity). */
    private static BigDecimal decimalOf(JsonNode number) {
        if (number.isIntegralNumber()) {
            return new BigDecimal(number.bigIntegerValue());
        }
        if (number.isBigDecimal()) {
            return number.decimalValue();
        }
        double value = number.doubleValue();
        return Double.isFinite(value) ? new BigDecimal(Double.toString(value)) : null;
    }

    private static String describeType(JsonNode node) {
        return switch (node.getNodeType()) {
            case STRING -> "a string";
            case BOOLEAN -> "a boolean";
            case NUMBER -> node.isIntegralNumber() ? "an integer" : "a decimal number";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            default -> "a " + node.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }

    private static String outOfRangeValue(BigInteger value) {
        String digits = value.toString();
        return digits.length() <= 12 ? " (got " + digits + ")" : "";
    }

    /** " (got 'value')" when the value is safe and short enough to repeat, else nothing. */
    private static String got(String field, String value) {
        if (MAYBE_SECRET_FIELDS.contains(field) || value.length() > MAX_ECHOED_LENGTH
                || hasControlCharacters(value)) {
            return "";
        }
        return " (got '" + value + "')";
    }

    /** A field name as it may appear in a path: control characters replaced, length capped. */
    private static String printablePath(String name) {
        StringBuilder out = new StringBuilder();
        name.codePoints().limit(MAX_ECHOED_LENGTH)
                .forEach(c -> out.appendCodePoint(isControl(c) ? '?' : c));
        if (name.codePointCount(0, name.length()) > MAX_ECHOED_LENGTH) {
            out.append("...");
        }
        return out.toString();
    }

    static boolean hasControlCharacters(String value) {
        return value.chars().anyMatch(RequestValidator::isControl);
    }

    private static boolean isControl(int c) {
        return c <= 0x1F || c == 0x7F;
    }

    private static boolean isLowerAlphanumeric(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }

    private static final class Errors {
        final List<FieldError> list = new ArrayList<>();

        void add(String field, String message) {
            list.add(new FieldError(field, message));
        }
    }
}
