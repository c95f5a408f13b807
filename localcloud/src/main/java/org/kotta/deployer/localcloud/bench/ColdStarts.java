package org.kotta.deployer.localcloud.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.kotta.deployer.localcloud.LocalLambdaContext;

/**
 * Cold starts of one handler: a fresh {@code java} per run with the class path of that
 * function's own Lambda artifact ({@code functions/target/lambda/<LogicalId>.zip}: its classes
 * and {@code lib/*.jar}, unzipped as Lambda does), the template's
 * {@code JAVA_TOOL_OPTIONS} (in the environment, where Lambda puts them) and {@code -Xmx} of
 * the function's MemorySize, running {@link HandlerProbe}. Process start to first answer is
 * timed here, from before {@code ProcessBuilder.start()} to the probe's first report line.
 */
final class ColdStarts {
    private final Path java;
    private final Path artifacts;
    private final Path work;
    private final Path harnessDir;
    private final Path logs;
    private final Map<String, Path> unzipped = new LinkedHashMap<>();

    private ColdStarts(Path java, Path artifacts, Path work, Path harnessDir, Path logs) {
        this.java = java;
        this.artifacts = artifacts;
        this.work = work;
        this.harnessDir = harnessDir;
        this.logs = logs;
    }

    /** The artifact of one function. */
    Path artifact(String logicalId) {
        return artifacts.resolve(logicalId + ".zip");
    }

    /** Unzips a function's artifact once, as Lambda lays it out. */
    private Path functionDir(String logicalId) throws IOException {
        Path dir = unzipped.get(logicalId);
        if (dir == null) {
            dir = work.resolve("function").resolve(logicalId);
            unzip(artifact(logicalId), dir);
            unzipped.put(logicalId, dir);
        }
        return dir;
    }

    private static void unzip(Path artifact, Path functionDir) throws IOException {
        deleteTree(functionDir);
        Files.createDirectories(functionDir);
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(artifact))) {
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                Path target = functionDir.resolve(entry.getName()).normalize();
                if (!target.startsWith(functionDir)) {
                    throw new IOException("zip entry outside the folder: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(zip, target);
                }
            }
        }
    }

    /** Lays the probe's classes beside the artifacts (in {@code artifacts}, one zip per function). */
    static ColdStarts prepare(Path artifacts, Path work) throws IOException {
        Path harnessDir = work.resolve("probe");
        deleteTree(harnessDir);
        String packagePath = HandlerProbe.class.getPackageName().replace('.', '/');
        Path classes = Path.of(HandlerProbe.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .getPath())
                .resolve(packagePath);
        Files.createDirectories(harnessDir.resolve(packagePath));
        try (Stream<Path> files = Files.list(classes)) {
            for (Path file : files.filter(f -> {
                        String n = f.getFileName().toString();
                        return n.startsWith("HandlerProbe") || n.startsWith("CallCounter");
                    })
                    .toList()) {
                Files.copy(file, harnessDir.resolve(packagePath).resolve(file.getFileName()));
            }
        }
        // the probe hands the handler the local function host's Lambda context: those classes too, alone
        String contextPackage = LocalLambdaContext.class.getPackageName().replace('.', '/');
        Path contextClasses = Path.of(LocalLambdaContext.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .getPath())
                .resolve(contextPackage);
        Files.createDirectories(harnessDir.resolve(contextPackage));
        try (Stream<Path> files = Files.list(contextClasses)) {
            for (Path file : files.filter(
                            f -> f.getFileName().toString().startsWith(LocalLambdaContext.class.getSimpleName()))
                    .toList()) {
                Files.copy(file, harnessDir.resolve(contextPackage).resolve(file.getFileName()));
            }
        }
        Path resource = harnessDir.resolve(CallCounter.RESOURCE);
        Files.createDirectories(resource.getParent());
        Files.writeString(resource, CallCounter.class.getName() + "\n");
        Path logs = work.resolve("logs");
        Files.createDirectories(logs);
        return new ColdStarts(
                Path.of(System.getProperty("java.home"), "bin", "java"), artifacts, work, harnessDir, logs);
    }

    String classPath(String logicalId) throws IOException {
        Path functionDir = functionDir(logicalId);
        List<String> entries = new ArrayList<>();
        entries.add(functionDir.toString());
        try (Stream<Path> jars = Files.list(functionDir.resolve("lib"))) {
            jars.filter(j -> j.toString().endsWith(".jar")).sorted().forEach(j -> entries.add(j.toString()));
        }
        entries.add(harnessDir.toString());
        return String.join(":", entries);
    }

    String javaVersion() {
        return System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
    }

    /** One fresh JVM, one cold invocation and {@code warm} more. */
    record Result(
            double firstAnswerMs,
            double constructMs,
            double firstInvokeMs,
            List<Double> warmMs,
            Map<String, Long> firstCalls,
            Map<String, Long> warmCalls,
            long vmHwmKb,
            String reply) {
        double warmMedian() {
            return Stats.of(warmMs).median();
        }
    }

    Result run(
            TemplateFunctions.Function function,
            String javaToolOptions,
            Map<String, String> env,
            Path event,
            int warm,
            int attempt)
            throws IOException, InterruptedException {
        List<String> command = List.of(
                java.toString(),
                "-Xmx" + function.memoryMb() + "m",
                "-cp",
                classPath(function.logicalId()),
                HandlerProbe.class.getName(),
                function.handlerClass(),
                event.toString(),
                Integer.toString(warm));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().putAll(env);
        builder.environment().put("JAVA_TOOL_OPTIONS", javaToolOptions);
        builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        builder.environment().put("AWS_ACCESS_KEY_ID", System.getenv().getOrDefault("AWS_ACCESS_KEY_ID", "test"));
        builder.environment()
                .put("AWS_SECRET_ACCESS_KEY", System.getenv().getOrDefault("AWS_SECRET_ACCESS_KEY", "test"));
        builder.redirectOutput(
                logs.resolve(function.logicalId() + "-" + attempt + ".out").toFile());
        long t0 = System.nanoTime();
        Process process = builder.start();
        double firstAnswer = Double.NaN;
        Map<String, String> first = Map.of();
        Map<String, String> warmLine = Map.of();
        Map<String, String> rss = Map.of();
        String reply = "";
        StringBuilder stderr = new StringBuilder();
        try (BufferedReader lines =
                new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                if (!line.startsWith(HandlerProbe.MARK)) {
                    stderr.append(line).append('\n');
                    continue;
                }
                String body = line.substring(HandlerProbe.MARK.length());
                if (body.startsWith("first ")) {
                    firstAnswer = (System.nanoTime() - t0) / 1e6;
                    first = fields(body);
                } else if (body.startsWith("warm ")) {
                    warmLine = fields(body);
                } else if (body.startsWith("rss ")) {
                    rss = fields(body);
                } else if (body.startsWith("reply ")) {
                    reply = body.substring("reply ".length());
                }
            }
        }
        if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0 || Double.isNaN(firstAnswer)) {
            process.destroyForcibly();
            Files.writeString(logs.resolve(function.logicalId() + "-" + attempt + ".err"), stderr);
            throw new IllegalStateException(function.logicalId() + ": the probe failed (exit "
                    + (process.isAlive() ? "none" : process.exitValue()) + "): " + tail(stderr.toString()));
        }
        List<Double> warmMs = new ArrayList<>();
        String list = warmLine.getOrDefault("ms", "[]").replace("[", "").replace("]", "");
        for (String v : list.split(",")) {
            if (!v.isBlank()) {
                warmMs.add(Double.parseDouble(v));
            }
        }
        return new Result(
                firstAnswer,
                Double.parseDouble(first.get("constructMs")),
                Double.parseDouble(first.get("invokeMs")),
                warmMs,
                calls(first.get("calls")),
                calls(warmLine.get("calls")),
                Long.parseLong(rss.getOrDefault("vmHwmKb", "-1")),
                reply);
    }

    private static Map<String, String> fields(String line) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String part : line.split(" ")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                fields.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        return fields;
    }

    /** "{S3.PutObject=1,_DynamoDB.UpdateItem=2}" back into a map. */
    static Map<String, Long> calls(String text) {
        Map<String, Long> calls = new LinkedHashMap<>();
        if (text == null) {
            return calls;
        }
        for (String part : text.replace("{", "").replace("}", "").split(",")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                calls.put(part.substring(0, eq).replace("_", "").strip(), Long.parseLong(part.substring(eq + 1)));
            }
        }
        return calls;
    }

    private static String tail(String text) {
        return text.length() > 2000 ? text.substring(text.length() - 2000) : text;
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
