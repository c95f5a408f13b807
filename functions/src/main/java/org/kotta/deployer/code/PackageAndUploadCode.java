package org.kotta.deployer.code;

import java.util.Map;
import org.kotta.deployer.core.DeploymentRecords;
import org.kotta.deployer.core.DeploymentRequest;
import org.kotta.deployer.core.DeploymentState;
import org.kotta.deployer.core.Failure;
import org.kotta.deployer.core.Release;
import org.kotta.deployer.core.RollbackTarget;
import org.kotta.deployer.core.StackKind;
import org.kotta.deployer.core.StepInput;
import org.kotta.deployer.core.Steps;

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

    public Release run(StepInput input) {
        String deploymentId = input.deploymentId();
        DeploymentRequest request = input.validatedRequest();
        records.stepStarted(deploymentId, Steps.PACKAGE_AND_UPLOAD_CODE);
        RollbackTarget rollback = input.state().rollback();
        Map<String, String> baseOutputs = input.state().outputsOf(StackKind.BASE);
        PackageResult result = rollback != null
                // a rollback deploys the last good release itself, never a repackaged one
                ? packager.reuseRelease(
                        request, baseOutputs, rollback.releaseKey(), rollback.sha256(), "rollback of " + rollback.of())
                : packager.packageRelease(request, baseOutputs, deploymentId);
        records.stepFinished(deploymentId, Steps.PACKAGE_AND_UPLOAD_CODE, Map.of(DeploymentState.RELEASE, result));
        Failure failure = result.accepted()
                ? null
                : new Failure(
                        Failure.CODE_REJECTED, "code tarball " + result.source() + " refused: " + result.reason());
        return new Release(
                result.accepted(),
                result.releaseKey(),
                result.sha256(),
                result.sizeBytes(),
                result.source(),
                result.templateUrl(),
                result.reason(),
                failure);
    }
}
