package org.kotta.deployer.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.PrintStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Structured JSON log lines with the deployment id as correlation id on every line. Small
 * on purpose: no logging framework to initialise at cold start.
 */
public final class Log {
    private final String deploymentId;
    private final String state;
    private final PrintStream out;

    private Log(String deploymentId, String state, PrintStream out) {
        this.deploymentId = deploymentId;
        this.state = state;
        this.out = out;
    }

    public static Log forDeployment(String deploymentId, String state) {
        return new Log(deploymentId, state, System.out);
    }

    public void info(String message) {
        write("INFO", message, Map.of());
    }

    public void info(String message, Map<String, ?> fields) {
        write("INFO", message, fields);
    }

    public void error(String message) {
        write("ERROR", message, Map.of());
    }

    private void write(String level, String message, Map<String, ?> fields) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("timestamp", Instant.now().toString());
        line.put("level", level);
        line.put("message", message);
        if (deploymentId != null) {
            line.put("correlation_id", deploymentId);
            line.put("deploymentId", deploymentId);
        }
        if (state != null) {
            line.put("state", state);
        }
        line.putAll(fields);
        try {
            out.println(Json.MAPPER.writeValueAsString(line));
        } catch (JsonProcessingException e) {
            out.println("{\"level\":\"ERROR\",\"message\":\"unloggable line\"}");
        }
    }
}
