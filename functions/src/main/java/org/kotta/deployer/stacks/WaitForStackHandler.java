package org.kotta.deployer.stacks;

import org.kotta.deployer.core.Settings;
import org.kotta.deployer.core.StepHandler;
import org.kotta.deployer.core.StepInput;

/** Lambda entry point of "Check a stack's progress (both stacks' wait loops)". */
public final class WaitForStackHandler extends StepHandler {
    private final StackSteps steps;

    public WaitForStackHandler() {
        this(Settings.fromEnvironment());
    }

    public WaitForStackHandler(Settings settings) {
        this.steps = StackStepsFactory.create(settings);
    }

    @Override
    protected Object handle(StepInput input) {
        return steps.checkStack(input);
    }
}
