package org.kotta.deployer.validate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.kotta.deployer.core.DeploymentRecords;
import org.kotta.deployer.core.DeploymentRequest;
import org.kotta.deployer.core.Executions;
import org.kotta.deployer.core.Failure;
import org.kotta.deployer.core.FieldError;
import org.kotta.deployer.core.Metrics;
import org.kotta.deployer.core.StackLocks;
import org.kotta.deployer.core.StepInput;
import org.kotta.deployer.core.Steps;
import org.kotta.deployer.core.Validation;

/**
 * The first state: marks the deployment RUNNING, applies every request rule (the same
 * {@link RequestValidator} the API uses), the checks against the account, and takes the
 * stack's lock. An invalid request is an expected outcome, returned as data for the Choice state.
 */
public final class ValidateInputs {
    private final RequestValidator validator;
    private final AccountChecker accountChecker;
    private final DeploymentRecords records;
    private final StackLocks locks;
    private final String orchestratorRegion;
    private final Metrics metrics;

    public ValidateInputs(
            RequestValidator validator,
            AccountChecker accountChecker,
            DeploymentRecords records,
            StackLocks locks,
            String orchestratorRegion,
            Metrics metrics) {
        this.validator = validator;
        this.accountChecker = accountChecker;
        this.records = records;
        this.locks = locks;
        this.orchestratorRegion = orchestratorRegion;
        this.metrics = metrics;
    }

    public Validation run(StepInput input) {
        String deploymentId = input.deploymentId();
        String trigger = input.state().trigger();
        if (!records.markRunning(
                deploymentId,
                null,
                trigger,
                input.execution(),
                Executions.consoleUrl(orchestratorRegion, input.execution()))) {
            return new Validation(
                    false,
                    List.of(),
                    null,
                    new Failure(
                            Failure.ALREADY_ENDED,
                            "deployment " + deploymentId
                                    + " had already ended when this execution began; it does nothing"));
        }
        records.stepStarted(deploymentId, Steps.VALIDATE_INPUTS);
        metrics.deploymentStarted(trigger);

        ValidationResult result = validator.validate(input.state().requestAsSent());
        List<FieldError> errors = new ArrayList<>(result.errors());
        DeploymentRequest request = result.request();
        if (errors.isEmpty()) {
            AccountChecker.Checked checked = accountChecker.checkAndResolve(request);
            errors.addAll(checked.errors());
            request = checked.request(); // the secret by its full ARN, which the instance policy names
        }

        Map<String, Object> recorded = new LinkedHashMap<>();
        if (errors.isEmpty()) {
            // every execution takes the stack's lock here (re-entrant for the API and the
            // trigger, which took it before starting), so one started directly cannot run
            // beside another deployment of the same stack
            Optional<String> holder = locks.acquire(request.stackName(), deploymentId);
            if (holder.isPresent()) {
                records.stepFinished(deploymentId, Steps.VALIDATE_INPUTS, Map.of("stackName", request.stackName()));
                return new Validation(
                        false,
                        List.of(),
                        null,
                        new Failure(
                                Failure.STACK_BUSY,
                                "deployment "
                                        + holder.get() + " of stack " + request.stackName()
                                        + " is running; start this one again"
                                        + " when it has finished"));
            }
            recorded.put("request", request);
            recorded.put("stackName", request.stackName());
            recorded.put("jobsBucketName", request.jobsBucketName());
            records.stepFinished(deploymentId, Steps.VALIDATE_INPUTS, recorded);
            return new Validation(true, List.of(), request, null);
        }
        recorded.put("fieldErrors", errors);
        records.stepFinished(deploymentId, Steps.VALIDATE_INPUTS, recorded);
        return new Validation(false, errors, null, new Failure(Failure.VALIDATION_FAILED, describe(errors)));
    }

    static String describe(List<FieldError> errors) {
        StringBuilder text = new StringBuilder(
                "the request has " + errors.size() + " bad field" + (errors.size() == 1 ? "" : "s") + ": ");
        for (int i = 0; i < errors.size(); i++) {
            if (i > 0) {
                text.append("; ");
            }
            text.append(errors.get(i).field()).append(": ").append(errors.get(i).message());
        }
        return text.toString();
    }
}
