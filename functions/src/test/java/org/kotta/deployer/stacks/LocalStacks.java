package org.kotta.deployer.stacks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.kotta.deployer.core.AwsClients;
import org.kotta.deployer.core.Settings;
import org.kotta.deployer.core.StackAction;
import org.kotta.deployer.core.StackPhase;
import org.kotta.deployer.testing.Waits;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;

/** The integration tests' way to the local cloud, their templates and their unique names. */
final class LocalStacks implements AutoCloseable {
    static final String ENDPOINT = System.getProperty("kotta.endpoint", "http://127.0.0.1:4566");

    final CloudFormationClient cfn = new AwsClients(
                    new Settings(Map.of("AWS_ENDPOINT_URL", ENDPOINT, "AWS_REGION", "us-east-1")))
            .cloudFormation();
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final List<String> created = new ArrayList<>();

    /** A stack name unique to this run; the stack is deleted when the tests close this. */
    String stackName(String purpose) {
        String name = "it-" + purpose + "-" + run;
        created.add(name);
        return name;
    }

    /** A client token unique to this run. */
    String token(String purpose) {
        return "t-" + purpose + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static String template(String file) {
        try (InputStream in = LocalStacks.class.getResourceAsStream("/stack-templates/" + file)) {
            if (in == null) {
                throw new IllegalStateException("no test template " + file);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    StackSpec spec(String stackName, String file, Map<String, String> parameters, String token) {
        return new StackSpec(
                stackName, template(file), null, parameters, Map.of("kotta:test", "stacks-it"), token, null);
    }

    /** The state machine's loop, compressed: check once a second until the stack is done (or the limit). */
    StackReport waitUntilDone(String stackNameOrId, Duration limit) {
        StackWatcher watcher = new StackWatcher(cfn);
        return Waits.untilOrLatest(
                limit,
                Duration.ofSeconds(1),
                () -> watcher.check(stackNameOrId),
                report -> !StackPhase.IN_PROGRESS.equals(report.phase()));
    }

    /** Deploys, following DELETING answers as the state machine does: wait, deploy again. */
    StackLaunch deployThroughDeletes(StackDeployer deployer, StackSpec spec, Duration limit) {
        return Waits.untilOrLatest(
                limit,
                Duration.ofSeconds(1),
                () -> deployer.deploy(spec),
                launch -> !StackAction.DELETING.equals(launch.action()));
    }

    @Override
    public void close() {
        for (String name : created) {
            try {
                cfn.updateTerminationProtection(r -> r.stackName(name).enableTerminationProtection(false));
                cfn.deleteStack(r -> r.stackName(name));
            } catch (CloudFormationException ignored) {
                // already gone, or never made
            }
        }
        cfn.close();
    }
}
