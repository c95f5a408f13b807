package org.kotta.deployer.localcloud;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;

import org.kotta.deployer.core.Settings;

/**
 * The real templates with a base stack kept in progress by a Lambda-backed custom resource
 * (as StackFailureAndWaitIT does), so a deployment can be caught in the middle.
 */
final class SlowTemplates {
    static final List<String> TEMPLATE_READERS =
            List.of("CreateBaseStackFunction", "PackageAndUploadCodeFunction", "CreateKottaStackFunction");

    private SlowTemplates() {
    }

    /** A folder with kotta-base.yaml waiting {@code delaySeconds} and the real kotta.yaml. */
    static Path withBaseStackDelay(int delaySeconds) throws IOException {
        Path root = LocalOrchestrator.findRoot();
        Path dir = Files.createTempDirectory("kotta-slow-templates");
        String slowStack = Files.readString(root.resolve("functions/src/test/resources/stack-templates/slow-stack.yaml"));
        String delayResources = slowStack.substring(slowStack.indexOf("Resources:\n") + "Resources:\n".length(),
                slowStack.indexOf("Outputs:")).replace("!Ref DelaySeconds", "'" + delaySeconds + "'");
        String base = Files.readString(root.resolve("infrastructure/kotta-base.yaml"));
        base = base.replaceFirst("\nResources:\n", Matcher.quoteReplacement("\nResources:\n" + delayResources));
        Files.writeString(dir.resolve("kotta-base.yaml"), base);
        Files.copy(root.resolve("infrastructure/kotta.yaml"), dir.resolve("kotta.yaml"));
        return dir;
    }

    /** Points the orchestrator's template readers at {@code dir}; null for the real templates. */
    static void use(LocalOrchestrator orchestrator, Path dir) {
        for (String function : TEMPLATE_READERS) {
            orchestrator.setFunctionEnvironment(function, Settings.TEMPLATES_DIR, dir == null ? null : dir.toString());
        }
    }
}
