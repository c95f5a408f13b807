package org.kotta.deployer.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.kotta.deployer.testing.RepoRoot;

/** The state document's paths have one Java spelling, and the state machine uses only those. */
class DeploymentStateTest {
    /** {@code $.name} at the start of a path; {@code $$.} (the context object) is not the state. */
    private static final Pattern STATE_PATH = Pattern.compile("(?<!\\$)\\$\\.([A-Za-z]+)");

    @Test
    void everyPathTheStateMachineUses_isOneOfTheStatesPaths() throws IOException {
        Set<String> used = new TreeSet<>();
        collectPaths(readDefinition(), used);

        assertThat(used).isNotEmpty();
        assertThat(DeploymentState.PATHS).containsAll(used);
    }

    @Test
    void thePathsAreExactlyTheStatesComponents() {
        assertThat(Arrays.stream(DeploymentState.class.getRecordComponents()).map(c -> c.getName()))
                .containsExactlyElementsOf(DeploymentState.PATHS);
    }

    @Test
    void everyTaskWritesItsResultUnderOneOfThePaths() throws IOException {
        readDefinition().path("States").fields().forEachRemaining(state -> {
            JsonNode resultPath = state.getValue().path("ResultPath");
            if (!resultPath.isMissingNode()) {
                assertThat(resultPath.asText()).as(state.getKey()).startsWith("$.");
                assertThat(DeploymentState.PATHS)
                        .as(state.getKey())
                        .contains(resultPath.asText().substring(2));
            }
        });
    }

    @Test
    void theExecutionInput_isTheIdTheTriggerAndTheRequest() throws IOException {
        DeploymentRequest request = Json.MAPPER.convertValue(
                Json.MAPPER.readTree("{\"stackName\":\"kotta-lab\",\"region\":\"us-east-1\",\"adminUsers\":[]}"),
                DeploymentRequest.class);

        JsonNode input = Json.MAPPER.readTree(
                DeploymentState.input("dep-1", "api", request).toJson());

        assertThat(input.fieldNames()).toIterable().containsExactly("deploymentId", "trigger", "request");
        assertThat(input.path("request").path("stackName").asText()).isEqualTo("kotta-lab");
        assertThat(Json.MAPPER.treeToValue(input, DeploymentState.class).deploymentId())
                .isEqualTo("dep-1");
    }

    @Test
    void phasesAndKindsAreWrittenAsTheStateMachineComparesThem() {
        StackProgress progress = new StackProgress(
                StackKind.BASE,
                "s-base",
                null,
                StackAction.CREATE,
                StackPhase.CREATE_AGAIN,
                null,
                null,
                0,
                5,
                null,
                null);

        JsonNode json = Json.MAPPER.valueToTree(progress);

        assertThat(json.path("stackKind").asText()).isEqualTo("base");
        assertThat(json.path("phase").asText()).isEqualTo("CREATE_AGAIN");
        assertThat(json.path("action").asText()).isEqualTo("CREATE");
        assertThat(Json.MAPPER.convertValue(json, StackProgress.class)).isEqualTo(progress);
    }

    @Test
    void aStackWrittenBeforeTheRename_isReadByItsRole() throws IOException {
        StackProgress old =
                Json.MAPPER.readValue("{\"role\":\"kotta\",\"phase\":\"IN_PROGRESS\"}", StackProgress.class);

        assertThat(old.stackKind()).isEqualTo(StackKind.KOTTA);
        assertThat(old.outputs()).isEmpty();
    }

    @Test
    void aPhaseThisCodeDoesNotKnow_isRefusedWhenTheStateIsRead_notCarriedOn() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Json.MAPPER.readValue(
                        "{\"state\":{\"deploymentId\":\"d\",\"baseStack\":{\"phase\":\"DONE\"}}}", StepInput.class))
                .isInstanceOf(com.fasterxml.jackson.databind.JsonMappingException.class)
                .hasMessageContaining("StackPhase");
    }

    static JsonNode readDefinition() throws IOException {
        return Json.MAPPER.readTree(
                RepoRoot.path().resolve("statemachine/kotta-deploy.asl.json").toFile());
    }

    private static void collectPaths(JsonNode node, Set<String> used) {
        if (node.isTextual()) {
            Matcher matcher = STATE_PATH.matcher(node.asText());
            while (matcher.find()) {
                used.add(matcher.group(1));
            }
        }
        node.forEach(child -> collectPaths(child, used));
    }
}
