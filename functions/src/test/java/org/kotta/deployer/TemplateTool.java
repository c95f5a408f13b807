package org.kotta.deployer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.kotta.deployer.testing.RepoRoot;

/** Runs the project's Python tools (from KOTTA_VENV, else {@code <repo>/.venv}) on template.yaml. */
final class TemplateTool {
    private TemplateTool() {}

    record Result(int exitCode, String stdout, String stderr) {}

    static Path root() {
        return RepoRoot.path();
    }

    static Path venvBin(String tool) {
        String fromEnv = System.getenv("KOTTA_VENV");
        Path venv = fromEnv == null || fromEnv.isBlank() ? root().resolve(".venv") : Path.of(fromEnv);
        Path bin = venv.resolve("bin").resolve(tool);
        assertThat(bin)
                .as("%s in the virtualenv (run ./kotta local up once, or set KOTTA_VENV)", tool)
                .isExecutable();
        return bin;
    }

    static Result run(String... command) throws IOException, InterruptedException {
        Process process =
                new ProcessBuilder(List.of(command)).directory(root().toFile()).start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
        String out = readAll(process.getInputStream());
        assertThat(process.waitFor(180, TimeUnit.SECONDS))
                .as("%s finished", command[0])
                .isTrue();
        return new Result(process.exitValue(), out, err.join());
    }

    /**
     * template.yaml after the SAM transform, as CloudFormation JSON (tools/translate_template.py),
     * given parameter values ("Name=value") as CloudFormation would give them to the transform.
     */
    static JsonNode translated(String... parameterValues) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                venvBin("python").toString(),
                root().resolve("tools/translate_template.py").toString()));
        for (String parameterValue : parameterValues) {
            command.add("--parameter");
            command.add(parameterValue);
        }
        Result result = run(command.toArray(String[]::new));
        assertThat(result.exitCode())
                .as("translate_template.py exit code; stderr:%n%s", result.stderr())
                .isZero();
        return new ObjectMapper().readTree(result.stdout());
    }

    /** A plain CloudFormation template of the repository (e.g. infrastructure/kotta.yaml) as JSON, tags expanded. */
    static JsonNode parsed(String relativePath) throws IOException, InterruptedException {
        Result result = run(
                venvBin("python").toString(),
                root().resolve("tools/translate_template.py").toString(),
                "--parse-only",
                root().resolve(relativePath).toString());
        assertThat(result.exitCode())
                .as("translate_template.py --parse-only exit code; stderr:%n%s", result.stderr())
                .isZero();
        return new ObjectMapper().readTree(result.stdout());
    }

    static List<String> strings(JsonNode node) {
        List<String> values = new ArrayList<>();
        if (node == null || node.isMissingNode() || node.isNull()) {
            return values;
        }
        if (node.isArray()) {
            node.forEach(n -> values.add(n.isTextual() ? n.asText() : n.toString()));
        } else {
            values.add(node.isTextual() ? node.asText() : node.toString());
        }
        return values;
    }

    private static String readAll(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
