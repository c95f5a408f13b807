package org.kotta.deployer.localcloud;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import org.kotta.deployer.core.Settings;
import org.kotta.deployer.testing.RepoRoot;

/**
 * The real templates with a base stack kept in progress by a Lambda-backed custom resource
 * (as StackFailureAndWaitIT does), so a deployment can be caught in the middle.
 */
final class SlowTemplates {
    static final List<String> TEMPLATE_READERS =
            List.of("CreateBaseStackFunction", "PackageAndUploadCodeFunction", "CreateKottaStackFunction");

    private SlowTemplates() {}

    /** A folder with kotta-base.yaml waiting {@code delaySeconds} and the real kotta.yaml. */
    static Path withBaseStackDelay(int delaySeconds) throws IOException {
        Path root = RepoRoot.path();
        Path dir = Files.createTempDirectory("kotta-slow-templates");
        String slowStack =
                Files.readString(root.resolve("functions/src/test/resources/stack-templates/slow-stack.yaml"));
        String delayResources = slowStack
                .substring(slowStack.indexOf("Resources:\n") + "Resources:\n".length(), slowStack.indexOf("Outputs:"))
                .replace("!Ref DelaySeconds", "'" + delaySeconds + "'");
        String base = Files.readString(root.resolve("infrastructure/kotta-base.yaml"));
        base = base.replaceFirst("\nResources:\n", Matcher.quoteReplacement("\nResources:\n" + delayResources));
        Files.writeString(dir.resolve("kotta-base.yaml"), base);
        Files.copy(root.resolve("infrastructure/kotta.yaml"), dir.resolve("kotta.yaml"));
        return dir;
    }

    /**
     * A folder with the real kotta-base.yaml and a kotta.yaml whose prod pending queue has a
     * VisibilityTimeout over SQS's 12-hour maximum: the Kotta stack fails at create.
     */
    static Path withFailingKottaStack() throws IOException {
        Path root = RepoRoot.path();
        Path dir = Files.createTempDirectory("kotta-failing-templates");
        Files.copy(root.resolve("infrastructure/kotta-base.yaml"), dir.resolve("kotta-base.yaml"));
        String kotta = Files.readString(root.resolve("infrastructure/kotta.yaml"));
        int queue = kotta.indexOf("\n  ProdPendingQueue:\n");
        int value = kotta.indexOf("VisibilityTimeout: 300\n", queue);
        if (queue < 0 || value < 0) {
            throw new IllegalStateException("kotta.yaml's ProdPendingQueue has no VisibilityTimeout: 300 to break");
        }
        Files.writeString(
                dir.resolve("kotta.yaml"),
                kotta.substring(0, value) + "VisibilityTimeout: 86400\n"
                        + kotta.substring(value + "VisibilityTimeout: 300\n".length()));
        return dir;
    }

    /** Points the orchestrator's template readers at {@code dir}; null for the real templates. */
    static void use(LocalOrchestrator orchestrator, Path dir) {
        for (String function : TEMPLATE_READERS) {
            orchestrator.setFunctionEnvironment(function, Settings.TEMPLATES_DIR, dir == null ? null : dir.toString());
        }
    }
}
