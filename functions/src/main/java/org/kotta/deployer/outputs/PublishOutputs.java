package org.kotta.deployer.outputs;

import java.util.LinkedHashMap;
import java.util.Map;
import org.kotta.deployer.core.AdminUser;
import org.kotta.deployer.core.DeploymentRecords;
import org.kotta.deployer.core.DeploymentRequest;
import org.kotta.deployer.core.DeploymentState;
import org.kotta.deployer.core.Metrics;
import org.kotta.deployer.core.Published;
import org.kotta.deployer.core.StackKind;
import org.kotta.deployer.core.StackLocks;
import org.kotta.deployer.core.StepInput;
import org.kotta.deployer.core.Steps;
import org.kotta.platform.core.UserStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The last state: seeds the UsersTable with the request's admins (idempotently: an
 * existing user row is left as it is), writes both stacks' outputs into the record,
 * marks it SUCCEEDED and releases the stack lock.
 */
public final class PublishOutputs {
    private final DynamoDbClient dynamo;
    private final DeploymentRecords records;
    private final StackLocks locks;
    private final Metrics metrics;

    public PublishOutputs(DynamoDbClient dynamo, DeploymentRecords records, StackLocks locks, Metrics metrics) {
        this.dynamo = dynamo;
        this.records = records;
        this.locks = locks;
        this.metrics = metrics;
    }

    public Published run(StepInput input) {
        String deploymentId = input.deploymentId();
        DeploymentRequest request = input.validatedRequest();
        records.stepStarted(deploymentId, Steps.PUBLISH_OUTPUTS);
        DeploymentState state = input.state();
        Map<String, String> base = state.outputsOf(StackKind.BASE);
        Map<String, String> kotta = state.outputsOf(StackKind.KOTTA);
        int added = seedAdmins(base.get("UsersTableName"), request);

        Map<String, Object> outputs = new LinkedHashMap<>();
        outputs.put("base", base);
        outputs.put("kotta", kotta);
        String sha256 = state.release() == null || state.release().sha256() == null
                ? ""
                : state.release().sha256();
        String releaseKey = state.release() == null || state.release().releaseKey() == null
                ? ""
                : state.release().releaseKey();
        records.succeeded(
                deploymentId,
                Steps.PUBLISH_OUTPUTS,
                Map.of("outputs", outputs, "codeVersion", sha256, "releaseKey", releaseKey, "adminsAdded", added));
        locks.release(request.stackName(), deploymentId);
        metrics.deploymentSucceeded(input.secondsSinceStart(java.time.Instant.now()));
        return new Published(deploymentId, kotta.get("WebUrl"), sha256, added, outputs);
    }

    /**
     * Seeds each admin through the platform's own {@link UserStore#seedAdmin} (so the row has
     * exactly the shape sign-in reads: e-mail lower-cased, role admin, status active), unless a
     * row for that e-mail exists; returns how many were new.
     */
    int seedAdmins(String usersTable, DeploymentRequest request) {
        UserStore users = new UserStore(dynamo, usersTable);
        long now = java.time.Instant.now().getEpochSecond();
        int added = 0;
        for (AdminUser admin : request.adminUsers()) {
            if (users.seedAdmin(admin.email(), admin.name(), now)) {
                added++;
            }
            // else already a user: keep what the platform has recorded about them
        }
        return added;
    }
}
