package org.kotta.deployer.localcloud.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.kotta.deployer.core.AwsClients;
import org.kotta.deployer.core.DeploymentState;
import org.kotta.deployer.core.Json;
import org.kotta.deployer.localcloud.ExecutionFollower;
import org.kotta.deployer.localcloud.LocalOrchestrator;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * The events the cold starts replay, written under {@code target/bench/events/}: taken from a
 * probe deployment that ran in the installed orchestrator, and from a refused request's execution.
 */
final class ProbeEvents {
    private final Path root;
    private final Path work;
    private final AwsClients aws;
    private final LocalOrchestrator orchestrator;
    private final TemplateFunctions template;
    private final Function<String, ObjectNode> requestFor;

    /** @param requestFor the bench's deployment request for a stack of the given name */
    ProbeEvents(
            Path root,
            Path work,
            AwsClients aws,
            LocalOrchestrator orchestrator,
            TemplateFunctions template,
            Function<String, ObjectNode> requestFor) {
        this.root = root;
        this.work = work;
        this.aws = aws;
        this.orchestrator = orchestrator;
        this.template = template;
        this.requestFor = requestFor;
    }

    /**
     * One event per function: a state's real input from the probe deployment's history (the
     * Task's Parameters applied to it); for functions outside the state machine, the sample
     * under {@code events/} with this run's identifiers.
     */
    Map<String, Path> write(EndToEnd.Run probe, Map<String, String> shapes) throws Exception {
        Path dir = work.resolve("events");
        Files.createDirectories(dir);
        JsonNode asl = Json.MAPPER.readTree(
                root.resolve("statemachine/kotta-deploy.asl.json").toFile());
        SfnClient sfn = aws.stepFunctions();
        Map<String, ObjectNode> events = new LinkedHashMap<>();
        StatePayloads.collect(asl, ExecutionFollower.history(sfn, probe.executionArn()), probe.executionArn(), events);

        // a refused request reaches "Record the failure"; the API would refuse it before any execution
        // starts, so it goes to StartExecution directly, as the API would pass it on
        ObjectNode bad = requestFor.apply("bench-bad-" + Bench.shortId());
        bad.put("jobsBucketName", "Bad_Bucket");
        String failed = startExecution(bad);
        ExecutionFollower.awaitEnd(sfn, failed, Duration.ofMinutes(10));
        StatePayloads.collect(asl, ExecutionFollower.history(sfn, failed), failed, events);

        JsonNode record =
                Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(new org.kotta.deployer.core.DeploymentRecords(
                                aws.dynamoDb(), orchestrator.output("DeploymentsTableName"))
                        .get(probe.deploymentId())
                        .orElseThrow()));
        String bucket =
                record.path("outputs").path("base").path("JobsBucketName").asText();
        for (TemplateFunctions.Function function : template.functions()) {
            if (events.containsKey(function.logicalId())) {
                continue;
            }
            Path sample = root.resolve("events/" + function.logicalId() + ".json");
            if (!Files.exists(sample)) {
                continue;
            }
            ObjectNode event = (ObjectNode) Json.MAPPER.readTree(sample.toFile());
            bind(function.logicalId(), event, probe.deploymentId(), bucket);
            events.put(function.logicalId(), event);
        }
        Map<String, Path> files = new LinkedHashMap<>();
        for (var e : events.entrySet()) {
            Path file = dir.resolve(e.getKey() + ".json");
            Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), e.getValue());
            files.put(e.getKey(), file);
            Path sample = root.resolve("events/" + e.getKey() + ".json");
            shapes.put(
                    e.getKey(),
                    !Files.exists(sample)
                            ? "no sample in events/"
                            : StatePayloads.sameShape(Json.MAPPER.readTree(sample.toFile()), e.getValue())
                                    ? "matches events/"
                                    : "differs from events/");
        }
        return files;
    }

    /** Starts an execution with the input StartDeployment gives one: a new deployment id, the request. */
    private String startExecution(ObjectNode request) {
        String deploymentId = "dep-" + UUID.randomUUID();
        String input = DeploymentState.input(deploymentId, "execution", request).toJson();
        return aws.stepFunctions()
                .startExecution(b -> b.stateMachineArn(orchestrator.output("StateMachineArn"))
                        .name(deploymentId)
                        .input(input))
                .executionArn();
    }

    private void bind(String logicalId, ObjectNode event, String deploymentId, String bucket) {
        switch (logicalId) {
            case "CodeUploadedFunction" -> {
                ObjectNode detail = (ObjectNode) event.path("detail");
                ((ObjectNode) detail.path("bucket")).put("name", bucket);
                event.putArray("resources").add("arn:aws:s3:::" + bucket);
            }
            case "GetDeploymentFunction" -> {
                ((ObjectNode) event.with("pathParameters")).put("id", deploymentId);
                event.put("path", "/deployments/" + deploymentId);
            }
            case "StartDeploymentFunction" -> {
                event.put(
                        "body",
                        requestFor.apply("bench-api-probe-" + Bench.shortId()).toString());
                ((ObjectNode) event.with("headers")).put("Idempotency-Key", "bench-probe-" + Bench.shortId());
            }
            default -> {}
        }
    }
}
