package org.kotta.deployer.core;

/** Console links for what the orchestrator starts. */
public final class Regions {
    private Regions() {
    }

    public static String executionConsoleUrl(String region, String executionArn) {
        return "https://" + region + ".console.aws.amazon.com/states/home?region=" + region
                + "#/v2/executions/details/" + executionArn;
    }
}
