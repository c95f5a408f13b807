package org.kotta.deployer.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kotta.deployer.api.ApiRequest;
import org.kotta.deployer.api.JsonBodies;
import org.kotta.deployer.api.PageRequest;
import org.kotta.deployer.api.Routes;
import org.kotta.deployer.code.DeploymentConf;
import org.kotta.deployer.core.DeploymentIds;
import org.kotta.deployer.core.DeploymentState;
import org.kotta.deployer.core.Json;
import org.kotta.deployer.core.StackKind;
import org.kotta.deployer.core.StackPhase;
import org.kotta.deployer.core.StepInput;
import org.kotta.deployer.stacks.StackSteps;
import org.kotta.deployer.testing.RepoRoot;
import org.kotta.deployer.trigger.CodeUploadedEvent;
import org.kotta.deployer.trigger.RedeployRules;
import org.kotta.deployer.validate.RequestValidator;
import org.kotta.deployer.validate.ValidationResult;

/**
 * The samples under {@code events/} are what each function really receives: a state's sample
 * has the Parameters its Task state passes, is reached by the state machine with the state it
 * carries, parses into the typed state, and runs through the step's logic as far as that needs
 * no AWS. What the state machine reads from a step's result is a property of the result's type.
 */
class SampleEventsTest {
    private static final Pattern STATE_PATH = Pattern.compile("(?<!\\$)\\$((?:\\.[A-Za-z]+)+)");
    private static final String REGION = "us-east-1";

    private static Path root;
    private static JsonNode asl;

    @BeforeAll
    static void read() throws IOException {
        root = RepoRoot.path();
        asl = Json.MAPPER.readTree(
                root.resolve("statemachine/kotta-deploy.asl.json").toFile());
    }

    // ---- the state machine's functions ---------------------------------------------------------

    @Test
    void everyFunctionTheStateMachineCalls_hasASample_withTheParametersOfItsTaskState() throws IOException {
        Map<String, JsonNode> samples = stateSamples();
        assertThat(samples).isNotEmpty();
        for (var entry : samples.entrySet()) {
            JsonNode sample = entry.getValue();
            JsonNode task = asl.path("States").path(sample.path("stateName").asText());
            assertThat(function(task))
                    .as(entry.getKey() + ": its stateName's function")
                    .isEqualTo("${" + entry.getKey() + "Arn}");
            List<String> expected = new ArrayList<>();
            payload(task).fieldNames().forEachRemaining(name -> expected.add(name.replaceFirst("\\.\\$$", "")));
            assertThat(sample.fieldNames()).toIterable().as(entry.getKey()).containsExactlyElementsOf(expected);
            payload(task).fields().forEachRemaining(parameter -> {
                String path = parameter.getValue().asText();
                if (path.startsWith("$.")) {
                    String name = parameter.getKey().replaceFirst("\\.\\$$", "");
                    assertThat(sample.get(name))
                            .as(entry.getKey() + ": " + name + " is " + path)
                            .isEqualTo(at(sample.path("state"), path));
                }
            });
        }
    }

    @Test
    void everyStateSample_isWhereTheStateMachineGoesWithTheStateItCarries() throws IOException {
        for (var entry : stateSamples().entrySet()) {
            JsonNode sample = entry.getValue();
            assertReached(sample.path("stateName").asText(), sample.path("state"), entry.getKey());
        }
    }

    @Test
    void everyStateSample_parsesIntoTheTypedState() throws IOException {
        for (var entry : stateSamples().entrySet()) {
            StepInput input = input(entry.getKey());
            assertThat(input.deploymentId()).as(entry.getKey()).startsWith("dep-");
            assertThat(input.execution()).as(entry.getKey()).endsWith(":" + input.deploymentId());
            assertThat(input.secondsSinceStart(java.time.Instant.parse("2026-11-25T09:01:00Z")))
                    .isEqualTo(60.0);
            if (!entry.getKey().equals("ValidateInputsFunction")
                    && input.state().validation().ok()) {
                assertThat(input.validatedRequest().stackName())
                        .as(entry.getKey())
                        .isEqualTo("kotta-demo");
            }
        }
    }

    @Test
    void everyStateSample_isExactlyWhatTheTypedStateWrites_noFieldMoreOrLess() throws IOException {
        for (var entry : stateSamples().entrySet()) {
            JsonNode sample = sample(entry.getKey());
            // written out and read back, as the next state reads it (a long is then a number like any other)
            JsonNode written = Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(input(entry.getKey())));
            assertThat(written).as(entry.getKey()).isEqualTo(sample);
        }
    }

    @Test
    void validateInputs_sample_passesTheRuleBook_intoTheRequestLaterSamplesCarry() throws IOException {
        ValidationResult result = new RequestValidator(REGION)
                .validate(input("ValidateInputsFunction").state().requestAsSent());

        assertThat(result.errors()).isEmpty();
        assertThat(result.request()).isEqualTo(input("CreateBaseStackFunction").validatedRequest());
    }

    @Test
    void recordFailure_sample_isARequestTheRuleBookRefuses_forTheReasonsItCarries() throws IOException {
        StepInput input = input("RecordFailureFunction");
        ValidationResult result =
                new RequestValidator(REGION).validate(input.state().requestAsSent());

        assertThat(result.errors()).isEqualTo(input.state().validation().errors());
        assertThat(input.state().failure()).isEqualTo(input.state().validation().failure());
    }

    @Test
    void createBaseStack_sample_givesEveryBaseStackParameter() throws IOException {
        Map<String, String> parameters =
                StackSteps.baseParameters(input("CreateBaseStackFunction").validatedRequest());

        assertThat(parameters).doesNotContainValue(null).containsKeys("JobsBucketName", "KottaStackName");
    }

    @Test
    void waitForStack_sample_watchesTheStackItsStateNames() throws IOException {
        StepInput input = input("WaitForStackFunction");

        assertThat(input.stack()).isEqualTo(input.state().baseStack());
        assertThat(input.stack().stackKind()).isEqualTo(StackKind.BASE);
        assertThat(input.stack().phase()).isEqualTo(StackPhase.IN_PROGRESS);
        assertThat(input.stack().stackId()).contains(":stack/" + input.stack().stackName() + "/");
    }

    @Test
    void packageAndUploadCode_sample_rendersTheDeploymentConf() throws IOException {
        StepInput input = input("PackageAndUploadCodeFunction");

        String conf =
                DeploymentConf.render(input.validatedRequest(), input.state().outputsOf(StackKind.BASE));

        assertThat(conf).contains("kotta-demo-jobs-000000000000", "kotta-demo-base-UsersTable-4C9DE44A16F68");
    }

    @Test
    void createKottaStack_sample_givesEveryKottaStackParameter() throws IOException {
        StepInput input = input("CreateKottaStackFunction");
        DeploymentState state = input.state();

        Map<String, String> parameters = StackSteps.kottaParameters(
                input.validatedRequest(),
                state.outputsOf(StackKind.BASE),
                state.release().releaseKey(),
                "ami-0123456789abcdef0");

        assertThat(parameters).doesNotContainValue(null);
        assertThat(state.release().templateUrl()).startsWith("https://");
    }

    @Test
    void publishOutputs_sample_namesTheUsersTable_theSite_andTheRelease() throws IOException {
        DeploymentState state = input("PublishOutputsFunction").state();

        assertThat(state.outputsOf(StackKind.BASE)).containsKey("UsersTableName");
        assertThat(state.outputsOf(StackKind.KOTTA)).containsKey("WebUrl");
        assertThat(state.release().sha256()).hasSize(64);
    }

    @Test
    void stackSamples_carryEveryOutputOfTheirTemplate() throws IOException {
        for (var entry : stateSamples().entrySet()) {
            DeploymentState state = input(entry.getKey()).state();
            for (StackKind kind : StackKind.values()) {
                if (state.stack(kind) != null && state.stack(kind).phase() == StackPhase.SUCCEEDED) {
                    assertThat(state.outputsOf(kind).keySet())
                            .as(entry.getKey() + " " + kind)
                            .containsExactlyInAnyOrderElementsOf(templateOutputs(kind));
                }
            }
        }
    }

    @Test
    void whatTheStateMachineReadsFromTheState_isAPropertyOfTheStatesTypes() {
        List<String> paths = new ArrayList<>();
        collectPaths(asl, paths);
        assertThat(paths).contains(".baseStack.phase", ".release.ok", ".recorded.cause");
        for (String path : paths) {
            Class<?> type = DeploymentState.class;
            for (String name : path.substring(1).split("\\.")) {
                BeanPropertyDefinition property = property(type, name);
                assertThat(property)
                        .as(path + ": " + type.getSimpleName() + " has " + name)
                        .isNotNull();
                type = property.getPrimaryType().getRawClass();
            }
        }
    }

    // ---- the functions outside the state machine -----------------------------------------------

    @Test
    void startDeployment_sample_isAValidRequest() throws IOException {
        ApiRequest request = ApiRequest.from(sample("StartDeploymentFunction"));

        assertThat(Routes.methodsFor(request.path()))
                .hasValueSatisfying(methods -> assertThat(methods).contains("POST"));
        assertThat(request.header("Idempotency-Key")).isPresent();
        assertThat(new RequestValidator(REGION)
                        .validate(JsonBodies.read(request))
                        .errors())
                .isEmpty();
    }

    @Test
    void getDeployment_sample_asksForAPlausibleDeployment() throws IOException {
        ApiRequest request = ApiRequest.from(sample("GetDeploymentFunction"));

        assertThat(Routes.methodsFor(request.path()))
                .hasValueSatisfying(methods -> assertThat(methods).contains("GET"));
        assertThat(DeploymentIds.isPlausible(request.pathParameters().get("id")))
                .isTrue();
    }

    @Test
    void listDeployments_sample_asksForAPageOfOneStack() throws IOException {
        PageRequest page = PageRequest.from(ApiRequest.from(sample("ListDeploymentsFunction")));

        assertThat(page.stackName()).contains("kotta-demo");
        assertThat(page.limit()).isEqualTo(10);
    }

    @Test
    void codeUploaded_sample_isACodeTarballUpload() throws IOException {
        CodeUploadedEvent event = CodeUploadedEvent.fromEventBridge(sample("CodeUploadedFunction"));

        assertThat(RedeployRules.notACodeTarball(event.key())).isEmpty();
        assertThat(event.s3Uri()).isEqualTo("s3://kotta-demo-jobs-000000000000/code/cloud-kotta-v2.tar.gz");
    }

    // ---- helpers ---------------------------------------------------------------------------------

    /** The samples of the functions the state machine calls, by logical id. */
    private static Map<String, JsonNode> stateSamples() throws IOException {
        Map<String, JsonNode> samples = new LinkedHashMap<>();
        for (JsonNode state : asl.path("States")) {
            Matcher function = Pattern.compile("\\$\\{([A-Za-z]+)Arn}").matcher(function(state));
            if (function.matches() && !samples.containsKey(function.group(1))) {
                samples.put(function.group(1), sample(function.group(1)));
            }
        }
        return samples;
    }

    /** The function a Task state calls: its Resource, or for a callback task its FunctionName. */
    private static String function(JsonNode task) {
        return isCallback(task)
                ? task.path("Parameters").path("FunctionName").asText()
                : task.path("Resource").asText();
    }

    /** What the function receives: the Parameters, or for a callback task their Payload. */
    private static JsonNode payload(JsonNode task) {
        return isCallback(task) ? task.path("Parameters").path("Payload") : task.path("Parameters");
    }

    private static boolean isCallback(JsonNode task) {
        return task.path("Resource").asText().endsWith(":lambda:invoke.waitForTaskToken");
    }

    private static JsonNode sample(String function) throws IOException {
        Path file = root.resolve("events/" + function + ".json");
        assertThat(file).as("a sample for " + function).exists();
        return Json.MAPPER.readTree(file.toFile());
    }

    private static StepInput input(String function) throws IOException {
        return Json.MAPPER.treeToValue(sample(function), StepInput.class);
    }

    /**
     * Walks the state machine from its start with the sample's state: every Task before the target
     * must have left its result, every Choice is decided by the state, every Pass must have copied.
     */
    private static void assertReached(String target, JsonNode state, String function) {
        String current = asl.path("StartAt").asText();
        List<String> walked = new ArrayList<>();
        while (!current.equals(target)) {
            walked.add(current);
            assertThat(walked).as(function + ": walked " + walked).hasSizeLessThan(30);
            JsonNode step = asl.path("States").path(current);
            switch (step.path("Type").asText()) {
                case "Task" ->
                    assertThat(at(state, step.path("ResultPath").asText()).isMissingNode())
                            .as(function + ": " + current + " left "
                                    + step.path("ResultPath").asText())
                            .isFalse();
                case "Wait" ->
                    assertThat(at(state, step.path("SecondsPath").asText()).isInt())
                            .as(function + ": " + current)
                            .isTrue();
                case "Pass" ->
                    assertThat(at(state, step.path("ResultPath").asText()))
                            .as(function + ": " + current)
                            .isEqualTo(at(state, step.path("InputPath").asText()));
                case "Choice" -> {
                    current = choose(step, state, function + ": " + current);
                    continue;
                }
                default -> fail(function + ": the walk reached " + current + " before " + target);
            }
            current = step.path("Next").asText();
        }
    }

    private static String choose(JsonNode choice, JsonNode state, String where) {
        for (JsonNode rule : choice.path("Choices")) {
            if (matches(rule, state, where)) {
                return rule.path("Next").asText();
            }
        }
        return choice.path("Default").asText();
    }

    private static boolean matches(JsonNode rule, JsonNode state, String where) {
        if (rule.has("And")) {
            for (JsonNode part : rule.path("And")) {
                if (!matches(part, state, where)) {
                    return false;
                }
            }
            return true;
        }
        JsonNode value = at(state, rule.path("Variable").asText());
        if (rule.has("IsPresent")) {
            return !value.isMissingNode() == rule.path("IsPresent").booleanValue();
        }
        if (rule.has("BooleanEquals")) {
            return value.isBoolean()
                    && value.booleanValue() == rule.path("BooleanEquals").booleanValue();
        }
        if (rule.has("StringEquals")) {
            return value.isTextual()
                    && value.textValue().equals(rule.path("StringEquals").textValue());
        }
        throw new AssertionError(where + ": a Choice rule this walk does not know: " + rule);
    }

    private static JsonNode at(JsonNode state, String path) {
        return state.at(path.substring(1).replace('.', '/'));
    }

    private static void collectPaths(JsonNode node, List<String> paths) {
        if (node.isTextual()) {
            Matcher matcher = STATE_PATH.matcher(node.asText());
            while (matcher.find()) {
                paths.add(matcher.group(1));
            }
        }
        node.forEach(child -> collectPaths(child, paths));
    }

    private static BeanPropertyDefinition property(Class<?> type, String name) {
        BeanDescription description = Json.MAPPER.getSerializationConfig().introspect(Json.MAPPER.constructType(type));
        return description.findProperties().stream()
                .filter(p -> p.getName().equals(name))
                .findFirst()
                .orElse(null);
    }

    private static List<String> templateOutputs(StackKind kind) throws IOException {
        String template = kind == StackKind.BASE ? StackSteps.BASE_TEMPLATE : StackSteps.KOTTA_TEMPLATE;
        String text = Files.readString(root.resolve("infrastructure/" + template));
        List<String> outputs = new ArrayList<>();
        Matcher output = Pattern.compile("(?m)^  ([A-Za-z0-9]+):$").matcher(text.substring(text.indexOf("\nOutputs:")));
        while (output.find()) {
            outputs.add(output.group(1));
        }
        return outputs;
    }
}
