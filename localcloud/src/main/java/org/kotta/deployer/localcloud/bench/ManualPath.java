package org.kotta.deployer.localcloud.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kotta.deployer.core.DeploymentRequest;
import org.kotta.deployer.core.Json;
import org.kotta.deployer.localcloud.SiteTarball;
import org.kotta.deployer.stacks.KottaImages;
import org.kotta.deployer.stacks.StackSteps;
import org.kotta.deployer.validate.RequestValidator;
import org.kotta.deployer.validate.ValidationResult;

/**
 * What the seed tells an admin to do, with the AWS CLI against the same local cloud:
 * deploy the base stack, read its outputs, copy the code tarball under {@code code/}, deploy
 * the Kotta stack with those outputs, read its outputs. Each step is one {@code aws}
 * process, timed; a step that fails ends the run.
 */
final class ManualPath {
    static final String CODE_KEY = "code/cloud-kotta.tar.gz";
    private final Path root;
    private final Path aws;
    private final String endpoint;
    private final Path work;

    ManualPath(Path root, Path aws, String endpoint, Path work) {
        this.root = root;
        this.aws = aws;
        this.endpoint = endpoint;
        this.work = work;
    }

    record Step(String name, List<String> command, double seconds) {}

    record Run(String stackName, double wallSeconds, List<Step> steps) {}

    Run deploy(ObjectNode json) throws IOException, InterruptedException {
        // the parameters come from the orchestrator's own mapping (StackSteps), so the two paths
        // deploy the same stacks; it takes the request as the validator normalises it
        ValidationResult validation = new RequestValidator().validate(json);
        if (!validation.errors().isEmpty()) {
            throw new IllegalArgumentException("the bench's request is not valid: " + validation.errors());
        }
        DeploymentRequest request = validation.request();
        String stack = request.stackName();
        Path tarball = work.resolve("cloud-kotta.tar.gz");
        Files.createDirectories(work);
        Files.write(tarball, site());
        List<Step> steps = new ArrayList<>();
        long t0 = System.nanoTime();

        steps.add(run(
                "deploy the base stack",
                withParameters(
                        List.of(
                                "cloudformation",
                                "deploy",
                                "--template-file",
                                root.resolve("infrastructure/kotta-base.yaml").toString(),
                                "--stack-name",
                                request.baseStackName(),
                                "--capabilities",
                                "CAPABILITY_IAM",
                                "CAPABILITY_NAMED_IAM",
                                "--parameter-overrides"),
                        StackSteps.baseParameters(request)),
                null));
        StringBuilder baseJson = new StringBuilder();
        steps.add(run(
                "read the base outputs",
                List.of(
                        "cloudformation",
                        "describe-stacks",
                        "--stack-name",
                        request.baseStackName(),
                        "--output",
                        "json"),
                baseJson));
        Map<String, String> base = outputs(baseJson.toString());
        steps.add(run(
                "upload the code under code/",
                List.of(
                        "s3",
                        "cp",
                        tarball.toString(),
                        "s3://" + base.get("JobsBucketName") + "/" + CODE_KEY,
                        "--only-show-errors"),
                null));
        StringBuilder image = new StringBuilder();
        steps.add(run(
                "look up the latest Amazon Linux image",
                List.of(
                        "ssm",
                        "get-parameter",
                        "--name",
                        KottaImages.PUBLIC_PARAMETER,
                        "--query",
                        "Parameter.Value",
                        "--output",
                        "text"),
                image));
        List<String> kotta = withParameters(
                List.of(
                        "cloudformation",
                        "deploy",
                        "--template-file",
                        root.resolve("infrastructure/kotta.yaml").toString(),
                        "--stack-name",
                        stack,
                        "--capabilities",
                        "CAPABILITY_IAM",
                        "CAPABILITY_NAMED_IAM",
                        "--parameter-overrides"),
                StackSteps.kottaParameters(
                        request, base, CODE_KEY, image.toString().strip()));
        steps.add(run("deploy the Kotta stack", kotta, null));
        StringBuilder kottaJson = new StringBuilder();
        steps.add(run(
                "read the Kotta outputs",
                List.of("cloudformation", "describe-stacks", "--stack-name", stack, "--output", "json"),
                kottaJson));
        if (!outputs(kottaJson.toString()).containsKey("WebUrl")) {
            throw new IllegalStateException("the manual Kotta stack has no WebUrl output: " + kottaJson);
        }
        return new Run(stack, (System.nanoTime() - t0) / 1e9, steps);
    }

    private static List<String> withParameters(List<String> command, Map<String, String> parameters) {
        List<String> all = new ArrayList<>(command);
        parameters.forEach((key, value) -> all.add(key + "=" + value));
        return all;
    }

    private Step run(String name, List<String> args, StringBuilder stdout) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(aws.toString());
        command.add("--endpoint-url");
        command.add(endpoint);
        command.addAll(args);
        Path log = work.resolve("aws.log");
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        if (stdout == null) {
            builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        }
        long t0 = System.nanoTime();
        Process process = builder.start();
        if (stdout != null) {
            stdout.append(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
        int exit = process.waitFor();
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (exit != 0) {
            throw new IllegalStateException("manual step '" + name + "' failed (exit " + exit + "), see " + log);
        }
        return new Step(name, command, seconds);
    }

    private static Map<String, String> outputs(String describeStacks) throws IOException {
        Map<String, String> outputs = new LinkedHashMap<>();
        for (JsonNode output :
                Json.MAPPER.readTree(describeStacks).path("Stacks").path(0).path("Outputs")) {
            outputs.put(
                    output.path("OutputKey").asText(),
                    output.path("OutputValue").asText());
        }
        return outputs;
    }

    /** The web code an admin would tar: the same small site for every run. */
    static byte[] site() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("index.html", "<h1>Cloud Kotta</h1><p>uploaded by hand</p>\n");
        files.put("production.conf", "[server]\nurl = https://kotta.example.org\nport = 8888\n");
        return SiteTarball.of(files);
    }
}
