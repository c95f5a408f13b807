package org.kotta.deployer.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.List;
import java.util.Map;

/**
 * The state document of statemachine/kotta-deploy.asl.json: the execution input
 * ({@code deploymentId}, {@code trigger}, {@code request}) plus what each state wrote under its
 * {@code ResultPath}. The constants are the one Java spelling of those paths (a test checks every
 * {@code $.x} of the state machine is one of them, and each is a component here).
 *
 * @param request    the request as it was sent; only "Validate the request" reads it (a bad field
 *                   must reach the rule book to be named), later states read {@code validation.request}
 * @param validation "Validate the request"
 * @param baseStack  "Create or update the base stack", then "Check the base stack"
 * @param release    "Package and upload the code"
 * @param kottaStack "Create or update the Kotta stack", then "Check the Kotta stack"
 * @param siteCheck  "Check that Cloud Kotta answers"
 * @param published  "Publish the outputs"
 * @param failure    a Catch (States.ALL), or a "Note the …" state copying a step's own failure
 * @param recorded   "Record the failure"
 * @param rollback   in a rollback deployment's execution input: what it undoes and deploys again
 * @param rolledBack "Roll back to the last good release"
 * @param rollbackError that state's Catch (the failure is recorded already)
 */
public record DeploymentState(
        String deploymentId,
        String trigger,
        JsonNode request,
        Validation validation,
        StackProgress baseStack,
        Release release,
        StackProgress kottaStack,
        SiteCheckProgress siteCheck,
        Published published,
        Failure failure,
        Recorded recorded,
        RollbackTarget rollback,
        RollbackAttempt rolledBack,
        Failure rollbackError) {

    public static final String DEPLOYMENT_ID = "deploymentId";
    public static final String TRIGGER = "trigger";
    public static final String REQUEST = "request";
    public static final String VALIDATION = "validation";
    public static final String BASE_STACK = "baseStack";
    public static final String RELEASE = "release";
    public static final String KOTTA_STACK = "kottaStack";
    public static final String SITE_CHECK = "siteCheck";
    public static final String PUBLISHED = "published";
    public static final String FAILURE = "failure";
    public static final String RECORDED = "recorded";
    public static final String ROLLBACK = "rollback";
    public static final String ROLLED_BACK = "rolledBack";
    public static final String ROLLBACK_ERROR = "rollbackError";

    /** Every top-level path, in the order the states write them. */
    public static final List<String> PATHS = List.of(
            DEPLOYMENT_ID,
            TRIGGER,
            REQUEST,
            VALIDATION,
            BASE_STACK,
            RELEASE,
            KOTTA_STACK,
            SITE_CHECK,
            PUBLISHED,
            FAILURE,
            RECORDED,
            ROLLBACK,
            ROLLED_BACK,
            ROLLBACK_ERROR);

    /** The execution input: what a starter hands StartExecution. */
    public static DeploymentState input(String deploymentId, String trigger, DeploymentRequest request) {
        return input(deploymentId, trigger, Json.MAPPER.<JsonNode>valueToTree(request));
    }

    /** The execution input for a request not validated yet (ValidateInputs then judges it). */
    public static DeploymentState input(String deploymentId, String trigger, JsonNode request) {
        return input(deploymentId, trigger, request, null);
    }

    /** The execution input of a rollback deployment (a null {@code rollback}: any other). */
    public static DeploymentState input(
            String deploymentId, String trigger, DeploymentRequest request, RollbackTarget rollback) {
        return input(deploymentId, trigger, Json.MAPPER.<JsonNode>valueToTree(request), rollback);
    }

    private static DeploymentState input(
            String deploymentId, String trigger, JsonNode request, RollbackTarget rollback) {
        return new DeploymentState(
                deploymentId, trigger, request, null, null, null, null, null, null, null, null, rollback, null, null);
    }

    /** The execution input as StartExecution takes it. */
    public String toJson() {
        try {
            return Json.MAPPER.writeValueAsString(this);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("the state document cannot be written", e);
        }
    }

    /** The request as sent, or a missing node when the input has none. */
    public JsonNode requestAsSent() {
        return request == null ? MissingNode.getInstance() : request;
    }

    /** The progress of one stack, or null before its create state ran. */
    public StackProgress stack(StackKind kind) {
        return kind == StackKind.BASE ? baseStack : kottaStack;
    }

    /** A stack's outputs as the state carries them, in order; empty before it succeeded. */
    public Map<String, String> outputsOf(StackKind kind) {
        StackProgress progress = stack(kind);
        return progress == null ? Map.of() : progress.outputs();
    }
}
