package org.kotta.deployer.stacks;

/**
 * Reads one of AWS's public parameters (the latest image's id) by name. An interface, so that
 * only the state that creates the Kotta stack names the SSM client: the other stack states share
 * {@link StackSteps} and their artifacts carry no SSM module.
 */
@FunctionalInterface
public interface PublicParameters {
    /** For the states that never choose an image. */
    PublicParameters NONE = name -> {
        throw new IllegalStateException("this state looks up no public parameter (asked for " + name + ")");
    };

    String value(String name);
}
