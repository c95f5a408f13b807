package org.kotta.deployer.stacks;

import org.kotta.deployer.core.Settings;
import org.kotta.deployer.core.StepHandler;
import org.kotta.deployer.core.StepInput;

/** Lambda entry point of "Create or update the base stack". */
public final class CreateBaseStackHandler extends StepHandler {
    private final StackSteps steps;

    public CreateBaseStackHandler() {
        this(Settings.fromEnvironment());
    }

    public CreateBaseStackHandler(Settings settings) {
        this.steps = StackStepsFactory.create(settings);
    }

    @Override
    protected Object handle(StepInput input) {
        return steps.createBaseStack(input);
    }
}
