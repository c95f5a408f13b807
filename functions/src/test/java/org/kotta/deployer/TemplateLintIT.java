package org.kotta.deployer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * template.yaml passes cfn-lint: the check `sam validate --lint` runs (SAM CLI calls cfn-lint
 * with the SAM transform). The SAM CLI itself lives in its own venv (tools/sam), so CI calls
 * cfn-lint from the project's venv directly, which needs no region and no network.
 */
class TemplateLintIT {

    @Test
    void templatePassesCfnLintWithoutErrorsOrWarnings() throws Exception {
        TemplateTool.Result result = TemplateTool.run(
                TemplateTool.venvBin("cfn-lint").toString(), "--regions", "us-east-1", "--", "template.yaml");
        assertThat(result.exitCode())
                .as("cfn-lint template.yaml exit code; its output:%n%s%s", result.stdout(), result.stderr())
                .isZero();
    }

    /**
     * cfn-lint's informational checks too (I3011 deletion policies of stateful resources, I3013 queue
     * retention, ...), on all three templates, with no finding: each such choice is made on purpose.
     */
    @Test
    void allThreeTemplatesPassCfnLintsInformationalChecks() throws Exception {
        TemplateTool.Result result = TemplateTool.run(
                TemplateTool.venvBin("cfn-lint").toString(),
                "--regions",
                "us-east-1",
                "--include-checks",
                "I",
                "--",
                "template.yaml",
                "infrastructure/kotta-base.yaml",
                "infrastructure/kotta.yaml");
        assertThat(result.exitCode())
                .as("cfn-lint --include-checks I exit code; its output:%n%s%s", result.stdout(), result.stderr())
                .isZero();
    }

    @Test
    void templateTranslatesOfflineWithTheSamTransform() throws Exception {
        assertThat(TemplateTool.translated()
                        .path("Resources")
                        .path("DeployStateMachine")
                        .path("Type")
                        .asText())
                .isEqualTo("AWS::StepFunctions::StateMachine");
    }
}
