package org.kotta.deployer.localcloud.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.kotta.deployer.core.Json;
import org.kotta.deployer.localcloud.SiteTarball;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

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

    record Step(String name, List<String> command, double seconds) {
    }

    record Run(String stackName, double wallSeconds, List<Step> steps) {
    }

    Run deploy(ObjectNode request) throws IOException, InterruptedException {
        String stack = request.path("stackName").asText();
        String bucket = request.path("jobsBucketName").asText();
        Path tarball = work.resolve("cloud-kotta.tar.gz");
        Files.createDirectories(work);
        Files.write(tarball, site());
        List<Step> steps = new ArrayList<>();
        long t0 = System.nanoTime();

        steps.add(run("deploy the base stack", List.of("cloudformation", "deploy",
                "--template-file", root.resolve("infrastructure/kotta-base.yaml").toString(),
                "--stack-name", stack + "-base", "--capabilities", "CAPABILITY_IAM", "CAPABILITY_NAMED_IAM",
                "--parameter-overrides", "JobsBucketName=" + bucket, "KottaStackName=" + stack,
                "OAuthClientSecretArn=" + request.path("oauthClientSecretArn").asText()), null));
        StringBuilder baseJson = new StringBuilder();
        steps.add(run("read the base outputs", List.of("cloudformation", "describe-stacks",
                "--stack-name", stack + "-base", "--output", "json"), baseJson));
        Map<String, String> base = outputs(baseJson.toString());
        steps.add(run("upload the code under code/", List.of("s3", "cp", tarball.toString(),
                "s3://" + base.get("JobsBucketName") + "/" + CODE_KEY, "--only-show-errors"), null));
        List<String> kotta = new ArrayList<>(List.of("cloudformation", "deploy",
                "--template-file", root.resolve("infrastructure/kotta.yaml").toString(),
                "--stack-name", stack, "--capabilities", "CAPABILITY_IAM", "CAPABILITY_NAMED_IAM",
                "--parameter-overrides"));
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String key : List.of("JobsBucketName", "JobsTableName", "UsersTableName",
                "WebServerInstanceProfileName", "TaskExecutorInstanceProfileName")) {
            parameters.put(key, base.get(key));
        }
        parameters.put("DomainName", request.path("domainName").asText());
        parameters.put("CertificateArn", request.path("certificateArn").asText());
        parameters.put("OAuthClientId", request.path("oauthClientId").asText());
        parameters.put("OAuthClientSecretArn", request.path("oauthClientSecretArn").asText());
        parameters.put("WebServerInstanceType", request.path("webServerInstanceType").asText());
        parameters.put("TaskExecutorInstanceType", request.path("taskExecutorInstanceType").asText());
        parameters.put("ProdMinWorkers", request.path("prodMinWorkers").asText());
        parameters.put("ProdMaxWorkers", request.path("prodMaxWorkers").asText());
        parameters.put("TestMinWorkers", request.path("testMinWorkers").asText());
        parameters.put("TestMaxWorkers", request.path("testMaxWorkers").asText());
        parameters.put("SpotPrice", request.path("spotPrice").asText());
        parameters.put("CodeKey", CODE_KEY);
        parameters.forEach((k, v) -> kotta.add(k + "=" + v));
        steps.add(run("deploy the Kotta stack", kotta, null));
        StringBuilder kottaJson = new StringBuilder();
        steps.add(run("read the Kotta outputs", List.of("cloudformation", "describe-stacks",
                "--stack-name", stack, "--output", "json"), kottaJson));
        if (!outputs(kottaJson.toString()).containsKey("WebUrl")) {
            throw new IllegalStateException("the manual Kotta stack has no WebUrl output: " + kottaJson);
        }
        return new Run(stack, (System.nanoTime() - t0) / 1e9, steps);
    }

    private Step run(String name, List<String> args, StringBuilder stdout) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(aws.toString());
        command.add("--endpoint-url");
        command.add(endpoint);
        command.addAll(args);
        Path log = work.resolve("aws.log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
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
        for (JsonNode output : Json.MAPPER.readTree(describeStacks).path("Stacks").path(0).path("Outputs")) {
            outputs.put(output.path("OutputKey").asText(), output.path("OutputValue").asText());
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
