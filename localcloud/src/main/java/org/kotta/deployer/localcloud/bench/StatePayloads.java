package org.kotta.deployer.localcloud.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.kotta.deployer.core.Json;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/** The payloads an execution's Task states gave their functions, rebuilt from its history and the ASL. */
final class StatePayloads {
    private StatePayloads() {}

    /**
     * For each function the state machine invokes: its first Task state's payload, as Step
     * Functions built it. A {@code lambda:invoke.waitForTaskToken} task's payload is taken
     * without its token: replayed, it is the ordinary check the wait falls back to.
     */
    static void collect(JsonNode asl, List<HistoryEvent> history, String executionArn, Map<String, ObjectNode> events) {
        String startTime = history.isEmpty() ? null : history.get(0).timestamp().toString();
        for (HistoryEvent event : history) {
            if (event.stateEnteredEventDetails() == null) {
                continue;
            }
            String stateName = event.stateEnteredEventDetails().name();
            JsonNode state = asl.path("States").path(stateName);
            String resource = state.path("Resource").asText("");
            JsonNode parameters = state.path("Parameters");
            if (resource.contains(":states:::lambda:invoke")) {
                resource = parameters.path("FunctionName").asText("");
                parameters = parameters.path("Payload");
            }
            if (!"Task".equals(state.path("Type").asText()) || !resource.startsWith("${")) {
                continue;
            }
            String logicalId = resource.substring(2, resource.length() - 1).replaceFirst("Arn$", "");
            if (events.containsKey(logicalId)) {
                continue;
            }
            JsonNode input;
            try {
                input = Json.MAPPER.readTree(event.stateEnteredEventDetails().input());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            ObjectNode payload = Json.MAPPER.createObjectNode();
            Iterator<Map.Entry<String, JsonNode>> fields = parameters.fields();
            while (fields.hasNext()) {
                var field = fields.next();
                String key = field.getKey().replaceFirst("\\.\\$$", "");
                String path = field.getValue().asText();
                switch (path) {
                    case "$" -> payload.set(key, input);
                    case "$$.Execution.Id" -> payload.put(key, executionArn);
                    case "$$.State.Name" -> payload.put(key, stateName);
                    case "$$.Execution.StartTime" -> payload.put(key, startTime);
                    case "$$.Task.Token" -> {}
                    default -> payload.set(key, input.at("/" + path.substring(2).replace('.', '/')));
                }
            }
            events.put(logicalId, payload);
        }
    }

    /** The same kind of node; for objects, the same field names in the same order. */
    static boolean sameShape(JsonNode a, JsonNode b) {
        if (a.isObject() != b.isObject() || a.isArray() != b.isArray()) {
            return false;
        }
        if (a.isObject()) {
            List<String> ka = new ArrayList<>();
            a.fieldNames().forEachRemaining(ka::add);
            List<String> kb = new ArrayList<>();
            b.fieldNames().forEachRemaining(kb::add);
            return ka.equals(kb);
        }
        return true;
    }
}
