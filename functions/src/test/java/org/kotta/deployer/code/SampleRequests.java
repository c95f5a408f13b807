package org.kotta.deployer.code;

import java.util.List;
import java.util.Map;
import org.kotta.deployer.core.AdminUser;
import org.kotta.deployer.core.DeploymentRequest;

/** A valid request and base-stack outputs, as the earlier states would hand them over. */
final class SampleRequests {
    static final String SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:kotta/oauth-AbCdEf";

    private SampleRequests() {}

    static DeploymentRequest request(String jobsBucket, String codeSource) {
        return new DeploymentRequest(
                "kotta-demo",
                "us-east-1",
                jobsBucket,
                "kotta.example.org",
                "arn:aws:acm:us-east-1:123456789012:certificate/abc",
                null,
                "amzn1.application-oa2-client.0123456789abcdef",
                SECRET_ARN,
                null,
                "t3.small",
                "t3.medium",
                0,
                4,
                0,
                2,
                null,
                null,
                List.of(new AdminUser("admin@example.org", "Admin")),
                codeSource,
                false);
    }

    static Map<String, String> baseOutputs(String jobsBucket) {
        return Map.of(
                "JobsBucketName", jobsBucket,
                "JobsTableName", "kotta-demo-base-JobsTable-1A2B3C",
                "UsersTableName", "kotta-demo-base-UsersTable-4D5E6F");
    }
}
