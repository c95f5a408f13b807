package org.kotta.deployer.stacks;

import java.util.function.Supplier;
import software.amazon.awssdk.services.ssm.SsmClient;

/** {@link PublicParameters} through SSM; the client is built at the first look-up. */
public final class SsmPublicParameters implements PublicParameters {
    private final Supplier<SsmClient> ssm;

    public SsmPublicParameters(Supplier<SsmClient> ssm) {
        this.ssm = ssm;
    }

    @Override
    public String value(String name) {
        return ssm.get().getParameter(r -> r.name(name)).parameter().value();
    }
}
