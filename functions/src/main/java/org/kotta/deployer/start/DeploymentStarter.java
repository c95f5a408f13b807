package org.kotta.deployer.start;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.kotta.deployer.core.AwsClients;
import org.kotta.deployer.core.DeploymentRecord;
import org.kotta.deployer.core.DeploymentRecords;
import org.kotta.deployer.core.DeploymentRequest;
import org.kotta.deployer.core.DeploymentState;
import org.kotta.deployer.core.Executions;
import org.kotta.deployer.core.RollbackTarget;
import org.kotta.deployer.core.Settings;
import org.kotta.deployer.core.StackLocks;
import org.kotta.deployer.validate.RequestValidator;
import org.kotta.deployer.validate.ValidationResult;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;

/**
 * Starts a deployment — for the API and for the code-upload trigger alike: the request
 * rules (the validator ValidateInputs uses), the per-stack lock (a conditional write, so
 * racing starters cannot both win), a PENDING record, then the execution named after the
 * deployment id. Nothing is left half-done: a refused request writes nothing, and a start
 * that fails releases the lock and marks the record FAILED.
 */
public final class DeploymentStarter {
    private final RequestValidator validator;
    private final DeploymentRecords records;
    private final StackLocks locks;
    private final SfnClient sfn;
    private final String stateMachineArn;
    private final String region;

    /**
     * The starter a handler builds at cold start (the API, the trigger, the rollback): the rule
     * book for the function's region, the DeploymentsTable's records and locks, the state machine.
     */
    public static DeploymentStarter of(AwsClients aws, Settings settings, DeploymentRecords records) {
        String region = aws.region().id();
        return new DeploymentStarter(
                new RequestValidator(region),
                records,
                new StackLocks(aws.dynamoDb(), settings.required(Settings.DEPLOYMENTS_TABLE)),
                aws.stepFunctions(),
                settings.required(Settings.STATE_MACHINE_ARN),
                region);
    }

    public DeploymentStarter(
            RequestValidator validator,
            DeploymentRecords records,
            StackLocks locks,
            SfnClient sfn,
            String stateMachineArn,
            String region) {
        this.validator = validator;
        this.records = records;
        this.locks = locks;
        this.sfn = sfn;
        this.stateMachineArn = stateMachineArn;
        this.region = region;
    }

    public StartDecision start(String deploymentId, JsonNode body, String trigger) {
        ValidationResult validation = validator.validate(body);
        if (!validation.valid()) {
            return new StartDecision(StartDecision.Verdict.INVALID, deploymentId, null, validation.errors(), null);
        }
        return start(deploymentId, validation.request(), trigger);
    }

    public StartDecision start(String deploymentId, DeploymentRequest request, String trigger) {
        return start(deploymentId, request, trigger, null);
    }

    /**
     * @param rollback for a rollback deployment, what it undoes and deploys again: it goes into
     *                 the execution input as {@code rollback}, and the deployment it undoes into
     *                 the record as {@code rollbackOf}; null otherwise
     */
    public StartDecision start(
            String deploymentId, DeploymentRequest request, String trigger, RollbackTarget rollback) {
        Optional<String> holder = locks.acquire(request.stackName(), deploymentId);
        if (holder.isPresent()) {
            return new StartDecision(StartDecision.Verdict.STACK_BUSY, deploymentId, null, List.of(), holder.get());
        }
        Map<String, Object> attributes = rollback == null ? Map.of() : Map.of("rollbackOf", rollback.of());
        if (!records.createPending(deploymentId, request, trigger, attributes)) {
            // this deployment id exists already (a repeated event): start nothing new, and
            // give back the lock just taken if that deployment has already ended
            DeploymentRecord existing = records.find(deploymentId).orElse(null);
            if (existing != null && existing.ended()) {
                locks.release(request.stackName(), deploymentId);
            }
            return new StartDecision(
                    StartDecision.Verdict.ALREADY_STARTED,
                    deploymentId,
                    existing == null ? null : existing.executionArn(),
                    List.of(),
                    null);
        }
        String input =
                DeploymentState.input(deploymentId, trigger, request, rollback).toJson();
        String executionArn;
        try {
            executionArn = sfn.startExecution(b -> b.stateMachineArn(stateMachineArn)
                            .name(deploymentId)
                            .input(input))
                    .executionArn();
        } catch (ExecutionAlreadyExistsException repeated) {
            executionArn = Executions.arn(stateMachineArn, deploymentId);
        } catch (RuntimeException e) {
            records.failed(
                    deploymentId,
                    "start",
                    e.getClass().getSimpleName(),
                    "the execution could not be started: " + e.getMessage(),
                    null);
            locks.release(request.stackName(), deploymentId);
            throw e;
        }
        records.markStarted(deploymentId, executionArn, Executions.consoleUrl(region, executionArn));
        return new StartDecision(StartDecision.Verdict.STARTED, deploymentId, executionArn, List.of(), null);
    }
}
