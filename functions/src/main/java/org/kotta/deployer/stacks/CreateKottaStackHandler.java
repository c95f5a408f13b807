package org.kotta.deployer.stacks;

import org.kotta.deployer.core.Settings;
import org.kotta.deployer.core.StepHandler;
import org.kotta.deployer.core.StepInput;

/** Lambda entry point of "Create or update the Kotta stack". */
public final class CreateKottaStackHandler extends StepHandler {
    private final StackSteps steps;

    public CreateKottaStackHandler() {
        this(Settings.fromEnvironment());
    }

    public CreateKottaStackHandler(Settings settings) {
        this.steps = StackStepsFactory.create(settings, aws -> new SsmPublicParameters(aws::ssm));
    }

    @Override
    protected Object handle(StepInput input) {
        return steps.createKottaStack(input);
    }
}
