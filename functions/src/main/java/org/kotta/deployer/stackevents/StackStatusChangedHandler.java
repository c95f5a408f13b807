package org.kotta.deployer.stackevents;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import org.kotta.deployer.core.Json;
import org.kotta.deployer.core.Settings;
import org.kotta.deployer.stacks.StackCompletion;

/**
 * Lambda entry point of the EventBridge rule on "CloudFormation Stack Status Change": completes
 * the wait of the deployment waiting on that stack, once the stack has settled.
 */
public final class StackStatusChangedHandler implements RequestStreamHandler {
    private final StackCompletion completion;

    public StackStatusChangedHandler() {
        this(Settings.fromEnvironment());
    }

    public StackStatusChangedHandler(Settings settings) {
        this.completion = StackCompletion.of(settings);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode detail = Json.MAPPER.readTree(input).path("detail");
        String stackId = text(detail.path("stack-id"));
        JsonNode status = detail.path("status-details");
        StackCompletion.Outcome outcome =
                completion.onStatusChange(stackId, text(status.path("status")), text(status.path("status-reason")));
        Json.MAPPER.writeValue(output, Map.of("stackId", String.valueOf(stackId), "outcome", outcome.name()));
    }

    private static String text(JsonNode node) {
        return node.isTextual() ? node.asText() : null;
    }
}
