package org.kotta.deployer.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PrimingTest {

    @Test
    void eachBuiltClient_getsOnePrimingCall_andAFailedCallIsReportedNotThrown() {
        // nothing listens on port 9 (and there may be no credentials): every call fails, as a refused one would
        AwsClients aws = new AwsClients(
                new Settings(Map.of(Settings.ENDPOINT_URL, "http://127.0.0.1:9", Settings.REGION, "us-east-1")));
        aws.dynamoDb();
        aws.stepFunctions();

        Map<String, String> outcomes = Priming.primeNow();

        assertThat(outcomes).containsKeys("DynamoDbClient", "SfnClient");
        assertThat(outcomes.get("DynamoDbClient")).startsWith("refused or failed: ");
    }
}
