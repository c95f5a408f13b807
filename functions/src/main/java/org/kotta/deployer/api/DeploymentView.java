package org.kotta.deployer.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** A deployment record as the API shows it: as stored, plus each finished step's duration. */
public final class DeploymentView {
    private DeploymentView() {}

    public static ObjectNode of(ObjectNode record) {
        ObjectNode view = record.deepCopy();
        JsonNode steps = view.path("steps");
        if (steps.isObject()) {
            steps.fields().forEachRemaining(step -> {
                if (step.getValue() instanceof ObjectNode timing) {
                    seconds(
                                    timing.path("startedAt").asText(null),
                                    timing.path("finishedAt").asText(null))
                            .ifPresent(seconds -> timing.put("seconds", seconds));
                }
            });
        }
        return view;
    }

    static java.util.Optional<BigDecimal> seconds(String startedAt, String finishedAt) {
        if (startedAt == null || finishedAt == null) {
            return java.util.Optional.empty();
        }
        try {
            long millis = Duration.between(Instant.parse(startedAt), Instant.parse(finishedAt))
                    .toMillis();
            return millis < 0 ? java.util.Optional.empty() : java.util.Optional.of(BigDecimal.valueOf(millis, 3));
        } catch (DateTimeParseException unreadable) {
            return java.util.Optional.empty();
        }
    }
}
