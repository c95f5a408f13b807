package org.kotta.deployer.core;

import java.util.List;

/**
 * What an admin asks for: one Cloud Kotta, described by the values the seed's manual steps
 * needed. Built only by {@code org.kotta.deployer.validate.RequestValidator}, so every
 * instance has passed every rule. The Login-with-Amazon client secret is never here, only
 * the ARN of the Secrets Manager secret that holds it.
 *
 * @param stackName      name of the Kotta stack; the base stack is {@code <stackName>-base}
 * @param certificateArn ACM certificate for the domain, or null when {@code hostedZoneId} is set
 * @param hostedZoneId   Route 53 zone holding the domain (the stack makes the certificate), or null
 * @param keyPairName    optional EC2 key pair (SSM Session Manager works without one), or null
 * @param oidcIssuer     the OpenID Connect issuer users sign in with, or null for Login with Amazon
 * @param codeSource     {@code s3://bucket/key.tar.gz} of the web code, or null for the platform release
 * @param refreshImage   look up the latest Amazon Linux image for the instances now; false keeps the
 *                       image the Kotta stack runs (a stack being created always gets the latest)
 */
public record DeploymentRequest(
        String stackName,
        String region,
        String jobsBucketName,
        String domainName,
        String certificateArn,
        String hostedZoneId,
        String oauthClientId,
        String oauthClientSecretArn,
        String oidcIssuer,
        String webServerInstanceType,
        String taskExecutorInstanceType,
        int prodMinWorkers,
        int prodMaxWorkers,
        int testMinWorkers,
        int testMaxWorkers,
        String spotPrice,
        String keyPairName,
        List<AdminUser> adminUsers,
        String codeSource,
        boolean refreshImage) {

    public static final String BASE_STACK_SUFFIX = "-base";

    public String baseStackName() {
        return stackName + BASE_STACK_SUFFIX;
    }

    public DeploymentRequest withOauthClientSecretArn(String fullArn) {
        return with(fullArn, codeSource, refreshImage);
    }

    public DeploymentRequest withCodeSource(String newCodeSource) {
        return with(oauthClientSecretArn, newCodeSource, refreshImage);
    }

    /** The same request with {@code refreshImage} set as given (a redeploy never refreshes). */
    public DeploymentRequest withRefreshImage(boolean refresh) {
        return with(oauthClientSecretArn, codeSource, refresh);
    }

    /** A copy with the three fields the deployer ever changes (the rest is the admin's request). */
    private DeploymentRequest with(String secretArn, String newCodeSource, boolean refresh) {
        return new DeploymentRequest(
                stackName,
                region,
                jobsBucketName,
                domainName,
                certificateArn,
                hostedZoneId,
                oauthClientId,
                secretArn,
                oidcIssuer,
                webServerInstanceType,
                taskExecutorInstanceType,
                prodMinWorkers,
                prodMaxWorkers,
                testMinWorkers,
                testMaxWorkers,
                spotPrice,
                keyPairName,
                adminUsers,
                newCodeSource,
                refresh);
    }
}
