package org.kotta.deployer.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.UUID;
import org.kotta.deployer.core.Json;
import org.kotta.deployer.core.Log;

/**
 * What every API handler shares: proxy event in, proxy response out; a request for a
 * route the handler does not serve answered 404/405; expected refusals as their problem;
 * anything unexpected as a 500 problem naming the request id (the details go to the log,
 * never to the caller).
 */
public abstract class ApiHandler implements RequestStreamHandler {

    /** True when this handler serves the event's route (its template resource and method). */
    protected abstract boolean serves(String method, String resource);

    protected abstract ApiResponse handle(ApiRequest request);

    @Override
    public final void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode event = Json.MAPPER.readTree(input);
        ApiResponse response = respond(event, context == null ? null : context.getAwsRequestId());
        Json.MAPPER.writeValue(output, response.toProxyResponse());
    }

    ApiResponse respond(JsonNode event, String lambdaRequestId) {
        String requestId = event.path("requestContext")
                .path("requestId")
                .asText(lambdaRequestId == null ? UUID.randomUUID().toString() : lambdaRequestId);
        try {
            ApiRequest request = ApiRequest.from(event);
            if (!serves(request.method(), request.resource())) {
                return Routes.unrouted(request);
            }
            return handle(request);
        } catch (ApiException refused) {
            return refused.response();
        } catch (RuntimeException unexpected) {
            Log.forDeployment(null, "api").error("unexpected error, requestId " + requestId + ": " + trace(unexpected));
            return Problem.with(
                    Problem.of(
                            ProblemType.INTERNAL,
                            "the request could not be completed; quote requestId " + requestId
                                    + " when reporting this"),
                    "requestId",
                    requestId);
        }
    }

    private static String trace(Throwable e) {
        StringWriter text = new StringWriter();
        e.printStackTrace(new PrintWriter(text));
        return text.toString();
    }
}
