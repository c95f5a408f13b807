package org.kotta.deployer.code;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Year;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kotta.deployer.core.DeploymentRequest;

class DeploymentConfTest {
    private static final String BUCKET = "kotta-demo-jobs";

    private final DeploymentRequest request = SampleRequests.request(BUCKET, null);
    private final Map<String, String> outputs = SampleRequests.baseOutputs(BUCKET);

    @Test
    void carriesTheValuesAdminsUsedToEditByHand() {
        String conf = DeploymentConf.render(request, outputs);

        assertThat(conf)
                .contains(
                        "[dynamodb]\ntable_name = kotta-demo-base-JobsTable-1A2B3C\n"
                                + "turing_users = kotta-demo-base-UsersTable-4D5E6F\nregion = us-east-1\n",
                        "[s3]\nname = kotta-demo-jobs\nregion = us-east-1\n",
                        "[server]\nurl = https://kotta.example.org\nport = 8888\n"
                                + "aws_client_id = amzn1.application-oa2-client.0123456789abcdef\n",
                        "aws_client_secret_arn = " + SampleRequests.SECRET_ARN + "\n",
                        "job_queue_prod_pending = kotta-demo-prod-pending\n",
                        "job_queue_prod_active = kotta-demo-prod-active\n",
                        "job_queue_test_pending = kotta-demo-test-pending\n",
                        "job_queue_test_active = kotta-demo-test-active\n",
                        "[ses]\nemail_sender = noreply@kotta.example.org\n",
                        "[deployment]\nstack_name = kotta-demo\n");
    }

    @Test
    void neverHoldsTheClientSecretOnlyItsArn() {
        String conf = DeploymentConf.render(request, outputs);

        assertThat(conf).doesNotContainPattern("(?m)^aws_client_secret\\s*=");
        assertThat(conf).contains("Secrets Manager");
    }

    @Test
    void isTheSameForTheSameInputs() {
        assertThat(DeploymentConf.render(request, outputs))
                .isEqualTo(DeploymentConf.render(request, outputs))
                .doesNotContain("generated_at")
                // two renders in one second are equal even with a clock inside: look for any time itself
                .doesNotContain(Integer.toString(Year.now(ZoneOffset.UTC).getValue()))
                .doesNotContainPattern("\\d{4}-\\d{2}-\\d{2}")
                .doesNotContainPattern("\\d{2}:\\d{2}:\\d{2}")
                .doesNotContainPattern("\\b1\\d{9}\\b");
    }

    @Test
    void holdsWiringOnlyNoDeploymentId() {
        assertThat(DeploymentConf.render(request, outputs))
                .doesNotContain("deployment_id")
                .doesNotContain("dep-");
    }

    @Test
    void namesTheOidcIssuerWhenOneIsChosen() {
        DeploymentRequest r = request;
        DeploymentRequest oidc = new DeploymentRequest(
                r.stackName(),
                r.region(),
                r.jobsBucketName(),
                r.domainName(),
                r.certificateArn(),
                r.hostedZoneId(),
                "cilogon:/client_id/abc",
                r.oauthClientSecretArn(),
                "https://cilogon.org",
                r.webServerInstanceType(),
                r.taskExecutorInstanceType(),
                r.prodMinWorkers(),
                r.prodMaxWorkers(),
                r.testMinWorkers(),
                r.testMaxWorkers(),
                r.spotPrice(),
                r.keyPairName(),
                r.adminUsers(),
                r.codeSource(),
                r.refreshImage());

        assertThat(DeploymentConf.render(oidc, outputs)).contains("oidc_issuer = https://cilogon.org\n");
        assertThat(DeploymentConf.render(request, outputs)).doesNotContain("oidc_issuer");
    }

    @Test
    void refusesANewlineThatWouldInjectALine() {
        DeploymentRequest hostile = withOauthClientId("abc\naws_client_secret = stolen");

        assertThatThrownBy(() -> DeploymentConf.render(hostile, outputs))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("[server] aws_client_id: the value holds a control or line-break character");
    }

    @Test
    void refusesACarriageReturnInABaseOutput() {
        Map<String, String> hostile = new HashMap<>(outputs);
        hostile.put("JobsTableName", "jobs\r[server]");

        assertThatThrownBy(() -> DeploymentConf.render(request, hostile))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[dynamodb] table_name");
    }

    @Test
    void refusesUnicodeLineSeparators() {
        assertThatThrownBy(() -> DeploymentConf.render(withOauthClientId("abc\u2028[x]"), outputs))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[server] aws_client_id");
    }

    @Test
    void refusesPercentSignsThatConfigParserWouldInterpolate() {
        DeploymentRequest hostile = withOauthClientId("%(aws_client_secret)s");

        assertThatThrownBy(() -> DeploymentConf.render(hostile, outputs))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("[server] aws_client_id: the value holds '%'");
    }

    @Test
    void refusesMissingBaseOutputs() {
        Map<String, String> partial = new HashMap<>(outputs);
        partial.remove("UsersTableName");

        assertThatThrownBy(() -> DeploymentConf.render(request, partial))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the base stack output UsersTableName is missing");
    }

    @Test
    void everyLineIsACommentASectionOrAKeyValuePair() {
        String conf = DeploymentConf.render(request, outputs);

        assertThat(conf.split("\n", -1))
                .allSatisfy(line -> assertThat(line).matches("|# .*|\\[[a-z0-9]+\\]|[a-z_]+ = \\S.*"));
    }

    private DeploymentRequest withOauthClientId(String clientId) {
        DeploymentRequest r = request;
        return new DeploymentRequest(
                r.stackName(),
                r.region(),
                r.jobsBucketName(),
                r.domainName(),
                r.certificateArn(),
                r.hostedZoneId(),
                clientId,
                r.oauthClientSecretArn(),
                r.oidcIssuer(),
                r.webServerInstanceType(),
                r.taskExecutorInstanceType(),
                r.prodMinWorkers(),
                r.prodMaxWorkers(),
                r.testMinWorkers(),
                r.testMaxWorkers(),
                r.spotPrice(),
                r.keyPairName(),
                r.adminUsers(),
                r.codeSource(),
                r.refreshImage());
    }
}
