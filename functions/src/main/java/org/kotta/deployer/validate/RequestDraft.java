package org.kotta.deployer.validate;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.kotta.deployer.core.AdminUser;
import org.kotta.deployer.core.DeploymentRequest;

/**
 * The values of a request as {@link RequestValidator} reads them, field by field (a field that
 * broke a rule may be left null); it makes them the {@link DeploymentRequest} once none did.
 */
final class RequestDraft {
    /** How the load balancer gets its certificate: exactly one of the two is set. */
    record Tls(String certificateArn, String hostedZoneId) {}

    record WorkerRange(int min, int max) {}

    /** The request's JSON field names: exactly the components of {@link DeploymentRequest}. */
    static final Set<String> FIELDS = Arrays.stream(DeploymentRequest.class.getRecordComponents())
            .map(c -> c.getName())
            .collect(Collectors.toUnmodifiableSet());

    String stackName;
    String region;
    String jobsBucketName;
    String domainName;
    Tls tls;
    String oidcIssuer;
    String oauthClientId;
    String oauthClientSecretArn;
    String webServerInstanceType;
    String taskExecutorInstanceType;
    WorkerRange prodWorkers;
    WorkerRange testWorkers;
    String spotPrice;
    String keyPairName;
    List<AdminUser> adminUsers;
    String codeSource;
    boolean refreshImage;

    DeploymentRequest toRequest() {
        return new DeploymentRequest(
                stackName,
                region,
                jobsBucketName,
                domainName,
                tls.certificateArn(),
                tls.hostedZoneId(),
                oauthClientId,
                oauthClientSecretArn,
                oidcIssuer,
                webServerInstanceType,
                taskExecutorInstanceType,
                prodWorkers.min(),
                prodWorkers.max(),
                testWorkers.min(),
                testWorkers.max(),
                spotPrice,
                keyPairName,
                adminUsers,
                codeSource,
                refreshImage);
    }
}
