package org.kotta.deployer.localcloud;

import com.amazonaws.services.lambda.runtime.Context;
import java.nio.charset.StandardCharsets;

/**
 * The little of the Lambda context the handlers use, for the local function host and the
 * bench's cold-start probe (which run the real handlers outside Lambda).
 */
public record LocalLambdaContext(String functionName, String requestId) implements Context {
    @Override
    public String getAwsRequestId() {
        return requestId == null ? "local" : requestId;
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/" + functionName;
    }

    @Override
    public String getLogStreamName() {
        return "local";
    }

    @Override
    public String getFunctionName() {
        return functionName;
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return functionName;
    }

    @Override
    public com.amazonaws.services.lambda.runtime.CognitoIdentity getIdentity() {
        return null;
    }

    @Override
    public com.amazonaws.services.lambda.runtime.ClientContext getClientContext() {
        return null;
    }

    @Override
    public int getRemainingTimeInMillis() {
        return 120_000;
    }

    @Override
    public int getMemoryLimitInMB() {
        return 1024;
    }

    @Override
    public com.amazonaws.services.lambda.runtime.LambdaLogger getLogger() {
        return new com.amazonaws.services.lambda.runtime.LambdaLogger() {
            @Override
            public void log(String message) {
                System.out.println(message);
            }

            @Override
            public void log(byte[] message) {
                System.out.println(new String(message, StandardCharsets.UTF_8));
            }
        };
    }
}
