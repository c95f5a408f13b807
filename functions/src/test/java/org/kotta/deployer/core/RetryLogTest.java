package org.kotta.deployer.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RetryLogTest {
    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsTheCodeOfAQueryProtocolError() {
        assertThat(AwsClients.RetryLog.errorCode(
                        null,
                        utf8("<ErrorResponse><Error><Type>Sender</Type>"
                                + "<Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>"),
                        400))
                .isEqualTo("Throttling");
    }

    @Test
    void readsTheTypeOfAJsonProtocolError_withoutItsNamespace() {
        assertThat(AwsClients.RetryLog.errorCode(
                        null,
                        utf8(
                                "{\"__type\":\"com.amazonaws.dynamodb.v20120810"
                                        + "#ThrottlingException\",\"message\":\"Rate of requests exceeds the allowed throughput.\"}"),
                        400))
                .isEqualTo("ThrottlingException");
    }

    @Test
    void prefersTheErrorTypeHeader() {
        assertThat(AwsClients.RetryLog.errorCode("ThrottlingException:http://internal.amazon.com/", utf8("{}"), 400))
                .isEqualTo("ThrottlingException");
    }

    @Test
    void fallsBackToTheStatus() {
        assertThat(AwsClients.RetryLog.errorCode(null, utf8("Service Unavailable"), 503))
                .isEqualTo("HTTP 503");
    }
}
