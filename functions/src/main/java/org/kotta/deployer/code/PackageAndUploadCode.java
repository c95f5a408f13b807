package org.kotta.deployer.code;

import java.util.Map;

import org.kotta.deployer.core.DeploymentRecords;
import org.kotta.deployer.core.DeploymentRequest;
import org.kotta.deployer.core.Failure;
import org.kotta.deployer.core.StepInput;
import org.kotta.deployer.core.Steps;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * "Package and upload the code": the checked, configured release goes to
 * {@code releases/<sha256>.tar.gz}. A tarball that fails the checks is an expected outcome,
 * returned as data; nothing is uploaded then.
 */
public final class PackageAndUploadCode {
    private final ReleasePackager packager;
    private final DeploymentRecords records;

    public PackageAndUploadCode(ReleasePackager packager, DeploymentRecords records) {
        this.packager = packager;
        this.records = records;
    }

    public Outcome run(StepInput input) {
        String deploymentId = input.deploymentId();
        DeploymentRequest request = input.validatedRequest();
        records.stepStarted(deploymentId, Steps.PACKAGE_AND_UPLOAD_CODE);
        JsonNode rollback = input.path("rollback");
        PackageResult result = rollback.hasNonNull("releaseKey")
                // a rollback deploys the last good release itself, never a repackaged one
                ? packager.reuseRelease(request, input.stackOutputs("baseStack"), rollback.path("releaseKey").asText(),
                        rollback.path("sha256").asText(), "rollback of " + rollback.path("of").asText())
                : packager.packageRelease(request, input.stackOutputs("baseStack"), deploymentId);
        records.stepFinished(deploymentId, Steps.PACKAGE_AND_UPLOAD_CODE, Map.of("release", result));
        Failure failure = result.accepted() ? null
                : new Failure(Failure.CODE_REJECTED, "code tarball " + result.source() + " refused: " + result.reason());
        return new Outcome(result.accepted(), result.releaseKey(), result.sha256(), result.sizeBytes(),
                result.source(), result.templateUrl(), result.reason(), failure);
    }

    /** The state's result ({@code $.release}). */
    public record Outcome(boolean ok, String releaseKey, String sha256, long sizeBytes, String source,
            String templateUrl, String reason, Failure failure) {
    }
}
