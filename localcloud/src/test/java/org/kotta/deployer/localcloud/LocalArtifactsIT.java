package org.kotta.deployer.localcloud;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kotta.deployer.testing.RepoRoot;
import software.amazon.awssdk.services.lambda.LambdaClient;

/** The local install gives every function of template.yaml its own artifact, as sam package would. */
class LocalArtifactsIT {

    @Test
    void everyDeployedFunction_holdsItsOwnArtifact() throws Exception {
        LocalOrchestrator orchestrator = LocalCloud.orchestrator();
        LambdaClient lambda = orchestrator.aws().build(LambdaClient.builder());
        List<String> functions = LocalOrchestrator.functionIds(Files.readString(RepoRoot.resolve("template.yaml")));
        assertThat(functions).hasSizeGreaterThanOrEqualTo(14);

        for (String function : functions) {
            byte[] zip = Files.readAllBytes(
                    RepoRoot.resolve(LocalOrchestrator.ARTIFACTS_DIR).resolve(function + ".zip"));
            var config = lambda.getFunctionConfiguration(b -> b.functionName(orchestrator.functionName(function)));
            assertThat(config.codeSha256())
                    .as("%s: the deployed code is functions/target/lambda/%s.zip", function, function)
                    .isEqualTo(Base64.getEncoder()
                            .encodeToString(MessageDigest.getInstance("SHA-256").digest(zip)));
        }
    }
}
