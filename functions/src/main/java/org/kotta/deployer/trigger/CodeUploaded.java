package org.kotta.deployer.trigger;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.kotta.deployer.core.DeploymentRecord;
import org.kotta.deployer.core.DeploymentRecords;
import org.kotta.deployer.core.DeploymentRequest;
import org.kotta.deployer.core.Failure;
import org.kotta.deployer.core.Json;
import org.kotta.deployer.core.Log;
import org.kotta.deployer.start.DeploymentStarter;
import org.kotta.deployer.start.StartDecision;

/**
 * A tarball landed under {@code code/} of a JobsBucket: redeploy that Cloud Kotta with it.
 * The request is the bucket's latest successful deployment's, with the new code source;
 * the start goes through {@link DeploymentStarter} like the API's, so the same rules and
 * per-stack lock apply. A busy stack refuses the redeploy with a FAILED record telling the
 * admin to upload again (docs/local-cloud.md, "The redeploy trigger", says why it does not wait). An
 * upload it skips (not a code tarball, a bucket no successful deployment uses) gets the tag
 * {@code kotta-trigger = skipped: <reason>} ({@link CodeUploadedSkipTag}).
 */
public final class CodeUploaded {
    public static final String TRIGGER = "code-upload";
    static final String STATE = "codeUploaded";

    private final DeploymentStarter starter;
    private final DeploymentRecords records;
    private final CodeUploadedSkipTag skipTag;

    public CodeUploaded(DeploymentStarter starter, DeploymentRecords records, CodeUploadedSkipTag skipTag) {
        this.starter = starter;
        this.records = records;
        this.skipTag = skipTag;
    }

    public RedeployResult handle(CodeUploadedEvent event) {
        Optional<String> notCode = RedeployRules.notACodeTarball(event.key());
        if (notCode.isPresent()) {
            return ignore(event, notCode.get());
        }
        Optional<DeploymentRecord> latest = records.latestSucceededOfBucket(event.bucket());
        if (latest.isEmpty()) {
            return ignore(event, "unknown bucket: no successful deployment uses " + event.bucket());
        }
        String basedOn = latest.get().deploymentId();
        // a redeploy keeps the image the stack runs, whatever the request it copies asked for
        DeploymentRequest request =
                latest.get().storedRequest().withCodeSource(event.s3Uri()).withRefreshImage(false);
        String id = RedeployRules.deploymentId(event);
        Log log = Log.forDeployment(id, STATE);

        StartDecision decision = starter.start(id, Json.MAPPER.valueToTree(request), TRIGGER);
        return switch (decision.verdict()) {
            case STARTED -> {
                log.info(
                        "redeploy started", fields(event, "basedOn", basedOn, "executionArn", decision.executionArn()));
                yield new RedeployResult(RedeployResult.Decision.STARTED, null, id, decision.executionArn(), basedOn);
            }
            case ALREADY_STARTED -> repeated(event, log, id, decision.executionArn(), basedOn);
            case STACK_BUSY, INVALID -> {
                boolean busy = decision.verdict() == StartDecision.Verdict.STACK_BUSY;
                yield refuse(
                        event,
                        log,
                        request,
                        id,
                        basedOn,
                        busy ? Failure.STACK_BUSY : Failure.VALIDATION_FAILED,
                        busy
                                ? busyCause(request.stackName(), decision.runningDeployment(), event.s3Uri())
                                : "the request of deployment " + basedOn + " with code " + event.s3Uri()
                                        + " no longer passes the request rules: "
                                        + decision.errors().stream()
                                                .map(e -> e.field() + ": " + e.message())
                                                .collect(Collectors.joining("; "))
                                        + ". Deploy through the API with a corrected request.");
            }
        };
    }

    static String busyCause(String stackName, String runningDeployment, String codeSource) {
        return "stack " + stackName + " is being deployed by " + runningDeployment + ", and two deployments of"
                + " one stack never run at once, so " + codeSource + " was not deployed. Upload it again when "
                + runningDeployment + " has finished.";
    }

    private RedeployResult refuse(
            CodeUploadedEvent event,
            Log log,
            DeploymentRequest request,
            String id,
            String basedOn,
            String error,
            String cause) {
        if (!records.refused(id, request, TRIGGER, error, cause)) {
            // this upload's record exists: a repeated event, which must not overwrite it
            return repeated(event, log, id, null, basedOn);
        }
        log.info("redeploy refused", fields(event, "error", error, "cause", cause));
        return new RedeployResult(RedeployResult.Decision.REFUSED, error + ": " + cause, id, null, basedOn);
    }

    private static RedeployResult repeated(
            CodeUploadedEvent event, Log log, String id, String executionArn, String basedOn) {
        log.info("repeated event: this upload's redeploy exists, nothing new started", fields(event));
        return new RedeployResult(
                RedeployResult.Decision.ALREADY_STARTED,
                "repeated event: redeploy " + id + " exists already",
                id,
                executionArn,
                basedOn);
    }

    private RedeployResult ignore(CodeUploadedEvent event, String reason) {
        Log.forDeployment(null, STATE).info("event ignored", fields(event, "reason", reason));
        skipTag.write(event, reason);
        return RedeployResult.ignored(reason);
    }

    private static Map<String, Object> fields(CodeUploadedEvent event, String... more) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("bucket", event.bucket());
        fields.put("key", event.key());
        fields.put("etag", event.etag());
        fields.put("size", event.size());
        for (int i = 0; i + 1 < more.length; i += 2) {
            if (more[i + 1] != null) {
                fields.put(more[i], more[i + 1]);
            }
        }
        return fields;
    }
}
