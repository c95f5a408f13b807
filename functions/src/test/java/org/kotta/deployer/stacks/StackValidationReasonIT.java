package org.kotta.deployer.stacks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.kotta.deployer.core.AwsClients;
import org.kotta.deployer.core.Settings;
import org.kotta.deployer.core.StackPhase;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A stack refused by pre-deployment validation says only "Call DescribeEvents" in its stack
 * events; the watcher's reason must carry the validation's own words.
 */
class StackValidationReasonIT {
    private static final LocalStacks LOCAL = new LocalStacks();

    @AfterAll
    static void cleanUp() {
        LOCAL.close();
    }

    @Test
    void aBucketNameAlreadyTaken_isTheReason_notAPointerToDescribeEvents() {
        S3Client s3 = new AwsClients(
                        new Settings(Map.of(Settings.ENDPOINT_URL, LocalStacks.ENDPOINT, Settings.REGION, "us-east-1")))
                .s3();
        String bucket = "it-taken-" + UUID.randomUUID().toString().substring(0, 8);
        s3.createBucket(b -> b.bucket(bucket));
        String stack = LOCAL.stackName("taken");
        LOCAL.cfn.createStack(b -> b.stackName(stack).templateBody("""
                Resources:
                  Bucket:
                    Type: AWS::S3::Bucket
                    Properties:
                      BucketName: %s
                """.formatted(bucket)));

        StackReport report = LOCAL.waitUntilDone(stack, Duration.ofSeconds(30));

        assertThat(report.phase()).isEqualTo(StackPhase.FAILED);
        assertThat(report.reason()).contains(bucket).contains("already exists").doesNotContain("Call DescribeEvents");
    }
}
