package org.kotta.deployer.localcloud;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.kotta.deployer.core.Json;

/**
 * {@code examples/deploy-request.json}, the request an admin starts from, made deployable in
 * the local cloud: this run's certificate and secret, and stack and bucket names of its own.
 */
public final class ExampleRequest {
    public static final String PATH = "examples/deploy-request.json";
    /** The OAuth client id a deployment signing in through the local identity provider uses. */
    public static final String LOCAL_CLIENT_ID = "kotta-local";

    private ExampleRequest() {}

    /** The example as it is in the repository. */
    public static ObjectNode read(Path root) {
        try {
            return (ObjectNode) Json.MAPPER.readTree(root.resolve(PATH).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + PATH, e);
        }
    }

    /**
     * Signs users in through the local identity provider instead of Login with Amazon: its
     * issuer as {@code oidcIssuer}, and a plain client id (with an issuer, the request takes any
     * plain id; the provider accepts any id and secret).
     */
    public static ObjectNode withIdentityProvider(ObjectNode request, String issuer) {
        request.put("oidcIssuer", issuer);
        request.put("oauthClientId", LOCAL_CLIENT_ID);
        return request;
    }

    public static ObjectNode load(
            Path root, String certificateArn, String secretArn, String stackName, String bucketName) {
        ObjectNode request = read(root);
        request.put("certificateArn", certificateArn);
        request.put("oauthClientSecretArn", secretArn);
        request.put("stackName", stackName);
        request.put("jobsBucketName", bucketName);
        return request;
    }
}
