package org.kotta.deployer.localcloud;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.kotta.deployer.core.AwsClients;
import org.kotta.deployer.localcloud.instances.InstanceSyncException;
import org.kotta.deployer.localcloud.instances.LocalInstances;

/**
 * The demo's Cloud Kotta site: the Kotta stack's Auto Scaling groups run as local processes
 * ({@link LocalInstances}, the stand-in for EC2 and the load balancer), the local identity
 * provider its users sign in with, and {@value #ENV_FILE}, which tells a person (and
 * {@code ./kotta local token}) where the site and the provider are.
 */
final class DemoSite implements AutoCloseable {
    static final String ENV_FILE = ".kotta/demo.env";

    private final Path root;
    private final PrintStream out;
    private final LocalInstances instances;
    private final LocalIdentityProvider identityProvider;
    private boolean closed;

    DemoSite(Path root, AwsClients aws, String endpoint, PrintStream out) throws IOException {
        this.root = root;
        this.out = out;
        this.instances = new LocalInstances(
                aws, endpoint, root.resolve(".kotta/instances"), LocalInstances.webPortFromEnvironment(), out);
        // a file from an earlier run would name a site that is gone
        Files.deleteIfExists(root.resolve(ENV_FILE));
        this.identityProvider = LocalIdentityProvider.startFromEnvironment();
    }

    /**
     * Runs the stack's instances as its Auto Scaling groups now say (after each deployment SUCCEEDED).
     *
     * @throws InstanceSyncException when an instance fails to start or to become healthy
     */
    void sync(String stackName) throws InterruptedException {
        out.println(
                "  syncing the local instances of " + stackName + " (logs under .kotta/instances/" + stackName + "/)");
        instances.sync(stackName);
        instances.describe(stackName).forEach(line -> out.println("  running " + line));
    }

    /** From now on the stack's instances follow its Auto Scaling groups, during deployments too. */
    void follow(String stackName) {
        out.println("  the local instances follow stack " + stackName + " (logs under .kotta/instances/" + stackName
                + "/)");
        instances.follow(stackName);
    }

    /** The local OpenID Connect provider the site's users sign in with (port: {@value LocalIdentityProvider#PORT_ENV}). */
    LocalIdentityProvider identityProvider() {
        return identityProvider;
    }

    String webUrl(String stackName) {
        return instances.webUrl(stackName);
    }

    /** Writes {@value #ENV_FILE} (KEY=VALUE lines, no secret). */
    Path writeEnv(Map<String, String> values) {
        StringBuilder text = new StringBuilder("# written by ./kotta demo --keep; valid while it runs\n");
        values.forEach(
                (key, value) -> text.append(key).append('=').append(value).append('\n'));
        Path file = root.resolve(ENV_FILE);
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** Stops every instance started and the identity provider (also run by the shutdown hook on Ctrl-C). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        instances.close();
        identityProvider.close();
        try {
            Files.deleteIfExists(root.resolve(ENV_FILE));
        } catch (IOException ignored) {
            // best effort: the next demo deletes it too
        }
    }
}
