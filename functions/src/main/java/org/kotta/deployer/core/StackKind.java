package org.kotta.deployer.core;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Which of the two CloudFormation stacks a deployment makes (not an IAM role): the base
 * stack ({@code kotta-base.yaml}) or the Kotta stack ({@code kotta.yaml}).
 */
public enum StackKind {
    BASE("base", DeploymentState.BASE_STACK, Steps.CREATE_BASE_STACK),
    KOTTA("kotta", DeploymentState.KOTTA_STACK, Steps.CREATE_KOTTA_STACK);

    private final String json;
    private final String statePath;
    private final String step;

    StackKind(String json, String statePath, String step) {
        this.json = json;
        this.statePath = statePath;
        this.step = step;
    }

    /** How the state document and the record spell it. */
    @JsonValue
    public String json() {
        return json;
    }

    /** Where the state document (and the record) carries this stack's progress. */
    public String statePath() {
        return statePath;
    }

    /** The recorded step this stack belongs to. */
    public String step() {
        return step;
    }
}
