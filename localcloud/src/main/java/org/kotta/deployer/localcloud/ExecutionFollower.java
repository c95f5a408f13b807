package org.kotta.deployer.localcloud;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * Follows an execution as the console would show it: one line per state as it finishes
 * (name, seconds since the execution started), and a live line for the state in progress.
 * Also the plain helpers the bench uses: an execution's whole history, and waiting for its end.
 */
public final class ExecutionFollower {
    private final SfnClient sfn;
    private final PrintStream out;
    private final boolean live;

    public ExecutionFollower(SfnClient sfn, PrintStream out, boolean live) {
        this.sfn = sfn;
        this.out = out;
        this.live = live;
    }

    public DescribeExecutionResponse follow(String executionArn, Duration limit) throws InterruptedException {
        Instant deadline = Instant.now().plus(limit);
        int printed = 0;
        String current = null;
        while (true) {
            DescribeExecutionResponse execution = sfn.describeExecution(b -> b.executionArn(executionArn));
            List<HistoryEvent> events = history(sfn, executionArn);
            Instant started = execution.startDate();
            for (HistoryEvent event : events.subList(Math.min(printed, events.size()), events.size())) {
                if (event.stateEnteredEventDetails() != null) {
                    current = event.stateEnteredEventDetails().name();
                }
                if (event.stateExitedEventDetails() != null) {
                    clearLiveLine();
                    out.printf(
                            "  %7.1f s  %s%n",
                            seconds(started, event.timestamp()),
                            event.stateExitedEventDetails().name());
                    current = null;
                }
            }
            printed = events.size();
            if (execution.status() != ExecutionStatus.RUNNING) {
                clearLiveLine();
                return execution;
            }
            if (live && current != null) {
                out.printf("\r  %7.1f s  ... %s", seconds(started, Instant.now()), current);
                out.flush();
            }
            if (Instant.now().isAfter(deadline)) {
                clearLiveLine();
                throw new IllegalStateException("execution still RUNNING after " + limit.toSeconds() + " s");
            }
            Thread.sleep(200);
        }
    }

    private void clearLiveLine() {
        if (live) {
            out.print("\r\033[K");
        }
    }

    /** Every event of the execution's history, oldest first. */
    public static List<HistoryEvent> history(SfnClient sfn, String executionArn) {
        List<HistoryEvent> events = new ArrayList<>();
        sfn.getExecutionHistoryPaginator(b -> b.executionArn(executionArn))
                .events()
                .forEach(events::add);
        return events;
    }

    /** Polls DescribeExecution every 50 ms until the execution is no longer RUNNING. */
    public static DescribeExecutionResponse awaitEnd(SfnClient sfn, String executionArn, Duration limit)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(limit);
        while (true) {
            DescribeExecutionResponse execution = sfn.describeExecution(b -> b.executionArn(executionArn));
            if (execution.status() != ExecutionStatus.RUNNING) {
                return execution;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(
                        "execution still RUNNING after " + limit.toSeconds() + " s: " + executionArn);
            }
            Thread.sleep(50);
        }
    }

    private static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toMillis() / 1000.0;
    }
}
