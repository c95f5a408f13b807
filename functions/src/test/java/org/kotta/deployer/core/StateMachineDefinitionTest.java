package org.kotta.deployer.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kotta.deployer.testing.RepoRoot;

/** Rules of statemachine/kotta-deploy.asl.json that keep it a readable, safe deployment log. */
class StateMachineDefinitionTest {
    private static final String ROLL_BACK = "Roll back to the last good release";
    /** Task states that run after "Record the failure" has ended the deployment. */
    private static final java.util.Set<String> AFTER_THE_FAILURE = java.util.Set.of("Record the failure", ROLL_BACK);

    private static JsonNode definition;

    private static final String WAIT_FOR_TASK_TOKEN = "arn:${Partition}:states:::lambda:invoke.waitForTaskToken";

    @BeforeAll
    static void read() throws IOException {
        definition = Json.MAPPER.readTree(
                RepoRoot.resolve("statemachine/kotta-deploy.asl.json").toFile());
    }

    @Test
    void everyTaskStateBelongsToARecordedStep() {
        List<String> tasks = new ArrayList<>();
        definition.path("States").fields().forEachRemaining(state -> {
            if (state.getValue().path("Type").asText().equals("Task") && !AFTER_THE_FAILURE.contains(state.getKey())) {
                tasks.add(state.getKey());
            }
        });
        assertThat(tasks).isNotEmpty();
        assertThat(Steps.OF_TASK_STATE.keySet()).containsExactlyInAnyOrderElementsOf(tasks);
        assertThat(Steps.OF_TASK_STATE.values()).containsAll(Steps.ALL);
    }

    @Test
    void everyTaskRetriesTransientLambdaErrorsAndIsCaught() {
        definition.path("States").fields().forEachRemaining(entry -> {
            JsonNode state = entry.getValue();
            if (!state.path("Type").asText().equals("Task")) {
                return;
            }
            assertThat(state.path("Retry").toString())
                    .as(entry.getKey())
                    .contains(
                            "Lambda.ServiceException",
                            "Lambda.TooManyRequestsException",
                            // a SnapStart version's restore failing or not ready yet is transient too
                            "Lambda.SnapStartException",
                            "Lambda.SnapStartNotReadyException",
                            "Lambda.SnapStartTimeoutException");
            assertThat(state.path("TimeoutSeconds").asInt()).as(entry.getKey()).isPositive();
            if (entry.getKey().equals(ROLL_BACK)) {
                // the failure is recorded already: a rollback that cannot start ends the execution as failed
                JsonNode catcher = state.path("Catch").get(0);
                assertThat(catcher.path("ErrorEquals").get(0).asText()).isEqualTo("States.ALL");
                assertThat(catcher.path("Next").asText()).isEqualTo("Deployment failed");
            } else if (!entry.getKey().equals("Record the failure")) {
                JsonNode catchers = state.path("Catch");
                // a stack wait first hands its timeout (or a failed look after an event) to the ordinary check
                for (int i = 0; i < catchers.size() - 1; i++) {
                    assertThat(catchers.get(i).path("ErrorEquals").toString())
                            .as(entry.getKey())
                            .isEqualTo("[\"States.Timeout\",\"StackCheckFailed\"]");
                    assertThat(catchers.get(i).path("Next").asText())
                            .isEqualTo(entry.getKey().replace("Wait for", "Check"));
                }
                JsonNode catcher = catchers.get(catchers.size() - 1);
                assertThat(catcher.path("ErrorEquals").get(0).asText())
                        .as(entry.getKey())
                        .isEqualTo("States.ALL");
                assertThat(catcher.path("ResultPath").asText()).isEqualTo("$.failure");
                assertThat(catcher.path("Next").asText()).isEqualTo("Record the failure");
            }
        });
    }

    @Test
    void theExecutionHasATimeoutAndFailsWithTheRecordedErrorAndCause() {
        assertThat(definition.path("TimeoutSeconds").asInt()).isBetween(3600, 86400);
        JsonNode fail = definition.path("States").path("Deployment failed");
        assertThat(fail.path("ErrorPath").asText()).isEqualTo("$.recorded.error");
        assertThat(fail.path("CausePath").asText()).isEqualTo("$.recorded.cause");
    }

    @Test
    void choiceStatesAreQuestions_andWaitsReadTheWatchersNextWait() {
        definition.path("States").fields().forEachRemaining(entry -> {
            String type = entry.getValue().path("Type").asText();
            if (type.equals("Choice")) {
                assertThat(entry.getKey()).endsWith("?");
            }
            if (type.equals("Wait")) {
                assertThat(entry.getValue().path("SecondsPath").asText()).endsWith(".nextWaitSeconds");
            }
        });
    }

    @Test
    void functionArnsComeFromDefinitionSubstitutions() {
        definition.path("States").fields().forEachRemaining(entry -> {
            if (entry.getValue().path("Type").asText().equals("Task")) {
                String resource = entry.getValue().path("Resource").asText();
                if (resource.equals(WAIT_FOR_TASK_TOKEN)) {
                    assertThat(entry.getValue()
                                    .path("Parameters")
                                    .path("FunctionName")
                                    .asText())
                            .matches("\\$\\{[A-Za-z]+FunctionArn}");
                } else {
                    assertThat(resource).matches("\\$\\{[A-Za-z]+FunctionArn}");
                }
            }
        });
    }

    /** Both stack waits wait on a task token that the stack's status-change event completes. */
    @Test
    void theStackWaitsWaitForATaskToken_andTimeOutIntoTheOrdinaryCheck() {
        for (String stack : List.of("base", "Kotta")) {
            JsonNode wait = definition.path("States").path("Wait for the " + stack + " stack");
            assertThat(wait.path("Resource").asText()).isEqualTo(WAIT_FOR_TASK_TOKEN);
            assertThat(wait.path("Parameters")
                            .path("Payload")
                            .path("taskToken.$")
                            .asText())
                    .isEqualTo("$$.Task.Token");
            assertThat(wait.path("TimeoutSeconds").asInt()).isBetween(30, 900);
            assertThat(wait.path("Catch").get(0).path("ResultPath").isNull()).isTrue();
            assertThat(wait.path("Catch").get(0).path("Next").asText()).isEqualTo("Check the " + stack + " stack");
            assertThat(definition
                            .path("States")
                            .path("Check the " + stack + " stack")
                            .path("Next")
                            .asText())
                    .isEqualTo("Is the " + stack + " stack done?");
        }
    }
}
