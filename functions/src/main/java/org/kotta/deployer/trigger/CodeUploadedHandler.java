package org.kotta.deployer.trigger;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.kotta.deployer.core.AwsClients;
import org.kotta.deployer.core.DeploymentRecords;
import org.kotta.deployer.core.Json;
import org.kotta.deployer.core.Settings;
import org.kotta.deployer.start.DeploymentStarter;

/** Lambda entry point of the code-upload trigger: S3 "Object Created" under code/, through EventBridge. */
public final class CodeUploadedHandler implements RequestStreamHandler {
    private final CodeUploaded logic;

    public CodeUploadedHandler() {
        this(Settings.fromEnvironment());
    }

    public CodeUploadedHandler(Settings settings) {
        AwsClients aws = new AwsClients(settings);
        String table = settings.required(Settings.DEPLOYMENTS_TABLE);
        DeploymentRecords records = new DeploymentRecords(aws.dynamoDb(), table);
        this.logic = new CodeUploaded(
                DeploymentStarter.of(aws, settings, records), records, new CodeUploadedSkipTag(aws.s3()));
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        CodeUploadedEvent event = CodeUploadedEvent.fromEventBridge(Json.MAPPER.readTree(input));
        Json.MAPPER.writeValue(output, logic.handle(event));
    }
}
