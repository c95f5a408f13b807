package org.kotta.deployer.stacks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Cloud Kotta templates pass cfn-lint (from the project's virtualenv) without errors or warnings. */
class InfrastructureTemplatesLintIT {

    @ParameterizedTest
    @ValueSource(strings = {"kotta-base.yaml", "kotta.yaml"})
    void templatePassesCfnLint(String template) throws Exception {
        Path cfnLint = RepoPaths.venv().resolve("bin").resolve("cfn-lint");
        assertThat(cfnLint)
                .as("cfn-lint in the virtualenv (run ./kotta local up once, or set KOTTA_VENV)")
                .isExecutable();
        Path file = RepoPaths.infrastructure().resolve(template);

        Process process = new ProcessBuilder(cfnLint.toString(), file.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS))
                .as("cfn-lint finished")
                .isTrue();

        assertThat(process.exitValue())
                .as("cfn-lint %s exit code; its output:%n%s", template, output)
                .isZero();
    }

    @Test
    void templatesFitTheTemplateBodyLimit() throws IOException {
        for (String template : List.of("kotta-base.yaml", "kotta.yaml")) {
            assertThat(Files.size(RepoPaths.infrastructure().resolve(template)))
                    .as("%s size in bytes (CreateStack TemplateBody limit)", template)
                    .isLessThan(51_200);
        }
    }
}
