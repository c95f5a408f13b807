package org.kotta.deployer.validate;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.kotta.deployer.core.DeploymentRequest;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.RegionMetadata;

/**
 * The naming rules of AWS and DNS that the request's values must follow: stack and bucket
 * names, object keys, regions, domain names, certificate and secret ARNs, hosted zone ids,
 * instance types, key pair names and Login-with-Amazon client ids. Pure: each rule returns what is wrong (empty or null
 * when fine) and knows nothing of the request's JSON.
 *
 * <p>Where a message may repeat the value, the caller passes {@code shown}: the suffix it has
 * decided is safe to print (" (got 'x')", or "" for a value that must not be repeated).
 */
public final class AwsNames {

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
    static final int MAX_KEY_PAIR_NAME = 255;
    static final int MAX_S3_KEY_BYTES = 1024;
    static final int MAX_SECRET_NAME = 512;

    /**
     * The commercial ("aws") partition's regions, as the SDK's endpoint metadata lists them.
     * GovCloud, China and the isolated regions are other partitions; the partition-wide
     * pseudo-region {@code aws-global} is no place to deploy to.
     */
    public static final Set<String> COMMERCIAL_REGIONS = Region.regions().stream()
            .filter(region -> !region.isGlobalRegion())
            .filter(region -> {
                RegionMetadata metadata = RegionMetadata.of(region);
                return metadata != null && "aws".equals(metadata.partition().id());
            })
            .map(Region::id)
            .collect(Collectors.toUnmodifiableSet());

    private static final Pattern STACK_NAME = Pattern.compile("^[a-zA-Z][-a-zA-Z0-9]*$");
    private static final Pattern BUCKET_CHARACTERS = Pattern.compile("^[a-z0-9.-]*$");
    private static final Pattern IP_ADDRESS_FORM = Pattern.compile("^[0-9]{1,3}(\\.[0-9]{1,3}){3}$");
    private static final List<String> RESERVED_BUCKET_PREFIXES = List.of("xn--", "sthree-", "amzn-s3-demo-");
    private static final List<String> RESERVED_BUCKET_SUFFIXES =
            List.of("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3");
    private static final Pattern DNS_LABEL_CHARACTERS = Pattern.compile("^[A-Za-z0-9-]+$");
    private static final Pattern ALL_DIGITS = Pattern.compile("^[0-9]+$");
    private static final Pattern CERTIFICATE_ARN = Pattern.compile("^arn:aws:acm:([a-z0-9-]+):[0-9]{12}:certificate/"
            + "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");
    private static final String HOSTED_ZONE_PREFIX = "/hostedzone/";
    private static final Pattern HOSTED_ZONE_ID = Pattern.compile("^Z[A-Z0-9]{1,31}$");
    private static final Pattern SECRET_ARN = Pattern.compile(
            "^arn:aws:secretsmanager:([a-z0-9-]+):[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]{1," + MAX_SECRET_NAME + "}$");
    private static final Pattern INSTANCE_TYPE = Pattern.compile("^[a-z][a-z0-9-]*[0-9][a-z0-9-]*\\.[0-9a-z]+$");
    private static final Pattern LOGIN_WITH_AMAZON_CLIENT_ID =
            Pattern.compile("^amzn1\\.application-oa2-client\\.[0-9a-f]{32}$");
    private static final Pattern PRINTABLE_ASCII = Pattern.compile("^[\\x20-\\x7E]*$");

    private AwsNames() {}

    /** CloudFormation's stack name rules, and room for the longest name derived from it. */
    static List<String> stackNameProblems(String name, String shown) {
        List<String> problems = new ArrayList<>();
        if (!STACK_NAME.matcher(name).matches()) {
            problems.add("must start with a letter and contain only letters, digits and hyphens"
                    + " (CloudFormation stack name rules)" + shown);
        }
        if (name.length() > MAX_STACK_NAME_LENGTH) {
            problems.add("must be at most " + MAX_STACK_NAME_LENGTH + " characters (got " + name.length()
                    + "): the deployment's queue <stackName>" + LONGEST_QUEUE_SUFFIX + " must fit SQS's "
                    + SQS_MAX_QUEUE_NAME + "-character limit for queue names");
        }
        return problems;
    }

    /** Why {@code region} is not a commercial AWS region, or null when it is. */
    static String regionProblem(String region, String shown) {
        if (COMMERCIAL_REGIONS.contains(region)) {
            return null;
        }
        if (region.startsWith("us-gov-") || region.startsWith("cn-")) {
            return "must be a commercial AWS region" + shown + ": GovCloud and China"
                    + " regions are separate AWS partitions with their own accounts, endpoints and ARNs,"
                    + " which Kotta Deployer does not support";
        }
        return "must be a commercial AWS region such as us-east-1 or eu-west-1" + shown;
    }

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
        boolean edgesAlphanumeric = !name.isEmpty()
                && isLowerAlphanumeric(name.charAt(0))
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

    /** An ACM certificate ARN in {@code region} (when known): the load balancer's own region. */
    static List<String> certificateArnProblems(String arn, String region, String shown) {
        var matcher = CERTIFICATE_ARN.matcher(arn);
        if (!matcher.matches()) {
            return List.of("must be an ACM certificate ARN: arn:aws:acm:<region>:<12-digit account>:certificate/"
                    + "<certificate id>" + shown);
        }
        String certificateRegion = matcher.group(1);
        if (region != null && !certificateRegion.equals(region)) {
            return List.of("is in region " + certificateRegion + " but region is " + region
                    + ": the load balancer can only use an ACM certificate from its own region;"
                    + " request or import the certificate in " + region);
        }
        return List.of();
    }

    /** The hosted zone id without the "/hostedzone/" prefix Route 53 sometimes prints before it. */
    static String hostedZoneId(String value) {
        return value.startsWith(HOSTED_ZONE_PREFIX) ? value.substring(HOSTED_ZONE_PREFIX.length()) : value;
    }

    /** Why {@code id} (without prefix) is not a Route 53 hosted zone id, or null when it is. */
    static String hostedZoneIdProblem(String id, String shown) {
        return HOSTED_ZONE_ID.matcher(id).matches()
                ? null
                : "must be a Route 53 hosted zone id: Z followed by up to 31 uppercase letters"
                        + " and digits, e.g. Z0123456789ABCDEFGHIJ" + shown;
    }

    /**
     * The ARN of the Secrets Manager secret holding the Login-with-Amazon client secret, in
     * {@code region} (when known). Never repeats the value: it may be the secret itself.
     */
    static List<String> secretArnProblems(String arn, String region) {
        var matcher = SECRET_ARN.matcher(arn);
        if (!matcher.matches()) {
            return List.of("must be the ARN of a Secrets Manager secret holding the Login-with-Amazon client"
                    + " secret (arn:aws:secretsmanager:<region>:<12-digit account>:secret:<name>), never the"
                    + " secret itself");
        }
        String secretRegion = matcher.group(1);
        if (region != null && !secretRegion.equals(region)) {
            return List.of("is in region " + secretRegion + " but region is " + region
                    + ": the web server reads the secret in its own region; create the secret in " + region);
        }
        return List.of();
    }

    /** Why {@code type} is not shaped like an EC2 instance type, or null when it is. */
    static String instanceTypeProblem(String type, String shown) {
        return INSTANCE_TYPE.matcher(type).matches()
                ? null
                : "must be an EC2 instance type such as t3.small, c5.xlarge or m7g.2xlarge" + shown;
    }

    /** EC2's key pair name rules. */
    static List<String> keyPairNameProblems(String name) {
        List<String> problems = new ArrayList<>();
        if (name.length() > MAX_KEY_PAIR_NAME) {
            problems.add("must be at most " + MAX_KEY_PAIR_NAME + " characters (got " + name.length() + ")");
        }
        if (!PRINTABLE_ASCII.matcher(name).matches()) {
            problems.add("must contain only printable ASCII characters (EC2 key pair name rules)");
        }
        return problems;
    }

    /** Why {@code value} is not a Login-with-Amazon client id, or null when it is. Never repeats it. */
    static String loginWithAmazonClientIdProblem(String value) {
        return LOGIN_WITH_AMAZON_CLIENT_ID.matcher(value).matches()
                ? null
                : "must be a Login-with-Amazon client id: amzn1.application-oa2-client. followed"
                        + " by 32 lowercase hexadecimal characters (the app's Web Settings show it)";
    }

    private static boolean isLowerAlphanumeric(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }
}
