package org.kotta.deployer.localcloud;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * The site check's failure path where nothing serves and nothing served before: a first
 * deployment whose web server never registers (no instance runs here) fails on the health
 * check, and the rollback step says there is no release to go back to. The path with a
 * running site, a broken release and a real rollback is CloudKottaIT's.
 */
class SiteCheckIT {

    @Test
    void aFirstDeploymentWhoseSiteNeverServes_failsNamingTheHealthCheck_andHasNothingToRollBackTo() throws Exception {
        LocalOrchestrator orchestrator = LocalCloud.orchestrator();
        orchestrator.siteCheck(true, Duration.ofSeconds(3));
        try {
            ObjectNode request = Fixtures.validRequest(orchestrator.aws(), Fixtures.shortId());
            String deploymentId = LocalCloud.newDeploymentId();
            String executionArn = LocalCloud.startExecution(deploymentId, request);
            var execution = LocalCloud.awaitEnd(executionArn, Duration.ofMinutes(3));

            assertThat(execution.status()).isEqualTo(ExecutionStatus.FAILED);
            assertThat(execution.error()).isEqualTo("SiteNotServing");
            assertThat(execution.cause())
                    .contains(
                            "step checkSite", "the health check", "no healthy target in the web server's target group");
            assertThat(LocalCloud.statesEntered(executionArn))
                    .containsSubsequence(
                            "Check that Cloud Kotta answers",
                            "Note the site check failure",
                            "Record the failure",
                            "Did the site check fail?",
                            "Roll back to the last good release",
                            "Deployment failed");
            JsonNode record = LocalCloud.record(deploymentId);
            assertThat(record.path("status").asText()).isEqualTo("FAILED");
            assertThat(record.path("failedStep").asText()).isEqualTo("checkSite");
            assertThat(record.path("siteCheck").path("checks").asInt()).isPositive();
            assertThat(record.path("rollback").path("started").asBoolean()).isFalse();
            assertThat(record.path("rollback").path("reason").asText())
                    .contains("no earlier deployment of stack "
                            + request.path("stackName").asText() + " succeeded");
        } finally {
            orchestrator.siteCheck(false, LocalCloud.SITE_CHECK_LIMIT);
        }
    }
}
