package org.kotta.deployer.core;

import java.util.List;

/** The deployment's steps as the record names them (one per ARCHITECTURE.md state). */
public final class Steps {
    public static final String VALIDATE_INPUTS = "validateInputs";
    public static final String CREATE_BASE_STACK = "createBaseStack";
    public static final String PACKAGE_AND_UPLOAD_CODE = "packageAndUploadCode";
    public static final String CREATE_KOTTA_STACK = "createKottaStack";
    public static final String PUBLISH_OUTPUTS = "publishOutputs";

    public static final List<String> ALL = List.of(VALIDATE_INPUTS, CREATE_BASE_STACK,
            PACKAGE_AND_UPLOAD_CODE, CREATE_KOTTA_STACK, PUBLISH_OUTPUTS);

    private Steps() {
    }
}
