package org.kotta.deployer.failure;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.OutputLogEvent;

/**
 * Why an instance of a Kotta stack did not start, from its boot log: the newest
 * {@code kotta-signal: FAILED} line written since the deployment began in the stack's instance
 * log group ({@code /kotta/<stack>/instances}, the base stack's {@code InstanceLogGroupName}),
 * and the last lines of that instance's {@code <instance-id>/kotta-bootstrap} stream, where the
 * bootstrap writes the reason and the service's last lines before it signals. Found by the
 * line itself, not by the streams' last-event order (which CloudWatch Logs updates lazily), so
 * it is never another instance's healthy boot.
 */
public class BootLog {
    static final String FAILED_LINE = "kotta-signal: FAILED";
    static final int LINES = 12;
    private static final int LINE_CHARS = 300;

    private final CloudWatchLogsClient logs;

    public BootLog(CloudWatchLogsClient logs) {
        this.logs = logs;
    }

    public static String groupOf(String kottaStackName) {
        return "/kotta/" + kottaStackName + "/instances";
    }

    /**
     * "last lines of {@code <stream>} in {@code <group>}:" and those lines; empty when no instance
     * failed to start since {@code since}.
     */
    public Optional<String> lastLines(String logGroup, Instant since) {
        Optional<FilteredLogEvent> failed = logs
                .filterLogEventsPaginator(b -> b.logGroupName(logGroup)
                        .filterPattern("\"" + FAILED_LINE + "\"")
                        .startTime(since.toEpochMilli()))
                .events()
                .stream()
                .max(Comparator.comparing(FilteredLogEvent::timestamp));
        if (failed.isEmpty()) {
            return Optional.empty();
        }
        String stream = failed.get().logStreamName();
        List<OutputLogEvent> events = logs.getLogEvents(b -> b.logGroupName(logGroup)
                        .logStreamName(stream)
                        .startFromHead(false)
                        .limit(LINES))
                .events();
        StringBuilder text = new StringBuilder("last lines of ")
                .append(stream)
                .append(" in ")
                .append(logGroup)
                .append(':');
        for (OutputLogEvent event : events) {
            String line = event.message().strip();
            text.append("\n  ").append(line.length() > LINE_CHARS ? line.substring(0, LINE_CHARS) + "…" : line);
        }
        return Optional.of(text.toString());
    }
}
