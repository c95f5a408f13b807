package org.kotta.deployer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kotta.deployer.core.AdminUser;
import org.kotta.deployer.core.DeploymentRequest;
import org.kotta.deployer.stacks.StackSteps;

/**
 * What a real account refuses or gets wrong while the local cloud lets it through, read from
 * the templates themselves: template.yaml after the SAM transform, the infrastructure templates
 * as written.
 */
class RealAccountTemplateIT {

    private static Map<String, JsonNode> templates;

    @BeforeAll
    static void read() throws Exception {
        templates = Map.of(
                "template.yaml", TemplateTool.translated(),
                "infrastructure/kotta-base.yaml", TemplateTool.parsed("infrastructure/kotta-base.yaml"),
                "infrastructure/kotta.yaml", TemplateTool.parsed("infrastructure/kotta.yaml"));
    }

    /**
     * CloudWatch publishes to an encrypted topic only if the key's policy lets cloudwatch.amazonaws.com
     * use it; an AWS-managed key (alias/aws/sns) never does, so its alarms would never arrive.
     */
    @Test
    void everyTopicAnAlarmPublishesToIsUnencryptedOrUnderAKeyCloudWatchMayUse() {
        List<String> checked = new ArrayList<>();
        templates.forEach((file, template) -> {
            JsonNode resources = template.path("Resources");
            resources.properties().forEach(entry -> {
                if (!entry.getValue().path("Type").asText().equals("AWS::CloudWatch::Alarm")) {
                    return;
                }
                for (JsonNode action : entry.getValue().path("Properties").path("AlarmActions")) {
                    JsonNode topic = resources.path(action.path("Ref").asText());
                    if (!topic.path("Type").asText().equals("AWS::SNS::Topic")) {
                        continue;
                    }
                    String where = file + " " + entry.getKey() + " -> "
                            + action.path("Ref").asText();
                    checked.add(where);
                    JsonNode key = topic.path("Properties").path("KmsMasterKeyId");
                    if (key.isMissingNode()) {
                        continue;
                    }
                    assertThat(key.isTextual())
                            .as(
                                    "%s: topic key %s must be this template's own key, not an" + " AWS-managed alias",
                                    where, key)
                            .isFalse();
                    String keyId = key.has("Ref")
                            ? key.path("Ref").asText()
                            : key.path("Fn::GetAtt").path(0).asText();
                    JsonNode keyResource = resources.path(keyId);
                    assertThat(keyResource.path("Type").asText())
                            .as("%s: topic key", where)
                            .isEqualTo("AWS::KMS::Key");
                    List<String> cloudWatchMay = new ArrayList<>();
                    for (JsonNode statement :
                            keyResource.path("Properties").path("KeyPolicy").path("Statement")) {
                        if ("Allow".equals(statement.path("Effect").asText())
                                && TemplateTool.strings(
                                                statement.path("Principal").path("Service"))
                                        .contains("cloudwatch.amazonaws.com")) {
                            cloudWatchMay.addAll(TemplateTool.strings(statement.path("Action")));
                        }
                    }
                    assertThat(cloudWatchMay)
                            .as("%s: what the key policy lets cloudwatch.amazonaws.com do", where)
                            .contains("kms:Decrypt", "kms:GenerateDataKey*");
                }
            });
        });
        assertThat(checked).as("alarm -> topic pairs").isNotEmpty();
    }

    /**
     * Data that outlives its stack, except when the stack's first create rolls back: a Retain bucket
     * or table left by a failed first create makes every later create fail on "already exists".
     */
    @Test
    void theBaseStacksDataIsKeptExceptWhenItsFirstCreateFails() {
        JsonNode resources = templates.get("infrastructure/kotta-base.yaml").path("Resources");
        for (String data : List.of("JobsBucket", "JobsTable", "UsersTable")) {
            assertThat(resources.path(data).path("DeletionPolicy").asText())
                    .as("%s DeletionPolicy", data)
                    .isEqualTo("RetainExceptOnCreate");
            assertThat(resources.path(data).path("UpdateReplacePolicy").asText())
                    .as("%s UpdateReplacePolicy", data)
                    .isEqualTo("Retain");
        }
    }

    /**
     * API Gateway routes a request to the resource matching its path; a resource without the
     * method answers 403 MISSING_AUTHENTICATION_TOKEN and does not fall through to {proxy+} (the
     * local cloud falls through). Every documented path therefore routes every method, so the
     * handler's 405 with Allow is what both answer; the gateway's own refusals are problem+json.
     */
    @Test
    void everyPathOfTheApiRoutesEveryMethod_andTheGatewaysRefusalsAreProblems() {
        JsonNode body = templates
                .get("template.yaml")
                .path("Resources")
                .path("AdminApi")
                .path("Properties")
                .path("Body");
        body.path("paths").properties().forEach(path -> {
            if (path.getKey().equals("/")) {
                return; // no {proxy+} can take the root: API Gateway's 403 there, in both worlds
            }
            List<String> methods = new ArrayList<>();
            path.getValue().properties().forEach(m -> methods.add(m.getKey()));
            assertThat(methods)
                    .as("methods routed on %s", path.getKey())
                    .contains("get", "post", "put", "patch", "delete");
        });
        JsonNode responses = body.path("x-amazon-apigateway-gateway-responses");
        for (String type : List.of("MISSING_AUTHENTICATION_TOKEN", "DEFAULT_4XX", "DEFAULT_5XX")) {
            assertThat(responses
                            .path(type)
                            .path("responseParameters")
                            .path("gatewayresponse.header.Content-Type")
                            .asText())
                    .as("%s Content-Type", type)
                    .isEqualTo("'application/problem+json'");
            assertThat(responses
                            .path(type)
                            .path("responseTemplates")
                            .path("application/json")
                            .asText())
                    .as("%s body", type)
                    .contains("urn:kotta-deployer:problem:gateway")
                    .contains("gatewayError");
        }
    }

    /**
     * A secret under a customer-managed key is readable only with kms:Decrypt on that key; the web
     * server gets it for this secret alone, through Secrets Manager (whose encryption context is the
     * secret's full ARN, which ValidateInputs resolves).
     */
    @Test
    void theWebServerMayDecryptTheOAuthSecretUnderACustomerManagedKey_throughSecretsManagerOnly() {
        JsonNode resources = templates.get("infrastructure/kotta-base.yaml").path("Resources");
        List<JsonNode> decrypts = new ArrayList<>();
        resources.properties().forEach(entry -> {
            JsonNode properties = entry.getValue().path("Properties");
            boolean webServers = entry.getValue().path("Type").asText().equals("AWS::IAM::Policy")
                    && properties.path("Roles").toString().contains("\"WebServerRole\"");
            if (webServers) {
                properties.path("PolicyDocument").path("Statement").forEach(statement -> {
                    if (TemplateTool.strings(statement.path("Action")).contains("kms:Decrypt")) {
                        decrypts.add(statement);
                    }
                });
            }
        });
        assertThat(decrypts).singleElement().satisfies(statement -> {
            JsonNode condition = statement.path("Condition").path("StringEquals");
            assertThat(condition
                            .path("kms:EncryptionContext:SecretARN")
                            .path("Ref")
                            .asText())
                    .isEqualTo("OAuthClientSecretArn");
            assertThat(condition.path("kms:ViaService").toString()).contains("secretsmanager.${AWS::Region}");
        });
    }

    /** ApiAllowedPrincipals with two principals: the API's resource policy allows each of them. */
    @Test
    void twoAllowedPrincipals_areEachAllowedAndNeitherIsDenied() throws Exception {
        String first = "arn:aws:iam::111111111111:role/kotta-admin";
        String second = "arn:aws:iam::222222222222:role/release-bot";
        JsonNode policy = TemplateTool.translated("ApiAllowedPrincipals=" + first + "," + second)
                .path("Resources")
                .path("AdminApi")
                .path("Properties")
                .path("Body")
                .path("x-amazon-apigateway-policy");
        Map<String, Boolean> conditions = Map.of("HasApiPrincipals", true);
        String allowedParameter = first + "," + second;
        List<String> allowed = new ArrayList<>();
        List<String> exempt = new ArrayList<>();
        for (JsonNode statement : policy.path("Statement")) {
            if (statement.path("Effect").asText().equals("Allow")) {
                allowed.addAll(TemplateTool.strings(
                        evaluate(statement.path("Principal").path("AWS"), conditions, allowedParameter)));
            } else {
                exempt.addAll(TemplateTool.strings(evaluate(
                        statement.path("Condition").path("StringNotLike").path("aws:PrincipalArn"),
                        conditions,
                        allowedParameter)));
            }
        }
        assertThat(allowed).as("principals the Allow statement names").contains(first, second);
        assertThat(exempt)
                .as("aws:PrincipalArn patterns the Deny statement spares")
                .contains(first, second);
    }

    /** Fn::If, Fn::Split and Ref ApiAllowedPrincipals, as CloudFormation would evaluate them here. */
    private static JsonNode evaluate(JsonNode node, Map<String, Boolean> conditions, String principals) {
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        if (node.isObject() && node.has("Fn::If")) {
            JsonNode branches = node.path("Fn::If");
            boolean holds = conditions.get(branches.path(0).asText());
            return evaluate(branches.path(holds ? 1 : 2), conditions, principals);
        }
        if (node.isObject() && node.has("Fn::Split")) {
            String delimiter = node.path("Fn::Split").path(0).asText();
            String value = evaluate(node.path("Fn::Split").path(1), conditions, principals)
                    .asText();
            var array = mapper.createArrayNode();
            for (String part : value.split(java.util.regex.Pattern.quote(delimiter), -1)) {
                array.add(part);
            }
            return array;
        }
        if (node.isObject() && node.path("Ref").asText().equals("ApiAllowedPrincipals")) {
            return mapper.getNodeFactory().textNode(principals);
        }
        if (node.isArray()) {
            var array = mapper.createArrayNode();
            node.forEach(item -> {
                JsonNode value = evaluate(item, conditions, principals);
                if (value.isArray()) {
                    array.addAll((com.fasterxml.jackson.databind.node.ArrayNode) value);
                } else {
                    array.add(value);
                }
            });
            return array;
        }
        return node;
    }

    /** SnapStart only where Lambda offers it: a template condition on the region, not everywhere. */
    @Test
    void snapStartIsOnOnlyInRegionsThatOfferIt() {
        JsonNode template = templates.get("template.yaml");
        List<String> functions = new ArrayList<>();
        template.path("Resources").properties().forEach(entry -> {
            if (entry.getValue().path("Type").asText().equals("AWS::Lambda::Function")) {
                functions.add(entry.getKey());
                JsonNode applyOn =
                        entry.getValue().path("Properties").path("SnapStart").path("ApplyOn");
                assertThat(applyOn.path("Fn::If").path(0).asText())
                        .as("%s SnapStart.ApplyOn", entry.getKey())
                        .isEqualTo("HasSnapStart");
                assertThat(applyOn.path("Fn::If").path(1).asText()).isEqualTo("PublishedVersions");
                assertThat(applyOn.path("Fn::If").path(2).asText()).isEqualTo("None");
            }
        });
        assertThat(functions).isNotEmpty();
        JsonNode condition = template.path("Conditions").path("HasSnapStart");
        assertThat(holds(condition, "us-east-1")).isTrue();
        assertThat(holds(condition, "eu-west-1")).isTrue();
        assertThat(holds(condition, "ap-east-2")).as("ap-east-2 (no SnapStart)").isFalse();
    }

    /** Fn::Or, Fn::And, Fn::Not and Fn::Equals on Ref AWS::Region, for one region. */
    private static boolean holds(JsonNode condition, String region) {
        if (condition.has("Fn::Or")) {
            for (JsonNode part : condition.path("Fn::Or")) {
                if (holds(part, region)) {
                    return true;
                }
            }
            return false;
        }
        if (condition.has("Fn::And")) {
            for (JsonNode part : condition.path("Fn::And")) {
                if (!holds(part, region)) {
                    return false;
                }
            }
            return true;
        }
        if (condition.has("Fn::Not")) {
            return !holds(condition.path("Fn::Not").path(0), region);
        }
        if (condition.has("Fn::Equals")) {
            List<String> sides = new ArrayList<>();
            condition
                    .path("Fn::Equals")
                    .forEach(side ->
                            sides.add(side.path("Ref").asText().equals("AWS::Region") ? region : side.asText()));
            return sides.get(0).equals(sides.get(1));
        }
        throw new IllegalArgumentException("cannot evaluate " + condition);
    }

    /** Access logs of the JobsBucket and the load balancer land in the base stack's LogBucket, which lets them in. */
    @Test
    void theJobsBucketAndTheLoadBalancerWriteAccessLogsIntoTheBaseStacksLogBucket() {
        JsonNode base = templates.get("infrastructure/kotta-base.yaml").path("Resources");
        assertThat(base.path("JobsBucket")
                        .path("Properties")
                        .path("LoggingConfiguration")
                        .path("DestinationBucketName")
                        .path("Ref")
                        .asText())
                .isEqualTo("LogBucket");
        assertThat(base.path("LogBucket").path("DeletionPolicy").asText()).isEqualTo("RetainExceptOnCreate");
        String policy = base.path("LogBucketPolicy")
                .path("Properties")
                .path("PolicyDocument")
                .toString();
        assertThat(policy)
                .contains(
                        "logging.s3.amazonaws.com",
                        "logdelivery.elasticloadbalancing.amazonaws.com",
                        "ElbLogAccounts",
                        "jobs-bucket/",
                        "load-balancer/AWSLogs/");
        assertThat(templates
                        .get("infrastructure/kotta-base.yaml")
                        .path("Outputs")
                        .has("LogBucketName"))
                .isTrue();

        Map<String, String> attributes = new java.util.HashMap<>();
        templates
                .get("infrastructure/kotta.yaml")
                .path("Resources")
                .path("LoadBalancer")
                .path("Properties")
                .path("LoadBalancerAttributes")
                .forEach(a -> attributes.put(
                        a.path("Key").asText(),
                        a.path("Value").isTextual()
                                ? a.path("Value").asText()
                                : a.path("Value").path("Ref").asText()));
        assertThat(attributes)
                .containsEntry("access_logs.s3.enabled", "true")
                .containsEntry("access_logs.s3.bucket", "LogBucketName")
                .containsEntry("access_logs.s3.prefix", "load-balancer");
    }

    /** The Kotta stack gets every parameter it has no default for, and none it does not declare. */
    @Test
    void theKottaStackIsGivenEveryParameterItNeeds() {
        DeploymentRequest request = new DeploymentRequest(
                "kotta-demo",
                "us-east-1",
                "kotta-demo-jobs",
                "kotta.example.org",
                "arn:aws:acm:us-east-1:123456789012:certificate/abc",
                null,
                "amzn1.application-oa2-client.0123456789abcdef",
                "arn:aws:secretsmanager:us-east-1:123456789012:secret:kotta/oauth-AbCdEf",
                null,
                "t3.small",
                "t3.medium",
                0,
                4,
                0,
                2,
                "0.10",
                null,
                List.of(new AdminUser("admin@example.org", "Admin")),
                null,
                false);
        Map<String, String> outputs = new java.util.HashMap<>();
        templates
                .get("infrastructure/kotta-base.yaml")
                .path("Outputs")
                .properties()
                .forEach(o -> outputs.put(o.getKey(), "value-of-" + o.getKey()));
        Map<String, String> given =
                StackSteps.kottaParameters(request, outputs, "releases/x.tar.gz", "ami-0c2023a1b2c3d4e5f");
        JsonNode declared = templates.get("infrastructure/kotta.yaml").path("Parameters");
        declared.properties().forEach(p -> {
            if (!p.getValue().has("Default")) {
                assertThat(given.get(p.getKey()))
                        .as("kotta.yaml parameter %s", p.getKey())
                        .isNotNull();
            }
        });
        given.keySet()
                .forEach(name -> assertThat(declared.has(name))
                        .as("%s declared in kotta.yaml", name)
                        .isTrue());
    }

    /**
     * The image is an input like the release: a plain AMI id the deployer passes (no default, no
     * SSM type), so a change set never looks up a newer image by itself and an unchanged request
     * leaves the launch templates unchanged.
     */
    @Test
    void theInstancesRunTheImageTheDeployerPasses_neverOneTheChangeSetLooksUp() {
        JsonNode kotta = templates.get("infrastructure/kotta.yaml");
        JsonNode imageId = kotta.path("Parameters").path("ImageId");
        assertThat(imageId.path("Type").asText()).isEqualTo("AWS::EC2::Image::Id");
        assertThat(imageId.has("Default")).as("ImageId has a default").isFalse();
        kotta.path("Parameters")
                .properties()
                .forEach(p -> assertThat(p.getValue().path("Type").asText())
                        .as("type of parameter %s", p.getKey())
                        .doesNotStartWith("AWS::SSM::"));
        List<String> launchTemplates = new ArrayList<>();
        kotta.path("Resources").properties().forEach(r -> {
            if (r.getValue().path("Type").asText().equals("AWS::EC2::LaunchTemplate")) {
                launchTemplates.add(r.getKey());
                assertThat(r.getValue()
                                .path("Properties")
                                .path("LaunchTemplateData")
                                .path("ImageId")
                                .path("Ref")
                                .asText())
                        .as("%s ImageId", r.getKey())
                        .isEqualTo("ImageId");
            }
        });
        assertThat(launchTemplates).hasSize(3);
    }

    /** The API stage keeps an access log, and is created only after the account's logging role is set. */
    @Test
    void theApiStageWritesAnAccessLog_afterTheAccountsLoggingRoleIsSet() {
        JsonNode resources = templates.get("template.yaml").path("Resources");
        JsonNode stage = resources.path("AdminApiStage").path("Properties");
        String destination = stage.path("AccessLogSetting")
                .path("DestinationArn")
                .path("Fn::GetAtt")
                .path(0)
                .asText();
        assertThat(resources.path(destination).path("Type").asText()).isEqualTo("AWS::Logs::LogGroup");
        assertThat(stage.path("AccessLogSetting").path("Format").asText())
                .contains(
                        "$context.requestId",
                        "$context.identity.userArn",
                        "$context.status",
                        "$context.error.responseType");
        assertThat(stage.toString())
                .as("a reference from the stage to the account setting")
                .contains("{\"Ref\":\"ApiGatewayAccount\"}");
        assertThat(resources
                        .path("ApiGatewayAccount")
                        .path("Properties")
                        .path("CloudWatchRoleArn")
                        .toString())
                .contains("ApiGatewayLogsRole");
        assertThat(resources.path("ApiGatewayLogsRole").path("DeletionPolicy").asText())
                .isEqualTo("Retain");
    }
}
