package org.kotta.deployer.stacks;

import org.kotta.deployer.core.Settings;
import org.kotta.deployer.core.StepHandler;
import org.kotta.deployer.core.StepInput;

/**
 * Lambda entry point of both stacks' "Wait for …" (with a task token: the event-driven wait) and
 * "Check …" states (without: one ordinary look, after a wait's timeout).
 */
public final class WaitForStackHandler extends StepHandler {
    private final StackCompletion completion;
    private final StackSteps steps;

    public WaitForStackHandler() {
        this(Settings.fromEnvironment());
    }

    public WaitForStackHandler(Settings settings) {
        this.completion = StackCompletion.of(settings);
        this.steps = completion.steps();
    }

    @Override
    protected Object handle(StepInput input) {
        return input.taskToken() != null ? completion.startWaiting(input) : steps.checkStack(input);
    }
}
