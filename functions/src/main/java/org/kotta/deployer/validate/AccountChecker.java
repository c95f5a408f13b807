package org.kotta.deployer.validate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.kotta.deployer.core.AwsClients;
import org.kotta.deployer.core.DeploymentRequest;
import org.kotta.deployer.core.FieldError;
import org.kotta.deployer.core.S3Location;
import org.kotta.deployer.core.StackErrors;
import software.amazon.awssdk.services.acm.AcmClient;
import software.amazon.awssdk.services.acm.model.CertificateDetail;
import software.amazon.awssdk.services.acm.model.CertificateStatus;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.cloudformation.model.StackResourceDetail;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.HostedZone;
import software.amazon.awssdk.services.route53.model.NoSuchHostedZoneException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;

/**
 * The request's checks against the account, after {@link RequestValidator} has passed it: the
 * jobs bucket is free or already this deployment's, and the certificate, hosted zone, secret
 * and code object it names exist. An expected "no" is a {@link FieldError}; anything else
 * (network, throttling after the SDK's retries, missing permissions on our own calls) is thrown.
 *
 * <p>The clients must be for the request's region. The secret is only described, never read.
 */
public final class AccountChecker {
    /** The base stack's logical id of the jobs bucket (infrastructure/kotta-base.yaml). */
    public static final String JOBS_BUCKET_LOGICAL_ID = "JobsBucket";

    private static final int NOT_FOUND = 404;
    private static final int FORBIDDEN = 403;
    /** HeadBucket's answer for a bucket that exists in another region than the client's. */
    private static final int MOVED_PERMANENTLY = 301;

    private final CloudFormationClient cloudFormation;
    private final S3Client s3;
    private final AcmClient acm;
    private final SecretsManagerClient secretsManager;
    private final Route53Client route53;

    public AccountChecker(
            CloudFormationClient cloudFormation,
            S3Client s3,
            AcmClient acm,
            SecretsManagerClient secretsManager,
            Route53Client route53) {
        this.cloudFormation = cloudFormation;
        this.s3 = s3;
        this.acm = acm;
        this.secretsManager = secretsManager;
        this.route53 = route53;
    }

    /** What a handler's no-argument constructor calls, once, at cold start. */
    public static AccountChecker from(AwsClients clients) {
        return new AccountChecker(
                clients.cloudFormation(), clients.s3(), clients.acm(), clients.secretsManager(), clients.route53());
    }

    /**
     * The account's answers, and the request to deploy: the same one, except that the secret is
     * named by its full ARN as Secrets Manager reports it. A partial ARN (without the six-character
     * suffix) finds the secret, but an IAM policy naming it never matches the secret's real ARN.
     */
    public record Checked(List<FieldError> errors, DeploymentRequest request) {}

    public List<FieldError> check(DeploymentRequest request) {
        return checkAndResolve(request).errors();
    }

    public Checked checkAndResolve(DeploymentRequest request) {
        List<FieldError> errors = new ArrayList<>();
        checkJobsBucket(request, errors);
        if (request.certificateArn() != null) {
            checkCertificate(request.certificateArn(), errors);
        }
        if (request.hostedZoneId() != null) {
            checkHostedZone(request.hostedZoneId(), request.domainName(), errors);
        }
        String fullSecretArn = checkSecret(request.oauthClientSecretArn(), errors);
        if (request.codeSource() != null) {
            checkCodeObject(request.codeSource(), errors);
        }
        DeploymentRequest resolved = fullSecretArn == null ? request : request.withOauthClientSecretArn(fullSecretArn);
        return new Checked(List.copyOf(errors), resolved);
    }

    private void checkJobsBucket(DeploymentRequest request, List<FieldError> errors) {
        String bucket = request.jobsBucketName();
        try {
            s3.headBucket(b -> b.bucket(bucket));
        } catch (S3Exception e) {
            if (e.statusCode() == NOT_FOUND) {
                return; // free: the base stack will create it
            }
            if (e.statusCode() == FORBIDDEN) {
                errors.add(new FieldError(
                        "jobsBucketName",
                        "bucket " + bucket + " belongs to another AWS account"
                                + " (bucket names are global); choose another name"));
                return;
            }
            if (e.statusCode() != MOVED_PERMANENTLY) {
                throw e;
            }
            // exists, in another region: ours only if our base stack says so
        }
        String problem = bucketOwnership(request.baseStackName(), bucket);
        if (problem != null) {
            errors.add(new FieldError("jobsBucketName", problem));
        }
    }

    /**
     * Null when the base stack exists and holds this bucket as its JobsBucket (a redeploy);
     * otherwise why the bucket, which exists in this account, cannot be the deployment's.
     */
    private String bucketOwnership(String baseStackName, String bucket) {
        StackResourceDetail resource;
        try {
            resource = cloudFormation
                    .describeStackResource(r -> r.stackName(baseStackName).logicalResourceId(JOBS_BUCKET_LOGICAL_ID))
                    .stackResourceDetail();
        } catch (CloudFormationException e) {
            // CloudFormation answers a missing stack or resource with a 400 ValidationError
            if (StackErrors.isValidationError(e)) {
                return heldProblem(baseStackName, bucket, null, null);
            }
            throw e;
        }
        return heldProblem(baseStackName, bucket, resource.physicalResourceId(), resource.resourceStatusAsString());
    }

    /**
     * Why an existing bucket of this account cannot be the deployment's JobsBucket, given what the
     * base stack says of its JobsBucket resource (physical id and status, or nulls when the stack or
     * resource does not exist); null when the stack holds it (a redeploy).
     */
    static String heldProblem(String baseStackName, String bucket, String physicalId, String status) {
        String remedy = "; delete the bucket if nothing in it is needed (the deployer never deletes data),"
                + " or choose another name";
        if (physicalId == null) {
            return "bucket " + bucket + " already exists in this account but stack " + baseStackName
                    + " does not hold it (a bucket made by hand, of another stack, or left behind by a"
                    + " deleted stack: the JobsBucket outlives its stack)" + remedy;
        }
        if (!bucket.equals(physicalId)) {
            return "bucket " + bucket + " already exists in this account and is not the JobsBucket of stack "
                    + baseStackName + " (that is " + physicalId + ")" + remedy;
        }
        if (status != null && status.startsWith("DELETE_")) {
            return "bucket " + bucket + " was left behind by stack " + baseStackName + " (its JobsBucket is "
                    + status + ": the stack no longer holds it, so creating the stack again would fail on"
                    + " \"already exists\")" + remedy;
        }
        return null;
    }

    private void checkCertificate(String arn, List<FieldError> errors) {
        CertificateDetail certificate;
        try {
            certificate = acm.describeCertificate(r -> r.certificateArn(arn)).certificate();
        } catch (software.amazon.awssdk.services.acm.model.ResourceNotFoundException e) {
            errors.add(new FieldError(
                    "certificateArn", "no ACM certificate with this ARN exists in this account" + " and region"));
            return;
        }
        String problem = certificateStatusProblem(certificate.status(), certificate.statusAsString());
        if (problem != null) {
            errors.add(new FieldError("certificateArn", problem));
        }
    }

    /** Null for an ISSUED certificate, the only kind an HTTPS listener accepts; else what to do. */
    static String certificateStatusProblem(CertificateStatus status, String statusText) {
        if (status == CertificateStatus.ISSUED) {
            return null;
        }
        if (status == CertificateStatus.PENDING_VALIDATION) {
            return "the certificate's status is PENDING_VALIDATION, and the load balancer's HTTPS listener needs"
                    + " an ISSUED one: add the DNS record ACM shows for it (aws acm describe-certificate"
                    + " --query Certificate.DomainValidationOptions) and deploy again once it is ISSUED, or give"
                    + " hostedZoneId instead of certificateArn to let the stack create and validate one";
        }
        return "the certificate's status is " + statusText + "; it must be ISSUED"
                + " (request a new certificate for the domain)";
    }

    private void checkHostedZone(String zoneId, String domainName, List<FieldError> errors) {
        HostedZone zone;
        try {
            zone = route53.getHostedZone(r -> r.id(zoneId)).hostedZone();
        } catch (NoSuchHostedZoneException e) {
            errors.add(new FieldError("hostedZoneId", "no Route 53 hosted zone " + zoneId + " exists in this account"));
            return;
        }
        String zoneName = withoutTrailingDot(zone.name()).toLowerCase(Locale.ROOT);
        if (!coversDomain(zoneName, domainName)) {
            errors.add(new FieldError(
                    "hostedZoneId",
                    "hosted zone " + zoneId + " is for " + zoneName
                            + ", which does not contain domainName " + domainName
                            + " (the domain must be the zone's name or a subdomain of it)"));
        }
    }

    static boolean coversDomain(String zoneName, String domainName) {
        String domain = withoutTrailingDot(domainName).toLowerCase(Locale.ROOT);
        return domain.equals(zoneName) || domain.endsWith("." + zoneName);
    }

    private static String withoutTrailingDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    /** The secret's full ARN, or null when it cannot be used (then an error says why). */
    private String checkSecret(String arn, List<FieldError> errors) {
        DescribeSecretResponse secret;
        try {
            // DescribeSecret only: the deployer never reads the secret's value
            secret = secretsManager.describeSecret(r -> r.secretId(arn));
        } catch (software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException e) {
            errors.add(
                    new FieldError(
                            "oauthClientSecretArn",
                            "no Secrets Manager secret with this ARN exists in"
                                    + " this account and region; create it with the Login-with-Amazon client secret as its value"));
            return null;
        }
        if (secret.deletedDate() != null) {
            errors.add(new FieldError(
                    "oauthClientSecretArn",
                    "the secret is scheduled for deletion; restore it" + " or create a new one"));
            return null;
        }
        return secret.arn() == null || secret.arn().isBlank() ? arn : secret.arn();
    }

    private void checkCodeObject(String codeSource, List<FieldError> errors) {
        S3Location location = S3Location.parse(codeSource)
                .orElseThrow(() -> new IllegalArgumentException("codeSource was not validated"));
        try {
            s3.headObject(r -> r.bucket(location.bucket()).key(location.key()));
        } catch (S3Exception e) {
            if (e.statusCode() == NOT_FOUND) {
                errors.add(new FieldError(
                        "codeSource",
                        "no object at " + shortened(location.toString())
                                + "; upload the web code archive there first, or leave codeSource out"));
            } else if (e.statusCode() == FORBIDDEN) {
                errors.add(new FieldError(
                        "codeSource",
                        "the object at " + shortened(location.toString())
                                + " cannot be read by the deployer (access denied)"));
            } else {
                throw e;
            }
        }
    }

    private static String shortened(String value) {
        return value.length() <= 128 ? value : value.substring(0, 125) + "...";
    }
}
