package org.kotta.deployer.localcloud;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.Test;
import org.kotta.deployer.core.AwsClients;
import org.kotta.deployer.localcloud.SignedApiClient.Response;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * The Login-with-Amazon client secret's value must never leave Secrets Manager: after full
 * deployments (and a request that pastes the secret where its ARN belongs), it is searched
 * for in the function logs, every execution's history, input and output, every
 * DeploymentsTable item and every release uploaded — and found nowhere. Each place is read for
 * its real values, and shown to hold what it should (the client id, the secret's ARN).
 */
class SecretScanIT {

    @Test
    void theClientSecretsValueIsNowhere() throws Exception {
        LocalOrchestrator orchestrator = LocalCloud.orchestrator();
        AwsClients aws = orchestrator.aws();
        SignedApi api = SignedApi.forLocalCloud(orchestrator);
        String secret = Fixtures.CLIENT_SECRET_VALUE;

        ObjectNode request = Fixtures.validRequest(aws, Fixtures.shortId());
        Response accepted = api.postJson("/deployments", request.toString(), Map.of());
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        assertThat(LocalCloud.awaitEnd(accepted.json().path("executionArn").asText(), Duration.ofMinutes(4))
                        .status())
                .isEqualTo(ExecutionStatus.SUCCEEDED);

        ObjectNode pasted = Fixtures.validRequest(aws, Fixtures.shortId());
        pasted.put("oauthClientSecretArn", secret);
        Response refused = api.postJson("/deployments", pasted.toString(), Map.of());
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).doesNotContain(secret);

        List<String> places = new ArrayList<>();
        System.out.flush();
        String logs = Files.readString(LocalCloud.FUNCTION_LOG);
        assertThat(logs).as("the function logs were captured").contains("\"state\"");
        if (logs.contains(secret)) {
            places.add("function logs");
        }

        // the SDK's toString redacts sensitive fields (input, output, error, cause): read the real values
        String clientId = request.path("oauthClientId").asText();
        String ours = accepted.json().path("deploymentId").asText();
        int histories = 0;
        int historiesWithTheirDeploymentId = 0;
        int inputsWithTheirDeploymentId = 0;
        boolean ourHistoryShowsTheClientId = false;
        boolean ourInputShowsTheClientId = false;
        for (ExecutionListItem execution : aws.stepFunctions()
                .listExecutionsPaginator(b -> b.stateMachineArn(orchestrator.output("StateMachineArn")))
                .executions()) {
            histories++;
            String history = text(LocalCloud.history(execution.executionArn()));
            if (history.contains(secret)) {
                places.add("history of " + execution.name());
            }
            // every execution is named after its deployment, whose id its input carries
            historiesWithTheirDeploymentId += history.contains("\"deploymentId\":\"" + execution.name()) ? 1 : 0;
            String described =
                    text(aws.stepFunctions().describeExecution(b -> b.executionArn(execution.executionArn())));
            if (described.contains(secret)) {
                places.add("input or output of " + execution.name());
            }
            inputsWithTheirDeploymentId += described.contains("\"deploymentId\":\"" + execution.name()) ? 1 : 0;
            if (execution.name().equals(ours)) {
                ourHistoryShowsTheClientId = history.contains(clientId);
                ourInputShowsTheClientId = described.contains(clientId);
            }
        }

        String secretArn = Fixtures.secretArn(aws);
        int items = 0;
        int itemsWithTheSecretArn = 0;
        for (var item : aws.dynamoDb()
                .scanPaginator(b -> b.tableName(orchestrator.output("DeploymentsTableName")))
                .items()) {
            items++;
            String values = text(item);
            if (values.contains(secret)) {
                places.add("record " + item.get("deploymentId"));
            }
            itemsWithTheSecretArn += values.contains(secretArn) ? 1 : 0;
        }

        int releases = 0;
        int confsWithTheSecretArn = 0;
        for (var bucket : aws.s3().listBuckets().buckets()) {
            for (var object : aws.s3()
                    .listObjectsV2Paginator(b -> b.bucket(bucket.name()).prefix("releases/"))
                    .contents()) {
                byte[] release = aws.s3()
                        .getObjectAsBytes(b -> b.bucket(bucket.name()).key(object.key()))
                        .asByteArray();
                if (!object.key().endsWith(".tar.gz")) {
                    // the packager's recipes (releases/recipes/*.json): which release a code and wiring made
                    if (new String(release, StandardCharsets.UTF_8).contains(secret)) {
                        places.add("s3://" + bucket.name() + "/" + object.key());
                    }
                    continue;
                }
                releases++;
                Map<String, String> files = tarFiles(release);
                if (files.values().stream().anyMatch(content -> content.contains(secret))) {
                    places.add("s3://" + bucket.name() + "/" + object.key());
                }
                confsWithTheSecretArn +=
                        files.getOrDefault("kotta-deployment.conf", "").contains(secretArn) ? 1 : 0;
            }
        }

        assertThat(histories).isPositive();
        assertThat(items).isPositive();
        assertThat(releases).isPositive();
        // the scanners see real content: what every execution's input holds is found in every history
        assertThat(historiesWithTheirDeploymentId)
                .as("histories showing their deployment id")
                .isEqualTo(histories);
        assertThat(inputsWithTheirDeploymentId)
                .as("execution inputs showing their deployment id")
                .isEqualTo(histories);
        assertThat(ourHistoryShowsTheClientId)
                .as("this test's history shows the request's oauthClientId")
                .isTrue();
        assertThat(ourInputShowsTheClientId)
                .as("this test's execution input shows the oauthClientId")
                .isTrue();
        assertThat(itemsWithTheSecretArn)
                .as("DeploymentsTable items showing the secret's ARN")
                .isPositive();
        assertThat(confsWithTheSecretArn)
                .as("releases whose kotta-deployment.conf names the secret's ARN")
                .isPositive();
        assertThat(places).as("places holding the client secret's value").isEmpty();
    }

    /**
     * Every value in {@code value}, read through the getters the SDK's model declares
     * ({@code SdkPojo.sdkFields()}) rather than its toString, which redacts sensitive fields.
     */
    static String text(Object value) {
        StringBuilder out = new StringBuilder();
        collect(value, out);
        return out.toString();
    }

    private static void collect(Object value, StringBuilder out) {
        if (value == null) {
            return;
        }
        if (value instanceof SdkPojo pojo) {
            for (SdkField<?> field : pojo.sdkFields()) {
                collect(field.getValueOrDefault(pojo), out);
            }
        } else if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                collect(k, out);
                collect(v, out);
            });
        } else if (value instanceof Collection<?> values) {
            values.forEach(v -> collect(v, out));
        } else if (value instanceof SdkBytes bytes) {
            out.append(bytes.asUtf8String()).append('\n');
        } else {
            out.append(value).append('\n');
        }
    }

    /** Name → content of every regular file in a gzip tar. */
    private static Map<String, String> tarFiles(byte[] gzipTar) throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        try (TarArchiveInputStream tar =
                new TarArchiveInputStream(new GzipCompressorInputStream(new ByteArrayInputStream(gzipTar)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                if (entry.isFile()) {
                    files.put(entry.getName(), new String(tar.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        }
        return files;
    }
}
