package org.kotta.deployer.localcloud;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.UUID;
import org.kotta.deployer.core.AwsClients;
import org.kotta.deployer.core.Json;

/**
 * What an admin prepares before deploying — a certificate for the domain and the
 * Login-with-Amazon secret — created for real in the local cloud, and requests using them.
 */
final class Fixtures {
    /** The client secret's value: tests assert it never shows up anywhere. */
    static final String CLIENT_SECRET_VALUE = "lwa-secret-" + UUID.randomUUID();

    private static String certificateArn;
    private static String secretArn;

    private Fixtures() {}

    static synchronized String certificateArn(AwsClients aws) {
        if (certificateArn == null) {
            certificateArn = aws.acm()
                    .requestCertificate(b -> b.domainName("kotta.example.org").validationMethod("DNS"))
                    .certificateArn();
        }
        return certificateArn;
    }

    static synchronized String secretArn(AwsClients aws) {
        if (secretArn == null) {
            secretArn = aws.secretsManager()
                    .createSecret(
                            b -> b.name("kotta/lwa-client-secret-" + shortId()).secretString(CLIENT_SECRET_VALUE))
                    .arn();
        }
        return secretArn;
    }

    static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    /** A valid request for a fresh stack and bucket. */
    static ObjectNode validRequest(AwsClients aws, String suffix) {
        ObjectNode request = Json.MAPPER.createObjectNode();
        request.put("stackName", "kotta-it-" + suffix);
        request.put("region", "us-east-1");
        request.put("jobsBucketName", "kotta-it-jobs-" + suffix);
        request.put("domainName", "kotta.example.org");
        request.put("certificateArn", certificateArn(aws));
        request.put("oauthClientId", "amzn1.application-oa2-client.0123456789abcdef0123456789abcdef");
        request.put("oauthClientSecretArn", secretArn(aws));
        request.put("webServerInstanceType", "t3.small");
        request.put("taskExecutorInstanceType", "c5.large");
        request.put("prodMinWorkers", 0);
        request.put("prodMaxWorkers", 4);
        request.put("testMinWorkers", 0);
        request.put("testMaxWorkers", 1);
        request.put("spotPrice", "0.10");
        ArrayNode admins = request.putArray("adminUsers");
        admins.addObject().put("email", "pi@example.org").put("name", "Principal Investigator");
        admins.addObject().put("email", "admin@example.org");
        return request;
    }
}
