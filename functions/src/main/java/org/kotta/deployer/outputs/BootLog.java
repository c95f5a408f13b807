package org.kotta.deployer.outputs;

import java.util.List;
import java.util.Optional;

import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.LogStream;
import software.amazon.awssdk.services.cloudwatchlogs.model.OrderBy;
import software.amazon.awssdk.services.cloudwatchlogs.model.OutputLogEvent;

/**
 * The end of the newest instance boot log of a Kotta stack: the {@code <instance-id>/kotta-bootstrap}
 * stream last written in the stack's instance log group ({@code /kotta/<stack>/instances}, the base
 * stack's {@code InstanceLogGroupName}), where the bootstrap writes why an instance did not start
 * (its {@code kotta-signal: FAILED} line and the service's last lines) before it signals.
 */
public class BootLog {
    static final String STREAM_SUFFIX = "/kotta-bootstrap";
    static final int LINES = 12;
    private static final int LINE_CHARS = 300;
    /** Streams looked at, newest first: each instance has a boot stream and a service stream. */
    private static final int STREAMS = 10;

    private final CloudWatchLogsClient logs;

    public BootLog(CloudWatchLogsClient logs) {
        this.logs = logs;
    }

    public static String groupOf(String kottaStackName) {
        return "/kotta/" + kottaStackName + "/instances";
    }

    /** "last lines of {@code <stream>} in {@code <group>}:" and those lines; empty when there is no boot log. */
    public Optional<String> lastLines(String logGroup) {
        Optional<LogStream> newest = logs.describeLogStreams(b -> b.logGroupName(logGroup)
                        .orderBy(OrderBy.LAST_EVENT_TIME).descending(true).limit(STREAMS))
                .logStreams().stream()
                .filter(stream -> stream.logStreamName().endsWith(STREAM_SUFFIX))
                .findFirst();
        if (newest.isEmpty()) {
            return Optional.empty();
        }
        String stream = newest.get().logStreamName();
        List<OutputLogEvent> events = logs.getLogEvents(b -> b.logGroupName(logGroup).logStreamName(stream)
                .startFromHead(false).limit(LINES)).events();
        if (events.isEmpty()) {
            return Optional.empty();
        }
        StringBuilder text = new StringBuilder("last lines of ").append(stream).append(" in ").append(logGroup)
                .append(':');
        for (OutputLogEvent event : events) {
            String line = event.message().strip();
            text.append("\n  ").append(line.length() > LINE_CHARS ? line.substring(0, LINE_CHARS) + "…" : line);
        }
        return Optional.of(text.toString());
    }
}
