package org.kotta.deployer.core;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonMappingException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Base of the state handlers: reads the {@link StepInput}, runs the step, writes its result
 * as JSON. Streams and one ObjectMapper instead of the runtime's reflective serializer keep
 * cold starts short and the JSON shape ours.
 */
public abstract class StepHandler implements RequestStreamHandler {

    @Override
    public final void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        StepInput step;
        try {
            step = Json.MAPPER.readValue(input, StepInput.class);
        } catch (IOException e) {
            // a state document the typed state cannot read: say where (not what: values stay out of logs)
            Log.forDeployment(null, null)
                    .error("unreadable state document: " + e.getClass().getSimpleName()
                            + (e instanceof JsonMappingException mapping ? " at " + mapping.getPathReference() : ""));
            throw e;
        }
        String deploymentId = step.state() == null ? null : step.state().deploymentId();
        Log log = Log.forDeployment(deploymentId, step.stateName());
        log.info("state started");
        try {
            Object result = handle(step);
            Json.MAPPER.writeValue(output, result);
            log.info("state finished");
        } catch (RuntimeException e) {
            log.error("state failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            throw e;
        }
    }

    protected abstract Object handle(StepInput input);
}
