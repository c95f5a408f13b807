package org.kotta.deployer.localcloud;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.IntUnaryOperator;
import org.kotta.deployer.core.Json;

/**
 * The state machine definition as the local cloud runs it. MiniStack scales Wait states and retry
 * intervals by {@code SFN_WAIT_SCALE} but not a callback task's {@code TimeoutSeconds}; the tooling
 * scales the stack waits' timeouts by the same factor, so their fallback check comes as soon,
 * relative to everything else, as in AWS. Nothing else changes.
 */
final class LocalDefinition {
    private LocalDefinition() {}

    /** The Wait states' scale the local cloud runs with ({@code KOTTA_SFN_WAIT_SCALE}, as ./kotta passes it). */
    static double waitScale() {
        String scale = System.getenv("KOTTA_SFN_WAIT_SCALE");
        try {
            return scale == null || scale.isBlank() ? 0.2 : Double.parseDouble(scale);
        } catch (NumberFormatException e) {
            return 0.2;
        }
    }

    /** The definition with every callback task's TimeoutSeconds scaled (at least 1 s). */
    static String scaled(String definition, double scale) {
        return withWaitTimeouts(definition, seconds -> Math.max(1, (int) Math.round(seconds * scale)));
    }

    /** The definition with every callback task's TimeoutSeconds changed by {@code timeout}. */
    static String withWaitTimeouts(String definition, IntUnaryOperator timeout) {
        try {
            JsonNode root = Json.MAPPER.readTree(definition);
            root.path("States").forEach(state -> {
                if (state.path("Resource").asText().endsWith(".waitForTaskToken") && state.has("TimeoutSeconds")) {
                    ((ObjectNode) state)
                            .put(
                                    "TimeoutSeconds",
                                    timeout.applyAsInt(
                                            state.path("TimeoutSeconds").asInt()));
                }
            });
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the state machine definition is not JSON", e);
        }
    }
}
