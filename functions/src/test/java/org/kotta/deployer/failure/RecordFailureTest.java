package org.kotta.deployer.failure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.kotta.deployer.core.Json;

class RecordFailureTest {

    @Test
    void aLambdaErrorIsTakenAsItIs() throws Exception {
        JsonNode error = Json.MAPPER.readTree(
                "{\"errorType\":\"software.amazon.awssdk.core.exception.SdkClientException\",\"errorMessage\":\"Unable to execute\"}");
        assertThat(RecordFailure.innermostLambdaError(error).path("errorType").asText())
                .isEqualTo("software.amazon.awssdk.core.exception.SdkClientException");
    }

    @Test
    void aHandlerErrorWrappedByTheRuntimeIsUnwrapped() throws Exception {
        JsonNode error = Json.MAPPER.readTree("{\"errorType\":\"Runtime.HandlerError\",\"errorMessage\":"
                + "\"Proxy target returned HTTP 500: {\\\"errorType\\\":\\\"java.lang.IllegalStateException\\\","
                + "\\\"errorMessage\\\":\\\"table missing\\\"}\"}");
        JsonNode inner = RecordFailure.innermostLambdaError(error);
        assertThat(inner.path("errorType").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(inner.path("errorMessage").asText()).isEqualTo("table missing");
    }

    @Test
    void aMessageWithBracesButNoInnerErrorKeepsTheOuterOne() throws Exception {
        JsonNode error =
                Json.MAPPER.readTree("{\"errorType\":\"States.Timeout\",\"errorMessage\":\"took {too} long\"}");
        assertThat(RecordFailure.innermostLambdaError(error).path("errorType").asText())
                .isEqualTo("States.Timeout");
    }

    @Test
    void somethingThatIsNotALambdaErrorGivesNothing() {
        assertThat(RecordFailure.innermostLambdaError(null)).isNull();
        assertThat(RecordFailure.innermostLambdaError(Json.MAPPER.createObjectNode()))
                .isNull();
    }
}
