package org.kotta.deployer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * KottaStacksRole, the role CloudFormation uses for kotta-base.yaml and kotta.yaml, holds exactly
 * what the resource handlers of their resource types call: the create, update and delete
 * permissions in the provider schemas of the pinned cfn-lint, less those of features the templates
 * do not turn on. A resource type added to a template without its permissions fails here, as does
 * a grant of a whole service or of anything no handler calls.
 */
class StacksRoleIT {

    private static final List<String> TEMPLATES =
            List.of("infrastructure/kotta-base.yaml", "infrastructure/kotta.yaml");

    /**
     * Permissions the handlers list for features the templates do not use, each with the template
     * property that would turn it on: using that property fails {@link #theFeaturesLeftOutAreNotTurnedOn}.
     */
    record LeftOut(Pattern actions, String resourceType, List<String> properties, String reason) {}

    private static final List<LeftOut> LEFT_OUT = List.of(
            new LeftOut(
                    Pattern.compile("acm-pca:.*"),
                    "AWS::CertificateManager::Certificate",
                    List.of("CertificateAuthorityArn"),
                    "private CA certificates"),
            new LeftOut(
                    Pattern.compile("kinesis:.*"),
                    "AWS::DynamoDB::Table",
                    List.of("KinesisStreamSpecification"),
                    "table changes streamed to Kinesis"),
            new LeftOut(
                    Pattern.compile("kms:.*"),
                    "AWS::DynamoDB::Table",
                    List.of("KMSMasterKeyId"),
                    "tables under a customer-managed key (they use AWS-owned or -managed keys)"),
            new LeftOut(
                    Pattern.compile("logs:.*|dynamodb:ImportTable|s3:GetObject|s3:GetObjectMetadata"),
                    "AWS::DynamoDB::Table",
                    List.of("ImportSourceSpecification"),
                    "a table imported from S3"),
            new LeftOut(
                    Pattern.compile("s3tables:.*"),
                    "AWS::S3::Bucket",
                    List.of("MetadataTableConfiguration", "MetadataConfiguration"),
                    "S3 Metadata tables"),
            new LeftOut(
                    Pattern.compile("managed-fleets:.*"),
                    "AWS::AutoScaling::AutoScalingGroup",
                    List.of("ManagedFleetConfiguration"),
                    "fleets managed by another AWS service"),
            new LeftOut(
                    Pattern.compile("vpc-lattice:.*"),
                    "AWS::AutoScaling::AutoScalingGroup",
                    List.of("TrafficSources"),
                    "VPC Lattice target groups as traffic sources"),
            new LeftOut(
                    Pattern.compile("vpc-lattice:.*"),
                    "AWS::EC2::VPCEndpoint",
                    List.of("ServiceNetworkArn"),
                    "endpoints into a VPC Lattice service network"),
            new LeftOut(
                    Pattern.compile("secretsmanager:(ReplicateSecretToRegions|RemoveRegionsFromReplication)"),
                    "AWS::SecretsManager::Secret",
                    List.of("ReplicaRegions"),
                    "secrets replicated to other regions"),
            new LeftOut(
                    Pattern.compile("cognito-idp:.*"),
                    "AWS::ElasticLoadBalancingV2::Listener",
                    List.of("AuthenticateCognitoConfig"),
                    "listeners that sign users in with Cognito"),
            new LeftOut(
                    Pattern.compile("vpce:.*"),
                    "AWS::EC2::VPCEndpoint",
                    List.of("ServiceRegion"),
                    "endpoints to services of another region"),
            new LeftOut(
                    Pattern.compile("iam:(Put|Get|Delete)(Group|User)Policy"),
                    "AWS::IAM::Policy",
                    List.of("Groups", "Users"),
                    "inline policies of IAM groups or users (ours attach to roles)"),
            new LeftOut(
                    Pattern.compile("logs:(AssociateKmsKey|DisassociateKmsKey)"),
                    "AWS::Logs::LogGroup",
                    List.of("KmsKeyId"),
                    "a log group under a customer-managed key"),
            new LeftOut(
                    Pattern.compile("logs:(Put|Delete)DataProtectionPolicy|logs:CreateLogDelivery"
                            + "|s3:REST\\.PUT\\.OBJECT|firehose:TagDeliveryStream"),
                    "AWS::Logs::LogGroup",
                    List.of("DataProtectionPolicy"),
                    "a data protection policy and its audit destinations"),
            new LeftOut(
                    Pattern.compile("logs:(Put|Delete)IndexPolicy"),
                    "AWS::Logs::LogGroup",
                    List.of("FieldIndexPolicies"),
                    "field index policies"),
            new LeftOut(
                    Pattern.compile("logs:(Put|Delete)ResourcePolicy"),
                    "AWS::Logs::LogGroup",
                    List.of("ResourcePolicyDocument"),
                    "a resource policy on the log group"),
            new LeftOut(
                    Pattern.compile("logs:PutLogGroupDeletionProtection"),
                    "AWS::Logs::LogGroup",
                    List.of("DeletionProtectionEnabled"),
                    "deletion protection of the log group"),
            new LeftOut(
                    Pattern.compile("logs:PutBearerTokenAuthentication"),
                    "AWS::Logs::LogGroup",
                    List.of("BearerTokenAuthenticationEnabled"),
                    "bearer-token ingestion into the log group"));

    private static JsonNode role;
    private static Map<String, JsonNode> templates;

    @BeforeAll
    static void read() throws Exception {
        role = TemplateTool.translated().path("Resources").path("KottaStacksRole");
        templates = new TreeMap<>();
        for (String template : TEMPLATES) {
            templates.put(template, TemplateTool.parsed(template));
        }
    }

    @Test
    void grantsEveryHandlerPermissionOfTheStacksResourceTypes() throws IOException {
        Set<String> granted = granted();
        List<String> gaps = new ArrayList<>();
        requiredByType()
                .forEach((type, actions) -> actions.stream()
                        .filter(action -> granted.stream().noneMatch(g -> covers(g, action)))
                        .forEach(action -> gaps.add(type + " needs " + action)));
        assertThat(gaps).as("handler permissions KottaStacksRole lacks").isEmpty();
    }

    @Test
    void grantsNothingNoHandlerCalls_andNoWholeService() throws IOException {
        Set<String> required = new TreeSet<>();
        requiredByType().values().forEach(required::addAll);
        List<String> extra = new ArrayList<>();
        for (String action : granted()) {
            if (action.equals("*") || action.endsWith(":*") || !required.contains(action)) {
                extra.add(action);
            }
        }
        assertThat(extra)
                .as("granted to KottaStacksRole though no handler of the stacks calls it")
                .isEmpty();
    }

    @Test
    void theFeaturesLeftOutAreNotTurnedOn() {
        List<String> used = new ArrayList<>();
        templates.forEach((file, template) -> template.path("Resources")
                .properties()
                .forEach(resource -> {
                    for (LeftOut leftOut : LEFT_OUT) {
                        if (!resource.getValue().path("Type").asText().equals(leftOut.resourceType())) {
                            continue;
                        }
                        for (String property : leftOut.properties()) {
                            if (resource.getValue().path("Properties").findValue(property) != null) {
                                used.add(file + " " + resource.getKey() + "." + property + " turns on "
                                        + leftOut.reason() + ": grant " + leftOut.actions()
                                        + " to KottaStacksRole and drop it from LEFT_OUT");
                            }
                        }
                    }
                }));
        assertThat(used).isEmpty();
    }

    /** Each resource type's create, update and delete permissions, less what is left out. */
    private static Map<String, Set<String>> requiredByType() throws IOException {
        Path schemas = schemasDirectory();
        ObjectMapper mapper = new ObjectMapper();
        JsonNode provider =
                mapper.readTree(schemas.resolve("providers/us-east-1.json").toFile());
        Map<String, Set<String>> required = new TreeMap<>();
        for (JsonNode template : templates.values()) {
            template.path("Resources")
                    .forEach(resource ->
                            required.putIfAbsent(resource.path("Type").asText(), new TreeSet<>()));
        }
        for (Map.Entry<String, Set<String>> entry : required.entrySet()) {
            String type = entry.getKey();
            assertThat(provider.has(type))
                    .as("%s in cfn-lint's provider schemas", type)
                    .isTrue();
            JsonNode schema = mapper.readTree(
                    schemas.resolve("resources/" + provider.path(type).asText() + ".json")
                            .toFile());
            for (String handler : List.of("create", "update", "delete")) {
                for (JsonNode permission : schema.path("handlers").path(handler).path("permissions")) {
                    String action = permission.asText();
                    boolean leftOut = LEFT_OUT.stream()
                            .anyMatch(l -> l.resourceType().equals(type)
                                    && l.actions().matcher(action).matches());
                    if (!leftOut) {
                        entry.getValue().add(action);
                    }
                }
            }
        }
        return required;
    }

    /** cfn-lint's schemas in the project's virtualenv (…/site-packages/cfnlint/data/schemas). */
    private static Path schemasDirectory() throws IOException {
        Path lib = TemplateTool.venvBin("python").getParent().getParent().resolve("lib");
        try (Stream<Path> pythons = Files.list(lib)) {
            return pythons.map(p -> p.resolve("site-packages/cfnlint/data/schemas"))
                    .filter(Files::isDirectory)
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no cfnlint schemas under " + lib));
        }
    }

    private static Set<String> granted() {
        Set<String> actions = new TreeSet<>();
        for (JsonNode policy : role.path("Properties").path("Policies")) {
            for (JsonNode statement : policy.path("PolicyDocument").path("Statement")) {
                if ("Allow".equals(statement.path("Effect").asText())) {
                    actions.addAll(TemplateTool.strings(statement.path("Action")));
                }
            }
        }
        return actions;
    }

    /** Whether a granted action (possibly "service:Prefix*") covers a required one (possibly itself a pattern). */
    private static boolean covers(String granted, String required) {
        if (granted.equals(required)) {
            return true;
        }
        if (!granted.endsWith("*") || required.endsWith("*")) {
            return false;
        }
        return required.toLowerCase(java.util.Locale.ROOT)
                .startsWith(granted.substring(0, granted.length() - 1).toLowerCase(java.util.Locale.ROOT));
    }
}
