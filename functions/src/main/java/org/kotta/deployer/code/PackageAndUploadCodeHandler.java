package org.kotta.deployer.code;

import org.kotta.deployer.core.AwsClients;
import org.kotta.deployer.core.DeploymentRecords;
import org.kotta.deployer.core.Settings;
import org.kotta.deployer.core.StepHandler;
import org.kotta.deployer.core.StepInput;
import org.kotta.deployer.core.Templates;

/** Lambda entry point of "Package and upload the code". */
public final class PackageAndUploadCodeHandler extends StepHandler {
    private final PackageAndUploadCode step;

    public PackageAndUploadCodeHandler() {
        this(Settings.fromEnvironment());
    }

    public PackageAndUploadCodeHandler(Settings settings) {
        AwsClients aws = new AwsClients(settings);
        this.step = new PackageAndUploadCode(
                new ReleasePackager(aws.s3(), aws, new Templates(settings)),
                new DeploymentRecords(aws.dynamoDb(), settings.required(Settings.DEPLOYMENTS_TABLE)));
    }

    @Override
    protected Object handle(StepInput input) {
        return step.run(input);
    }
}
