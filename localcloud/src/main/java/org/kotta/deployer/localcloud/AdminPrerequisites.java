package org.kotta.deployer.localcloud;

import java.util.UUID;
import org.kotta.deployer.core.AwsClients;

/**
 * What an admin creates before the first deployment (docs/operations.md): a certificate for
 * the site's domain and the Login-with-Amazon client secret in Secrets Manager.
 *
 * @param certificateArn an ACM certificate for the domain (DNS validation)
 * @param secretArn      the client secret; its value never leaves Secrets Manager
 */
public record AdminPrerequisites(String certificateArn, String secretArn) {

    /** @param owner names the secret ({@code kotta/<owner>-lwa-client-secret-…}): demo, bench */
    public static AdminPrerequisites create(AwsClients aws, String domainName, String owner) {
        String certificateArn = aws.acm()
                .requestCertificate(b -> b.domainName(domainName).validationMethod("DNS"))
                .certificateArn();
        String secretArn = aws.secretsManager()
                .createSecret(b -> b.name("kotta/" + owner + "-lwa-client-secret-"
                                + UUID.randomUUID().toString().substring(0, 8))
                        .secretString(owner + "-secret-" + UUID.randomUUID()))
                .arn();
        return new AdminPrerequisites(certificateArn, secretArn);
    }
}
