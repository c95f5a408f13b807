package org.kotta.deployer.localcloud.instances;

import java.util.ArrayList;
import java.util.List;
import org.kotta.deployer.failure.BootLog;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.CloudWatchLogsException;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceAlreadyExistsException;

/**
 * What {@code bin/kotta-signal} and the CloudWatch agent do on an EC2 instance that fails to
 * start, for a local one: its {@code <instance-id>/kotta-bootstrap} stream in the stack's instance
 * log group gets the {@code kotta-signal: FAILED} line and the service's last lines, so the
 * orchestrator quotes them as it would in AWS. A stack without that group (no base stack) gets none.
 */
final class LocalBootLogs {
    private final CloudWatchLogsClient logs;

    LocalBootLogs(CloudWatchLogsClient logs) {
        this.logs = logs;
    }

    void failed(String stackName, String instanceId, String problem, String logTail) {
        String group = BootLog.groupOf(stackName);
        String stream = instanceId + "/kotta-bootstrap";
        long now = System.currentTimeMillis();
        List<InputLogEvent> events = new ArrayList<>();
        events.add(InputLogEvent.builder()
                .timestamp(now)
                .message("kotta-signal: FAILED: " + problem)
                .build());
        logTail.lines()
                .filter(line -> !line.isBlank())
                .forEach(line -> events.add(
                        InputLogEvent.builder().timestamp(now).message(line).build()));
        try {
            try {
                logs.createLogStream(b -> b.logGroupName(group).logStreamName(stream));
            } catch (ResourceAlreadyExistsException again) {
                // a later failure of the same instance id appends
            }
            logs.putLogEvents(b -> b.logGroupName(group).logStreamName(stream).logEvents(events));
        } catch (CloudWatchLogsException noGroup) {
            // the stack has no instance log group here: nothing to ship to
        }
    }
}
