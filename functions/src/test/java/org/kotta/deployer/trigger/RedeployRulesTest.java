package org.kotta.deployer.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kotta.deployer.core.Json;

class RedeployRulesTest {
    private static final CodeUploadedEvent UPLOAD =
            new CodeUploadedEvent("kotta-jobs", "code/v2.tar.gz", "0123abcd", 2048, "v-1", "00000001");

    @ParameterizedTest
    @ValueSource(strings = {"code/v2.tar.gz", "code/releases/2024-05/site.tar.gz", "code/a.tar.gz"})
    void acceptsTarballsUnderCode(String key) {
        assertThat(RedeployRules.notACodeTarball(key)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"code/readme.txt", "code/site.tgz", "code/site.tar.gz.bak", "code/site.TAR.GZ"})
    void ignoresOtherFilesUnderCode(String key) {
        assertThat(RedeployRules.notACodeTarball(key)).contains("the key does not end with .tar.gz");
    }

    @ParameterizedTest
    @ValueSource(strings = {"releases/abc.tar.gz", "v2.tar.gz", "Code/v2.tar.gz", "uploads/code/v2.tar.gz", ""})
    void ignoresTarballsOutsideCode(String key) {
        assertThat(RedeployRules.notACodeTarball(key)).contains("the key is not under code/");
    }

    @Test
    void ignoresNamelessTarball() {
        assertThat(RedeployRules.notACodeTarball("code/.tar.gz")).contains("the key has no name before .tar.gz");
        assertThat(RedeployRules.notACodeTarball(null)).isPresent();
    }

    @Test
    void deploymentId_isStableForOneEvent_andAValidExecutionName() {
        String id = RedeployRules.deploymentId(UPLOAD);
        assertThat(RedeployRules.deploymentId(
                        new CodeUploadedEvent("kotta-jobs", "code/v2.tar.gz", "0123abcd", 2048, "v-1", "00000001")))
                .isEqualTo(id);
        assertThat(id).matches("redeploy-[0-9a-f]{32}");
        // Step Functions execution names: at most 80 characters of [0-9A-Za-z_-]
        assertThat(id).hasSizeLessThanOrEqualTo(80).matches("[0-9A-Za-z_-]+");
    }

    @Test
    void deploymentId_differsForAnotherBucketKeyContentOrUpload() {
        String id = RedeployRules.deploymentId(UPLOAD);
        assertThat(RedeployRules.deploymentId(
                        new CodeUploadedEvent("other-jobs", "code/v2.tar.gz", "0123abcd", 2048, "v-1", "00000001")))
                .isNotEqualTo(id);
        assertThat(RedeployRules.deploymentId(
                        new CodeUploadedEvent("kotta-jobs", "code/v3.tar.gz", "0123abcd", 2048, "v-1", "00000001")))
                .isNotEqualTo(id);
        assertThat(RedeployRules.deploymentId(
                        new CodeUploadedEvent("kotta-jobs", "code/v2.tar.gz", "ffff0000", 2048, "v-1", "00000001")))
                .isNotEqualTo(id);
        // the same bytes uploaded again (after a refusal): a new version and sequencer, a new redeploy
        assertThat(RedeployRules.deploymentId(
                        new CodeUploadedEvent("kotta-jobs", "code/v2.tar.gz", "0123abcd", 2048, "v-2", "00000002")))
                .isNotEqualTo(id);
    }

    @Test
    void deploymentId_ignoresTheSize() {
        assertThat(RedeployRules.deploymentId(
                        new CodeUploadedEvent("kotta-jobs", "code/v2.tar.gz", "0123abcd", 1, "v-1", "00000001")))
                .isEqualTo(RedeployRules.deploymentId(UPLOAD));
    }

    @Test
    void readsS3EventBridgeEvent() throws Exception {
        String event = """
                {"version": "0", "id": "17793124-05d4-b198-2fde-7ededc63b103", "detail-type": "Object Created",
                 "source": "aws.s3", "account": "123456789012", "time": "2021-11-12T00:00:00Z",
                 "region": "us-east-1", "resources": ["arn:aws:s3:::kotta-jobs"],
                 "detail": {"version": "0", "bucket": {"name": "kotta-jobs"},
                   "object": {"key": "code/v2.tar.gz", "size": 2048, "etag": "0123abcd",
                              "version-id": "v-1", "sequencer": "00000001"},
                   "request-id": "N4N7GDK58NMKJ12R", "requester": "123456789012",
                   "source-ip-address": "1.2.3.4", "reason": "PutObject"}}
                """;
        CodeUploadedEvent parsed = CodeUploadedEvent.fromEventBridge(Json.MAPPER.readTree(event));
        assertThat(parsed).isEqualTo(UPLOAD);
        assertThat(parsed.s3Uri()).isEqualTo("s3://kotta-jobs/code/v2.tar.gz");
    }

    @Test
    void readsEventWithoutVersionOrSequencer() throws Exception {
        CodeUploadedEvent parsed = CodeUploadedEvent.fromEventBridge(
                Json.MAPPER.readTree(
                        "{\"detail\": {\"bucket\": {\"name\": \"b\"}, \"object\": {\"key\": \"code/x.tar.gz\", \"etag\": \"e\"}}}"));
        assertThat(parsed).isEqualTo(new CodeUploadedEvent("b", "code/x.tar.gz", "e", 0, "", ""));
    }

    @Test
    void busyCause_namesTheRunningDeployment_andTellsTheAdminToUploadAgain() {
        String cause = CodeUploaded.busyCause("kotta-lab", "dep-42", "s3://kotta-jobs/code/v2.tar.gz");
        assertThat(cause)
                .contains(
                        "kotta-lab",
                        "dep-42",
                        "s3://kotta-jobs/code/v2.tar.gz",
                        "Upload it again when dep-42 has finished");
    }
}
