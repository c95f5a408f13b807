package org.kotta.deployer.localcloud.bench;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.kotta.deployer.localcloud.platform.LocalPlatformStack;
import org.kotta.platform.core.Wiring;

/**
 * One {@code bin/kotta-start web-server|task-executor} process of the release, as an instance
 * runs it: its own environment, stdout and stderr to {@code <name>.log}. {@code kotta-start}
 * execs {@code java}, so the process's pid is the JVM's, and its {@code /proc/<pid>/status}
 * is the instance's memory. The environment is a stack's wiring ({@link LocalPlatformStack})
 * plus what the local instance runner adds.
 */
final class PlatformProcess implements AutoCloseable {
    private static final Duration START_LIMIT = Duration.ofSeconds(60);

    private final String name;
    private final int port;
    private final Path log;
    private final Process process;

    private PlatformProcess(String name, int port, Path log, Process process) {
        this.name = name;
        this.port = port;
        this.log = log;
        this.process = process;
    }

    /**
     * {@code kotta-start web-server} of the release with {@code wiring}, on a free port; returns
     * once {@code /health} answers 200.
     */
    static PlatformProcess startWeb(Path release, Map<String, String> wiring, Path dir)
            throws IOException, InterruptedException {
        int port = LocalPlatformStack.freePort();
        Map<String, String> env = environment(wiring, "local-web-1");
        env.put(Wiring.PORT, Integer.toString(port));
        env.put(Wiring.PUBLIC_URL, "http://127.0.0.1:" + port);
        PlatformProcess web = start(release, "web-server", "web-1", env, dir, port);
        try {
            web.awaitHealthy();
        } catch (RuntimeException | InterruptedException e) {
            web.close();
            throw e;
        }
        return web;
    }

    /** {@code kotta-start task-executor} of the Test pool with {@code wiring}; returns once it polls its queue. */
    static PlatformProcess startExecutor(Path release, Map<String, String> wiring, String name, Path dir)
            throws IOException, InterruptedException {
        Map<String, String> env = environment(wiring, "local-" + name);
        env.put(Wiring.POOL, "test");
        Path work = dir.resolve(name + "-work");
        Files.createDirectories(work);
        env.put(Wiring.WORK_DIR, work.toString());
        // as the local instance runner: jobs run as nobody when the executor runs as root
        env.put(Wiring.JOB_USER, "root".equals(System.getProperty("user.name")) ? "nobody" : "");
        PlatformProcess executor = start(release, "task-executor", name, env, dir, 0);
        try {
            executor.awaitLog("job=- started");
        } catch (RuntimeException | InterruptedException e) {
            executor.close();
            throw e;
        }
        return executor;
    }

    /** The wiring plus what the local instance runner adds: endpoint, test credentials, instance id. */
    private static Map<String, String> environment(Map<String, String> wiring, String instanceId) {
        Map<String, String> env = new HashMap<>(wiring);
        // KOTTA_JAVA_OPTS passes through when set (to try other JVM options); unset, kotta-start's defaults
        for (String inherited : List.of("PATH", "JAVA_HOME", "LANG", "KOTTA_JAVA_OPTS")) {
            String value = System.getenv(inherited);
            if (value != null) {
                env.put(inherited, value);
            }
        }
        env.put("AWS_ACCESS_KEY_ID", "test");
        env.put("AWS_SECRET_ACCESS_KEY", "test");
        env.put("AWS_DEFAULT_REGION", wiring.get(Wiring.REGION));
        env.put(Wiring.INSTANCE_ID, instanceId);
        env.put(Wiring.INSTANCE_TYPE, "local");
        return env;
    }

    private static PlatformProcess start(
            Path release, String role, String name, Map<String, String> env, Path dir, int port) throws IOException {
        Files.createDirectories(dir);
        Path log = dir.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(
                        release.resolve("bin/kotta-start").toString(), role)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().clear();
        builder.environment().putAll(env);
        return new PlatformProcess(name, port, log, builder.start());
    }

    long pid() {
        return process.pid();
    }

    int port() {
        return port;
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Waits until {@code GET /health} answers 200. */
    void awaitHealthy() throws InterruptedException {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create(url() + "/health"))
                .timeout(Duration.ofSeconds(5))
                .build();
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            requireAlive();
            try {
                HttpResponse<String> answer = http.send(health, HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200) {
                    return;
                }
                last = answer.statusCode() + " " + answer.body();
            } catch (IOException notYet) {
                last = "no answer on port " + port;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(
                name + ": /health not 200 within " + START_LIMIT.toSeconds() + " s (" + last + "); log " + log);
    }

    /** Waits until the process's log holds {@code text}. */
    void awaitLog(String text) throws InterruptedException {
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            requireAlive();
            if (logText().contains(text)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(
                name + ": no '" + text + "' in its log within " + START_LIMIT.toSeconds() + " s; log " + log);
    }

    /** A {@code kB} line of {@code /proc/<pid>/status} ({@code VmRSS}, {@code VmHWM}), in kB. */
    long statusKb(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(
                            line.substring(field.length() + 1).replace("kB", "").strip());
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(name + ": cannot read /proc/" + pid() + "/status", e);
        }
        throw new IllegalStateException(name + ": no " + field + " in /proc/" + pid() + "/status");
    }

    /** The JVM's command line as the kernel has it (what kotta-start exec'ed), class path shortened. */
    String commandLine() {
        try {
            String raw = new String(Files.readAllBytes(Path.of("/proc/" + pid() + "/cmdline")), StandardCharsets.UTF_8);
            return raw.replace('\0', ' ').strip().replaceAll("-cp \\S+", "-cp <release>/lib/*");
        } catch (IOException e) {
            return "?";
        }
    }

    String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private void requireAlive() {
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " exited with status " + process.exitValue() + "; log " + log);
        }
    }

    /** SIGTERM (what systemd sends), then SIGKILL after 30 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + pid() + ")";
    }
}
