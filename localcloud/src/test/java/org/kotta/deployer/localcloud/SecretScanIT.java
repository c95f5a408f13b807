package org.kotta.deployer.localcloud;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.Test;
import org.kotta.deployer.core.AwsClients;
import org.kotta.deployer.localcloud.SignedApiClient.Response;

import com.fasterxml.jackson.databind.node.ObjectNode;

import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * The Login-with-Amazon client secret's value must never leave Secrets Manager: after full
 * deployments (and a request that pastes the secret where its ARN belongs), it is searched
 * for in the function logs, every execution's history, every DeploymentsTable item and
 * every release uploaded — and found nowhere.
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
        assertThat(LocalCloud.awaitEnd(accepted.json().path("executionArn").asText(), Duration.ofMinutes(4)).status())
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

        int histories = 0;
        for (ExecutionListItem execution : aws.stepFunctions().listExecutionsPaginator(
                b -> b.stateMachineArn(orchestrator.output("StateMachineArn"))).executions()) {
            histories++;
            if (LocalCloud.history(execution.executionArn()).toString().contains(secret)) {
                places.add("history of " + execution.name());
            }
        }

        int items = 0;
        for (var item : aws.dynamoDb().scanPaginator(b -> b.tableName(orchestrator.output("DeploymentsTableName"))).items()) {
            items++;
            if (item.toString().contains(secret)) {
                places.add("record " + item.get("deploymentId"));
            }
        }

        int releases = 0;
        for (var bucket : aws.s3().listBuckets().buckets()) {
            for (var object : aws.s3().listObjectsV2Paginator(b -> b.bucket(bucket.name()).prefix("releases/")).contents()) {
                releases++;
                byte[] release = aws.s3().getObjectAsBytes(b -> b.bucket(bucket.name()).key(object.key())).asByteArray();
                if (tarContains(release, secret)) {
                    places.add("s3://" + bucket.name() + "/" + object.key());
                }
            }
        }

        assertThat(histories).isPositive();
        assertThat(items).isPositive();
        assertThat(releases).isPositive();
        assertThat(places).as("places holding the client secret's value").isEmpty();
    }

    private static boolean tarContains(byte[] gzipTar, String text) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(
                new GzipCompressorInputStream(new ByteArrayInputStream(gzipTar)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                if (entry.isFile() && new String(tar.readAllBytes(), StandardCharsets.UTF_8).contains(text)) {
                    return true;
                }
            }
        }
        return false;
    }
}
