package org.kotta.deployer.core;

/** Names and links of the state machine's executions (each is named after its deployment id). */
public final class Executions {
    private Executions() {}

    /** The ARN of the execution named {@code name} of the state machine {@code stateMachineArn}. */
    public static String arn(String stateMachineArn, String name) {
        return stateMachineArn.replace(":stateMachine:", ":execution:") + ":" + name;
    }

    /** The execution's page in the Step Functions console: the deployment log. */
    public static String consoleUrl(String region, String executionArn) {
        return "https://" + region + ".console.aws.amazon.com/states/home?region=" + region + "#/v2/executions/details/"
                + executionArn;
    }
}
