package org.kotta.deployer.core;

import java.util.List;
import java.util.Map;

/** The deployment's steps as the record names them (one per ARCHITECTURE.md state). */
public final class Steps {
    public static final String VALIDATE_INPUTS = "validateInputs";
    public static final String CREATE_BASE_STACK = "createBaseStack";
    public static final String PACKAGE_AND_UPLOAD_CODE = "packageAndUploadCode";
    public static final String CREATE_KOTTA_STACK = "createKottaStack";
    public static final String CHECK_SITE = "checkSite";
    public static final String PUBLISH_OUTPUTS = "publishOutputs";

    public static final List<String> ALL = List.of(
            VALIDATE_INPUTS,
            CREATE_BASE_STACK,
            PACKAGE_AND_UPLOAD_CODE,
            CREATE_KOTTA_STACK,
            CHECK_SITE,
            PUBLISH_OUTPUTS);

    /**
     * The step each Task state of statemachine/kotta-deploy.asl.json belongs to (a test
     * checks every Task state is here), so a failure is recorded against the right step
     * even when the handler failed before it could stamp the record.
     */
    public static final Map<String, String> OF_TASK_STATE = Map.of(
            "Validate the request", VALIDATE_INPUTS,
            "Create or update the base stack", CREATE_BASE_STACK,
            "Wait for the base stack", CREATE_BASE_STACK,
            "Check the base stack", CREATE_BASE_STACK,
            "Package and upload the code", PACKAGE_AND_UPLOAD_CODE,
            "Create or update the Kotta stack", CREATE_KOTTA_STACK,
            "Wait for the Kotta stack", CREATE_KOTTA_STACK,
            "Check the Kotta stack", CREATE_KOTTA_STACK,
            "Check that Cloud Kotta answers", CHECK_SITE,
            "Publish the outputs", PUBLISH_OUTPUTS);

    private Steps() {}
}
