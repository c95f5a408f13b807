package org.kotta.deployer.rollback;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import org.kotta.deployer.core.DeploymentIds;
import org.kotta.deployer.core.DeploymentRecords;
import org.kotta.deployer.core.DeploymentRecords.GoodRelease;
import org.kotta.deployer.core.DeploymentState;
import org.kotta.deployer.core.RollbackAttempt;
import org.kotta.deployer.core.RollbackTarget;
import org.kotta.deployer.core.StepInput;
import org.kotta.deployer.start.DeploymentStarter;
import org.kotta.deployer.start.StartDecision;

/**
 * "Roll back to the last good release": after a deployment whose stack settled but whose site
 * does not serve (the site check failed, and CloudFormation had nothing to roll back), starts a
 * new deployment of the stack's last SUCCEEDED release: that deployment's request (keeping the
 * image the stack runs) and its very release object. The new deployment is recorded with
 * trigger {@value #TRIGGER} and {@code rollbackOf}; the failed one gets {@code rollback}
 * saying what was started, or why nothing was. A rollback is never rolled back itself.
 */
public final class RollBack {
    public static final String TRIGGER = "rollback";
    static final String SUFFIX = "-rollback";
    /** How many of the stack's newest deployments are searched for the last good one. */
    static final int HISTORY = 200;

    private final DeploymentStarter starter;
    private final DeploymentRecords records;

    public RollBack(DeploymentStarter starter, DeploymentRecords records) {
        this.starter = starter;
        this.records = records;
    }

    public RollbackAttempt run(StepInput input) {
        DeploymentState state = input.state();
        String failedId = input.deploymentId();
        String stackName = input.validatedRequest().stackName();
        if (TRIGGER.equals(state.trigger())) {
            return note(
                    failedId,
                    RollbackAttempt.notStarted("this deployment is itself the rollback of "
                            + (state.rollback() == null
                                    ? "another"
                                    : state.rollback().of())
                            + "; rolling it back could go on for ever"));
        }
        Optional<GoodRelease> good = records.lastGoodRelease(stackName, failedId, HISTORY);
        if (good.isEmpty()) {
            return note(
                    failedId,
                    RollbackAttempt.notStarted("no earlier deployment of stack " + stackName
                            + " succeeded (among its newest " + HISTORY + "), so there is no release to go back to"));
        }
        String goodId = good.get().record().deploymentId();
        RollbackTarget target = new RollbackTarget(
                failedId,
                goodId,
                good.get().releaseKey(),
                good.get().sha256(),
                good.get().imageId());
        String rollbackId = rollbackId(failedId);
        StartDecision decision;
        try {
            decision = starter.start(
                    rollbackId, good.get().record().storedRequest().withRefreshImage(false), TRIGGER, target);
        } catch (RuntimeException e) {
            // noted before the state retries; the id is derived, so a retry finds the rollback's record
            // (a started one: its execution; a failed start: ended, without one, and the retry says so)
            note(
                    failedId,
                    RollbackAttempt.notStarted("starting " + rollbackId + " failed: "
                            + e.getClass().getSimpleName() + ": " + e.getMessage()));
            throw e;
        }
        RollbackAttempt result = switch (decision.verdict()) {
            case STARTED ->
                new RollbackAttempt(true, rollbackId, decision.executionArn(), goodId, target.sha256(), null);
            // an earlier try whose StartExecution failed left the rollback's record ended, with no execution
            case ALREADY_STARTED ->
                decision.executionArn() == null
                        ? RollbackAttempt.notStarted("an earlier try to start " + rollbackId
                                + " did not start its execution (its record says why)")
                        : new RollbackAttempt(true, rollbackId, decision.executionArn(), goodId, target.sha256(), null);
            case STACK_BUSY ->
                RollbackAttempt.notStarted(
                        "stack " + stackName + " is being deployed by " + decision.runningDeployment() + " already");
            case INVALID ->
                RollbackAttempt.notStarted(
                        "the request of " + goodId + " no longer passes the request rules: " + decision.errors());
        };
        return note(failedId, result);
    }

    /** Derived from the failed deployment's id, so a repeated step finds its rollback started already. */
    static String rollbackId(String failedId) {
        String id = failedId + SUFFIX;
        if (id.length() <= DeploymentIds.MAX_LENGTH) {
            return id;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(failedId.getBytes(StandardCharsets.UTF_8));
            return "rollback-" + HexFormat.of().formatHex(digest).substring(0, 40);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private RollbackAttempt note(String failedId, RollbackAttempt result) {
        records.note(failedId, Map.of(DeploymentState.ROLLBACK, result.asRecord()));
        return result;
    }
}
