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
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One {@code bin/kotta-start web-server|task-executor} process of the release, as an instance
 * runs it: its own environment, stdout and stderr to {@code <name>.log}. {@code kotta-start}
 * execs {@code java}, so the process's pid is the JVM's, and its {@code /proc/<pid>/status}
 * is the instance's memory.
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

    static PlatformProcess start(Path release, String role, String name, Map<String, String> env, Path dir, int port)
            throws IOException {
        Files.createDirectories(dir);
        Path log = dir.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(release.resolve("bin/kotta-start").toString(), role)
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
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create(url() + "/health")).timeout(Duration.ofSeconds(5)).build();
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
        throw new IllegalStateException(name + ": /health not 200 within " + START_LIMIT.toSeconds() + " s (" + last
                + "); log " + log);
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
        throw new IllegalStateException(name + ": no '" + text + "' in its log within " + START_LIMIT.toSeconds()
                + " s; log " + log);
    }

    /** A {@code kB} line of {@code /proc/<pid>/status} ({@code VmRSS}, {@code VmHWM}), in kB. */
    long statusKb(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").strip());
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
