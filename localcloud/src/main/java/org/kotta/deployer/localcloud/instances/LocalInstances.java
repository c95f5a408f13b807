package org.kotta.deployer.localcloud.instances;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.kotta.deployer.core.AwsClients;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;

/**
 * The local stand-in for EC2, Auto Scaling and the load balancer, which the local cloud does
 * not boot. For a Kotta stack it runs each Auto Scaling group's instances as local processes
 * ({@code bin/kotta-start web-server|task-executor} of the release in S3, with the wiring
 * CloudFormation rendered into the group's launch template), keeps one stable URL for the web
 * server, and on {@link #sync} replaces instances whose launch template changed, one at a
 * time, as a rolling update would. Everything lives under {@code <state>/}: releases in
 * {@code releases/<sha256>/}, each instance's log and work dir in {@code <stack>/<instance>/}.
 */
public final class LocalInstances implements AutoCloseable {
    /** Env var naming the stable URL's port (default: a free port). */
    public static final String WEB_PORT_ENV = "KOTTA_WEB_PORT";

    private static final Duration HEALTH_LIMIT = Duration.ofSeconds(60);
    /** How long requests already sent to a replaced web server may take to finish (deregistration delay). */
    private static final Duration DRAIN_LIMIT = Duration.ofSeconds(10);

    private static final Duration EXECUTOR_SETTLE = Duration.ofSeconds(1);
    /**
     * How long a rolling replacement waits for a retired executor's job to end (the termination
     * hook's heartbeats would hold an EC2 instance up to the job's wall time; locally, this).
     */
    private static final Duration EXECUTOR_DRAIN_LIMIT = Duration.ofMinutes(15);

    private static final int LOG_LINES = 20;
    /** What an instance inherits from this machine; everything else comes from its wiring. */
    private static final Set<String> HOST_ENV = Set.of("PATH", "HOME", "LANG", "LC_ALL", "TZ", "JAVA_HOME", "TMPDIR");

    private final String endpoint;
    private final String region;
    private final Path state;
    private final int webPort;
    private final StackGroups groups;
    private final LoadBalancerTargets targets;
    private final LocalBootLogs bootLogs;
    private final CloudFormationClient cfn;
    private final Releases releases;
    private final PrintStream log;
    private final Map<String, StableUrl> urls = new ConcurrentHashMap<>();
    private final Map<String, Map<String, RunningGroup>> running = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> counters = new ConcurrentHashMap<>();
    private final List<Thread> followers = new java.util.concurrent.CopyOnWriteArrayList<>();
    /**
     * Every process this started, tracked in a group or not yet: close() stops whatever of them
     * still runs, so a sync cut short between a launch and its bookkeeping leaves no process behind.
     */
    private final Set<InstanceProcess> launched = ConcurrentHashMap.newKeySet();

    private volatile boolean closed;

    /** The processes standing in for one group's instances, and the launch template they run. */
    private record RunningGroup(String fingerprint, List<InstanceProcess> instances) {}

    /**
     * @param aws      clients for the local cloud
     * @param endpoint the local cloud's URL, given to instances as AWS_ENDPOINT_URL
     * @param state    where releases, logs and work dirs go (the demo: {@code .kotta/instances})
     * @param webPort  the stable URL's port for the first stack synced (0: a free port)
     * @param log      one line per instance started or stopped
     */
    public LocalInstances(AwsClients aws, String endpoint, Path state, int webPort, PrintStream log) {
        this.endpoint = endpoint;
        this.region = aws.region().id();
        this.state = state;
        this.webPort = webPort;
        this.log = log;
        AutoScalingClient autoScaling = aws.build(AutoScalingClient.builder());
        this.cfn = aws.cloudFormation();
        this.groups = new StackGroups(cfn, autoScaling, aws.build(Ec2Client.builder()));
        this.bootLogs = new LocalBootLogs(
                aws.build(software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient.builder()));
        this.targets = new LoadBalancerTargets(cfn, autoScaling, aws.build(ElasticLoadBalancingV2Client.builder()));
        this.releases = new Releases(aws.s3(), state.resolve("releases"));
    }

    /** The port {@value #WEB_PORT_ENV} names, else 0 (a free port). */
    public static int webPortFromEnvironment() {
        String port = System.getenv(WEB_PORT_ENV);
        return port == null || port.isBlank() ? 0 : Integer.parseInt(port.strip());
    }

    /** The stack's stable web URL (the load balancer's stand-in); it stays the same across syncs. */
    public String webUrl(String stackName) {
        return stableUrl(stackName).url();
    }

    /**
     * Brings the stack's local instances in line with its Auto Scaling groups: starts missing
     * ones, replaces those whose launch template version or wiring changed (web server: the
     * new one must answer {@code /health} 200 before the URL switches and the old one stops),
     * stops those of groups that are gone.
     *
     * @throws InstanceSyncException.NotRunnable when a group's release or user data cannot run locally
     * @throws InstanceSyncException naming each group that failed and the end of its instance log;
     *                               the old instances of a failed group keep running
     */
    public synchronized void sync(String stackName) throws InterruptedException {
        if (closed) {
            return;
        }
        Map<String, RunningGroup> groupsOfStack =
                running.computeIfAbsent(stackName, s -> java.util.Collections.synchronizedMap(new LinkedHashMap<>()));
        List<GroupSpec> specs = groups.read(stackName);
        List<String> failures = new ArrayList<>();
        boolean allNotRunnable = true;
        for (GroupSpec spec : specs) {
            RunningGroup current = groupsOfStack.get(spec.logicalId());
            if (current != null
                    && current.fingerprint().equals(spec.fingerprint())
                    && current.instances().size() == spec.localCount()
                    && current.instances().stream().allMatch(InstanceProcess::alive)) {
                continue;
            }
            try {
                roll(stackName, spec, current, groupsOfStack);
            } catch (InstanceSyncException e) {
                failures.add(e.getMessage());
                allNotRunnable &= e instanceof InstanceSyncException.NotRunnable;
            } catch (IOException e) {
                failures.add("group " + spec.logicalId() + ": " + e);
                allNotRunnable = false;
            }
        }
        Set<String> present = new java.util.HashSet<>();
        specs.forEach(spec -> present.add(spec.logicalId()));
        for (String gone : List.copyOf(groupsOfStack.keySet())) {
            if (!present.contains(gone)) {
                groupsOfStack.remove(gone).instances().forEach(this::stop);
            }
        }
        if (!failures.isEmpty()) {
            String message = "local instances of stack " + stackName + ": " + String.join("\n", failures);
            throw allNotRunnable ? new InstanceSyncException.NotRunnable(message) : new InstanceSyncException(message);
        }
    }

    /** Replaces a group's instances one at a time; on failure the rest of the old ones keep running. */
    private void roll(String stackName, GroupSpec spec, RunningGroup current, Map<String, RunningGroup> groupsOfStack)
            throws IOException, InterruptedException {
        String group = spec.logicalId();
        if (spec.wiring() == null) {
            throw new InstanceSyncException.NotRunnable("group " + group + ": the user data of launch template "
                    + spec.launchTemplate() + " has no " + UserDataWiring.OPENING + " block");
        }
        String bucket = required(spec, "KOTTA_JOBS_BUCKET");
        Path release = releases.fetch(bucket, required(spec, "KOTTA_RELEASE_KEY"));
        List<InstanceProcess> old = current == null ? List.of() : current.instances();
        List<InstanceProcess> fresh = new ArrayList<>();
        StableUrl url = stableUrl(stackName);
        for (int i = 0; i < spec.localCount(); i++) {
            InstanceProcess next = launch(stackName, spec, release, url.url());
            String problem;
            try {
                problem = spec.role() == GroupSpec.Role.WEB_SERVER ? next.awaitHealthy(HEALTH_LIMIT) : settles(next);
            } catch (InterruptedException | RuntimeException e) {
                // not yet tracked: close() would not find it
                stop(next);
                throw e;
            }
            if (problem != null) {
                String tail = next.logTail(LOG_LINES);
                stop(next);
                bootLogs.failed(stackName, next.id(), problem, tail);
                List<InstanceProcess> left = new ArrayList<>(fresh);
                left.addAll(old.subList(Math.min(i, old.size()), old.size()));
                groupsOfStack.put(group, new RunningGroup(current == null ? "" : current.fingerprint(), left));
                throw new InstanceSyncException("group " + group + ": the new instance " + next.id() + " failed: "
                        + problem
                        + (old.size() > i && old.get(i).alive()
                                ? "; " + old.get(i).id() + " keeps serving"
                                : "")
                        + "\nlast lines of " + next.log() + ":\n" + tail);
            }
            fresh.add(next);
            if (spec.role() == GroupSpec.Role.WEB_SERVER) {
                url.switchTo(next.port());
                try {
                    targets.register(stackName, spec.groupName(), url.port());
                } catch (RuntimeException e) {
                    // tracked, so close() stops it; the old ones keep running (the next sync retries)
                    List<InstanceProcess> kept = new ArrayList<>(fresh);
                    kept.addAll(old);
                    groupsOfStack.put(group, new RunningGroup(current == null ? "" : current.fingerprint(), kept));
                    throw new InstanceSyncException(
                            "group " + group + ": registering " + next.id() + " in the target group failed: " + e);
                }
            }
            if (i < old.size()) {
                if (spec.role() == GroupSpec.Role.WEB_SERVER) {
                    url.drain(old.get(i).port(), DRAIN_LIMIT);
                    stop(old.get(i));
                } else {
                    retire(old.get(i));
                }
            }
        }
        for (InstanceProcess extra : old.subList(Math.min(spec.localCount(), old.size()), old.size())) {
            if (spec.role() == GroupSpec.Role.WEB_SERVER) {
                stop(extra);
            } else {
                retire(extra);
            }
        }
        groupsOfStack.put(group, new RunningGroup(spec.fingerprint(), fresh));
    }

    private InstanceProcess launch(String stackName, GroupSpec spec, Path release, String publicUrl)
            throws IOException {
        String id = "local-" + spec.logicalId().replaceFirst("Group$", "").toLowerCase(Locale.ROOT) + "-"
                + counters.computeIfAbsent(stackName + "/" + spec.logicalId(), k -> new AtomicInteger())
                        .incrementAndGet();
        Path dir = state.resolve(stackName).resolve(id);
        Path work = Files.createDirectories(dir.resolve("work"));
        int port = freePort();
        Map<String, String> env = new LinkedHashMap<>();
        System.getenv().forEach((key, value) -> {
            if (HOST_ENV.contains(key)) {
                env.put(key, value);
            }
        });
        env.putAll(spec.wiring());
        env.putIfAbsent("AWS_REGION", region);
        env.put("AWS_DEFAULT_REGION", env.get("AWS_REGION"));
        env.put("AWS_ENDPOINT_URL", endpoint);
        env.put("AWS_ACCESS_KEY_ID", "test");
        env.put("AWS_SECRET_ACCESS_KEY", "test");
        env.put("KOTTA_PORT", Integer.toString(port));
        env.put("KOTTA_PUBLIC_URL", publicUrl);
        env.put("KOTTA_APP_DIR", release.toString());
        env.put("KOTTA_WORK_DIR", work.toString());
        env.put("KOTTA_INSTANCE_ID", id);
        env.put("KOTTA_INSTANCE_TYPE", "local");
        env.put("KOTTA_JOB_USER", "root".equals(System.getProperty("user.name")) ? "nobody" : "");
        if (closed) {
            throw new InstanceSyncException("group " + spec.logicalId() + ": closed, no new instance");
        }
        InstanceProcess process = InstanceProcess.start(id, release, spec.role().argument(), env, port, dir);
        launched.add(process);
        log.println("  started " + spec.role().argument() + " " + process);
        return process;
    }

    /**
     * Keeps the stack's instances in line while deployments run, as Auto Scaling does in AWS:
     * a background thread looks at the stack every {@link #FOLLOW_PERIOD} and, once it has
     * settled ({@code *_COMPLETE}) with launch templates other than the ones it last synced to,
     * syncs. A sync that failed is not tried again until the launch templates change once more
     * (the old instances keep serving meanwhile). Ends when the stack is gone or on {@link #close}.
     */
    public void follow(String stackName) {
        Thread follower = new Thread(() -> followLoop(stackName), "local-instances-" + stackName);
        follower.setDaemon(true);
        followers.add(follower);
        follower.start();
    }

    private static final Duration FOLLOW_PERIOD = Duration.ofSeconds(1);

    private void followLoop(String stackName) {
        String tried = null;
        while (!closed) {
            try {
                Thread.sleep(FOLLOW_PERIOD.toMillis());
                String status = cfn.describeStacks(b -> b.stackName(stackName))
                        .stacks()
                        .get(0)
                        .stackStatusAsString();
                if (status.startsWith("DELETE")) {
                    return;
                }
                if (!status.endsWith("_COMPLETE")) {
                    continue;
                }
                String templates = String.join(
                        ",",
                        groups.read(stackName).stream()
                                .map(GroupSpec::fingerprint)
                                .toList());
                if (templates.equals(tried)) {
                    continue;
                }
                tried = templates;
                try {
                    sync(stackName);
                } catch (InstanceSyncException e) {
                    log.println("  " + e.getMessage().replace("\n", "\n  "));
                }
            } catch (InterruptedException e) {
                return;
            } catch (CloudFormationException notYet) {
                // the stack is not created yet, or was deleted: look again
            } catch (RuntimeException e) {
                if (!closed) {
                    log.println("  following " + stackName + ": " + e);
                }
            }
        }
    }

    /** An executor has no health check: it must at least still run a moment after its start. */
    private static String settles(InstanceProcess process) throws InterruptedException {
        Thread.sleep(EXECUTOR_SETTLE.toMillis());
        return process.alive() ? null : "it exited within " + EXECUTOR_SETTLE.toSeconds() + " s of its start";
    }

    /**
     * An executor leaves as from a group with a termination hook: told {@code Terminated} through
     * its metadata stand-in, it finishes its job, completes the hook and exits; SIGTERM (which puts
     * a job back) only when it has not gone within {@link #EXECUTOR_DRAIN_LIMIT}.
     */
    private void retire(InstanceProcess process) throws InterruptedException {
        log.println("  retiring " + process.id() + ": target lifecycle state Terminated, waiting up to "
                + EXECUTOR_DRAIN_LIMIT.toMinutes() + " min for its job to end");
        if (process.retire(EXECUTOR_DRAIN_LIMIT)) {
            log.println("  " + process.id() + " (pid " + process.pid() + ") exited by itself");
            process.stop();
        } else {
            log.println("  " + process.id() + " still runs after " + EXECUTOR_DRAIN_LIMIT.toMinutes()
                    + " min: stopping it (its job is put back)");
            stop(process);
        }
    }

    private void stop(InstanceProcess process) {
        launched.remove(process);
        process.stop();
        log.println("  stopped " + process.id() + " (pid " + process.pid() + ")");
    }

    private static String required(GroupSpec spec, String name) {
        String value = spec.wiring().get(name);
        if (value == null || value.isBlank()) {
            throw new InstanceSyncException("group " + spec.logicalId() + ": the KOTTA_WIRING block of launch template "
                    + spec.launchTemplate() + " has no " + name);
        }
        return value;
    }

    private synchronized StableUrl stableUrl(String stackName) {
        return urls.computeIfAbsent(stackName, s -> {
            int port = urls.isEmpty() ? webPort : 0;
            try {
                return new StableUrl(port);
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "cannot listen on 127.0.0.1:" + port + " for the stable web URL"
                                + (port == 0 ? "" : " (" + WEB_PORT_ENV + ")") + ": " + e.getMessage(),
                        e);
            }
        });
    }

    /** Process ids of every instance running now, web servers and executors. */
    public List<Long> pids() {
        return running.values().stream()
                .flatMap(m -> groupsNow(m).stream())
                .flatMap(g -> g.instances().stream())
                .map(InstanceProcess::pid)
                .toList();
    }

    /** One line per running instance of the stack: id, pid, port, log. */
    public List<String> describe(String stackName) {
        return groupsNow(running.getOrDefault(stackName, Map.of())).stream()
                .flatMap(g -> g.instances().stream())
                .map(InstanceProcess::toString)
                .toList();
    }

    /** A copy of a stack's groups, taken while no sync changes them (a follower may be syncing). */
    private static List<RunningGroup> groupsNow(Map<String, RunningGroup> groupsOfStack) {
        synchronized (groupsOfStack) {
            return List.copyOf(groupsOfStack.values());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Stops every instance this started (SIGTERM, then SIGKILL after a grace period) and the stable URLs. */
    @Override
    public void close() {
        closed = true;
        followers.forEach(Thread::interrupt);
        for (Thread follower : followers) {
            try {
                follower.join(FOLLOWER_JOIN.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        stopAll();
    }

    /** How long close() waits for a follower in the middle of a sync to stop its new instance. */
    private static final Duration FOLLOWER_JOIN = Duration.ofSeconds(30);

    private synchronized void stopAll() {
        running.values()
                .forEach(groupsOfStack -> groupsOfStack
                        .values()
                        .forEach(group -> group.instances().forEach(this::stop)));
        running.clear();
        launched.stream().filter(InstanceProcess::alive).forEach(this::stop);
        launched.clear();
        urls.values().forEach(StableUrl::close);
    }
}
