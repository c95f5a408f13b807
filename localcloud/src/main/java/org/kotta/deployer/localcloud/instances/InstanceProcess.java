package org.kotta.deployer.localcloud.instances;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One local process standing in for an EC2 instance: {@code bin/kotta-start <role>} of a
 * release, with the instance's environment, stdout and stderr appended to its
 * {@code instance.log}.
 */
final class InstanceProcess {
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String id;
    private final int port;
    private final Path log;
    private final Process process;
    private final LocalMetadata metadata;

    private InstanceProcess(String id, int port, Path log, Process process, LocalMetadata metadata) {
        this.id = id;
        this.port = port;
        this.log = log;
        this.process = process;
        this.metadata = metadata;
    }

    /** Starts the process with its own metadata service stand-in, whose URL it gets as {@code KOTTA_METADATA_URL}. */
    static InstanceProcess start(
            String id, Path release, String role, Map<String, String> env, int port, Path instanceDir)
            throws IOException {
        LocalMetadata metadata = new LocalMetadata();
        try {
            Map<String, String> withMetadata = new java.util.LinkedHashMap<>(env);
            withMetadata.put("KOTTA_METADATA_URL", metadata.url());
            return start(id, release, role, withMetadata, port, instanceDir, metadata);
        } catch (IOException | RuntimeException e) {
            metadata.close();
            throw e;
        }
    }

    private static InstanceProcess start(
            String id,
            Path release,
            String role,
            Map<String, String> env,
            int port,
            Path instanceDir,
            LocalMetadata metadata)
            throws IOException {
        Files.createDirectories(instanceDir);
        Path log = instanceDir.resolve("instance.log");
        Files.writeString(
                log,
                "== " + Instant.now() + " " + id + ": " + Releases.START + " " + role + " (release " + release
                        + ", port " + port + ")\n",
                StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
        ProcessBuilder builder = new ProcessBuilder(
                        release.resolve(Releases.START).toString(), role)
                .directory(instanceDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().clear();
        builder.environment().putAll(env);
        return new InstanceProcess(id, port, log, builder.start(), metadata);
    }

    String id() {
        return id;
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    boolean alive() {
        return process.isAlive();
    }

    /**
     * Waits until {@code GET /health} answers 200, the process exits, or {@code limit} passes.
     *
     * @return null when healthy, else why not
     */
    String awaitHealthy(Duration limit) throws InterruptedException {
        Instant deadline = Instant.now().plus(limit);
        String last = "no answer";
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                .timeout(Duration.ofSeconds(2))
                .build();
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                return "it exited with status " + process.exitValue() + " before /health answered 200";
            }
            try {
                HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return null;
                }
                last = "/health answered " + response.statusCode() + ": " + abbreviate(response.body());
            } catch (IOException notYet) {
                last = "no answer on port " + port;
            }
            Thread.sleep(200);
        }
        return "/health did not answer 200 within " + limit.toSeconds() + " s (last: " + last + ")";
    }

    /**
     * Retires the instance as an Auto Scaling group with a termination hook does: its target
     * lifecycle state becomes {@code Terminated}, and the executor exits by itself once its job
     * has ended. Waits for that at most {@code limit}.
     *
     * @return true when the process exited by itself
     */
    boolean retire(Duration limit) throws InterruptedException {
        metadata.terminate();
        return process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** SIGTERM to the process and its descendants, then SIGKILL to what is left after the grace period. */
    void stop() {
        try {
            stopProcesses();
        } finally {
            metadata.close();
        }
    }

    private void stopProcesses() {
        List<ProcessHandle> tree =
                new java.util.ArrayList<>(process.descendants().toList());
        tree.add(0, process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        Instant deadline = Instant.now().plus(STOP_GRACE);
        for (ProcessHandle handle : tree) {
            try {
                handle.onExit()
                        .get(
                                Math.max(
                                        0,
                                        Duration.between(Instant.now(), deadline)
                                                .toMillis()),
                                TimeUnit.MILLISECONDS);
            } catch (Exception notYet) {
                handle.destroyForcibly();
            }
        }
        try {
            process.waitFor(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The last lines of the instance's log, for a failure message. */
    String logTail(int lines) {
        try {
            List<String> all = List.of(new String(Files.readAllBytes(log), StandardCharsets.UTF_8).split("\n"));
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String abbreviate(String body) {
        String line = body.replace('\n', ' ');
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    @Override
    public String toString() {
        return id + " (pid " + pid() + ", port " + port + ", log " + log + ")";
    }
}
