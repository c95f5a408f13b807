package org.kotta.deployer.stacks;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.kotta.deployer.core.DeploymentRecords;
import org.kotta.deployer.core.DeploymentRequest;
import org.kotta.deployer.core.DeploymentState;
import org.kotta.deployer.core.Failure;
import org.kotta.deployer.core.StackAction;
import org.kotta.deployer.core.StackKind;
import org.kotta.deployer.core.StackPhase;
import org.kotta.deployer.core.StackProgress;
import org.kotta.deployer.core.StepInput;
import org.kotta.deployer.core.Templates;
import org.kotta.deployer.core.WaitSchedule;
import software.amazon.awssdk.services.cloudformation.model.StackStatus;

/**
 * The stack states: create or update the base stack, create or update the Kotta stack,
 * and check a stack's progress. Creation goes through change sets ({@link StackDeployer});
 * waiting is the state machine's job, so each call here is short.
 */
public final class StackSteps {
    public static final String BASE_TEMPLATE = "kotta-base.yaml";
    public static final String KOTTA_TEMPLATE = "kotta.yaml";

    private final StackDeployer deployer;
    private final StackWatcher watcher;
    private final WaitSchedule schedule;
    private final DeploymentRecords records;
    private final Templates templates;
    private final String serviceRoleArn;
    private final KottaImages images;

    public StackSteps(
            StackDeployer deployer,
            StackWatcher watcher,
            WaitSchedule schedule,
            DeploymentRecords records,
            Templates templates,
            String serviceRoleArn,
            KottaImages images) {
        this.deployer = deployer;
        this.watcher = watcher;
        this.schedule = schedule;
        this.records = records;
        this.templates = templates;
        this.serviceRoleArn = serviceRoleArn;
        this.images = images;
    }

    public StackProgress createBaseStack(StepInput input) {
        String deploymentId = input.deploymentId();
        DeploymentRequest request = input.validatedRequest();
        records.stepStarted(deploymentId, StackKind.BASE.step());
        StackSpec spec = new StackSpec(
                request.baseStackName(),
                new String(templates.read(BASE_TEMPLATE), StandardCharsets.UTF_8),
                null,
                baseParameters(request),
                tags(request),
                deploymentId + "-base",
                serviceRoleArn);
        return launched(deploymentId, StackKind.BASE, deployer.deploy(spec), Map.of());
    }

    public StackProgress createKottaStack(StepInput input) {
        String deploymentId = input.deploymentId();
        DeploymentRequest request = input.validatedRequest();
        records.stepStarted(deploymentId, StackKind.KOTTA.step());
        DeploymentState state = input.state();
        // a rollback goes back to the image of the release it deploys again: a new image may be what failed
        ImageChoice image = state.rollback() != null && state.rollback().imageId() != null
                ? new ImageChoice(
                        state.rollback().imageId(),
                        ImageChoice.Source.KEPT,
                        null,
                        "the image of " + state.rollback().basedOn() + ", the deployment this rollback goes back to")
                : images.choose(request.stackName(), request.refreshImage());
        if (state.release() == null) {
            throw new IllegalStateException("the state has no release");
        }
        Map<String, String> parameters = kottaParameters(
                request, state.outputsOf(StackKind.BASE), state.release().releaseKey(), image.imageId());
        String templateUrl = state.release().templateUrl();
        StackSpec spec = new StackSpec(
                request.stackName(),
                null,
                templateUrl,
                parameters,
                tags(request),
                deploymentId + "-kotta",
                serviceRoleArn);
        return launched(deploymentId, StackKind.KOTTA, deployer.deploy(spec), Map.of("image", image));
    }

    /** kotta-base.yaml's parameters for a request (also what an admin would pass by hand). */
    public static Map<String, String> baseParameters(DeploymentRequest request) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("JobsBucketName", request.jobsBucketName());
        parameters.put("KottaStackName", request.stackName());
        parameters.put("OAuthClientSecretArn", request.oauthClientSecretArn());
        return parameters;
    }

    /**
     * kotta.yaml's parameters: the base stack's outputs, the request, the release to run and the
     * image to run it on (an AMI id, chosen by {@link KottaImages}).
     */
    public static Map<String, String> kottaParameters(
            DeploymentRequest request, Map<String, String> baseOutputs, String codeKey, String imageId) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("JobsBucketName", baseOutputs.get("JobsBucketName"));
        parameters.put("JobsTableName", baseOutputs.get("JobsTableName"));
        parameters.put("UsersTableName", baseOutputs.get("UsersTableName"));
        parameters.put("WebServerInstanceProfileName", baseOutputs.get("WebServerInstanceProfileName"));
        parameters.put("TaskExecutorInstanceProfileName", baseOutputs.get("TaskExecutorInstanceProfileName"));
        parameters.put("LogBucketName", baseOutputs.get("LogBucketName"));
        parameters.put("DomainName", request.domainName());
        parameters.put("CertificateArn", nullToEmpty(request.certificateArn()));
        parameters.put("HostedZoneId", nullToEmpty(request.hostedZoneId()));
        parameters.put("OAuthClientId", request.oauthClientId());
        parameters.put("OAuthClientSecretArn", request.oauthClientSecretArn());
        parameters.put("OidcIssuer", nullToEmpty(request.oidcIssuer()));
        parameters.put("KeyPairName", nullToEmpty(request.keyPairName()));
        parameters.put("WebServerInstanceType", request.webServerInstanceType());
        parameters.put("TaskExecutorInstanceType", request.taskExecutorInstanceType());
        parameters.put("ProdMinWorkers", Integer.toString(request.prodMinWorkers()));
        parameters.put("ProdMaxWorkers", Integer.toString(request.prodMaxWorkers()));
        parameters.put("TestMinWorkers", Integer.toString(request.testMinWorkers()));
        parameters.put("TestMaxWorkers", Integer.toString(request.testMaxWorkers()));
        parameters.put("SpotPrice", request.spotPrice());
        parameters.put("CodeKey", codeKey);
        parameters.put(KottaImages.IMAGE_PARAMETER, imageId);
        return parameters;
    }

    /** One look at the stack named in {@code input.stack()}; never sleeps. */
    public StackProgress checkStack(StepInput input) {
        String deploymentId = input.deploymentId();
        StackProgress progress = look(input.stack());
        record(deploymentId, progress);
        return progress;
    }

    /** One look at a stack after {@code previous}: its phase, status, reason and outputs; writes nothing. */
    public StackProgress look(StackProgress previous) {
        if (previous == null) {
            throw new IllegalArgumentException("the input names no stack to check");
        }
        StackReport report = watcher.check(previous.stackId() != null ? previous.stackId() : previous.stackName());
        int checks = previous.checks() + 1;
        if (previous.action() == StackAction.DELETING) {
            report = afterDeletion(report);
        } else if (previous.action() == StackAction.NONE) {
            report = afterNoChange(report);
        }
        Failure failure = report.phase() == StackPhase.FAILED
                ? new Failure(
                        Failure.STACK_FAILED,
                        "stack " + previous.stackName() + " ended " + report.status() + ": " + report.reason())
                : null;
        StackProgress progress = new StackProgress(
                previous.stackKind(),
                previous.stackName(),
                report.stackId() != null ? report.stackId() : previous.stackId(),
                previous.action(),
                report.phase(),
                report.status(),
                report.reason(),
                checks,
                schedule.nextWaitSeconds(checks),
                report.outputs(),
                failure);
        return progress;
    }

    /** Writes a look's result into the deployment's record, as every check does. */
    public void record(String deploymentId, StackProgress progress) {
        StackKind kind = progress.stackKind();
        records.stepFinished(deploymentId, kind.step(), Map.of(kind.statePath(), progress));
    }

    /**
     * A stack left by a failed first create is being deleted before it is created afresh:
     * once it is gone the Choice state sends the deployment back to the create state.
     */
    private static StackReport afterDeletion(StackReport report) {
        StackStatus status = report.status() == null ? null : StackStatus.fromValue(report.status());
        if (status == null || status == StackStatus.DELETE_COMPLETE) {
            return new StackReport(report.stackName(), null, StackPhase.CREATE_AGAIN, report.status(), null, Map.of());
        }
        if (status == StackStatus.DELETE_IN_PROGRESS) {
            return new StackReport(
                    report.stackName(), report.stackId(), StackPhase.IN_PROGRESS, report.status(), null, Map.of());
        }
        return report;
    }

    /**
     * Nothing was changed, so no operation of ours can have failed: a stack whose last update
     * was rolled back (UPDATE_ROLLBACK_COMPLETE) is back in its last good state and usable —
     * the case of redeploying the release that was running before a failed update.
     */
    static StackReport afterNoChange(StackReport report) {
        StackStatus status = report.status() == null ? null : StackStatus.fromValue(report.status());
        if (status == StackStatus.UPDATE_ROLLBACK_COMPLETE || status == StackStatus.IMPORT_ROLLBACK_COMPLETE) {
            return new StackReport(
                    report.stackName(),
                    report.stackId(),
                    StackPhase.SUCCEEDED,
                    report.status(),
                    null,
                    report.outputs());
        }
        return report;
    }

    /** Records what a create state started, with {@code also} (further record attributes). */
    private StackProgress launched(String deploymentId, StackKind kind, StackLaunch launch, Map<String, Object> also) {
        boolean failed = launch.action() == StackAction.FAILED;
        StackProgress progress = new StackProgress(
                kind,
                launch.stackName(),
                launch.stackId(),
                launch.action(),
                failed ? StackPhase.FAILED : StackPhase.IN_PROGRESS,
                null,
                launch.reason(),
                0,
                // nothing to change: look once, straight away, to collect the outputs
                launch.action() == StackAction.NONE ? 0 : schedule.nextWaitSeconds(0),
                Map.of(),
                failed
                        ? new Failure(
                                Failure.STACK_FAILED,
                                "stack " + launch.stackName() + " could not start: " + launch.reason())
                        : null);
        Map<String, Object> attributes = new LinkedHashMap<>(also);
        attributes.put(kind.statePath(), progress);
        records.stepFinished(deploymentId, kind.step(), attributes);
        return progress;
    }

    /** The same tags on every deployment of a stack, so an unchanged stack stays unchanged. */
    private static Map<String, String> tags(DeploymentRequest request) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("kotta:stack", request.stackName());
        tags.put("kotta:managed-by", "kotta-deployer");
        return tags;
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
