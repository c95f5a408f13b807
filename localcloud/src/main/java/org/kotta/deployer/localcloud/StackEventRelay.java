package org.kotta.deployer.localcloud;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.kotta.deployer.core.Json;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.StackSummary;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.Rule;
import software.amazon.awssdk.services.eventbridge.model.Target;
import software.amazon.awssdk.services.lambda.LambdaClient;

/**
 * The local cloud's only stand-in for CloudFormation's "Stack Status Change" events, which
 * MiniStack does not emit. It looks at every stack every {@link #PERIOD} and relays each status
 * change, in the documented event shape, to the default bus's rules: EventBridge itself decides
 * whether a rule matches ({@code TestEventPattern}), and each matching rule's Lambda targets get
 * the event as EventBridge would deliver it. (PutEvents cannot carry it: the local EventBridge,
 * like AWS, refuses {@code aws.*} sources from callers.) It can be turned off, which is a cloud
 * whose events are lost: the orchestrator then finds each stack through its waits' timeouts.
 */
public final class StackEventRelay implements AutoCloseable {
    /** How often the stacks are looked at: a relayed event is at most this late. */
    static final Duration PERIOD = Duration.ofMillis(200);

    static final String SOURCE = "aws.cloudformation";
    static final String DETAIL_TYPE = "CloudFormation Stack Status Change";

    private final CloudFormationClient cfn;
    private final EventBridgeClient events;
    private final LambdaClient lambda;
    private final Map<String, String> lastStatus = new HashMap<>();
    private final ScheduledExecutorService looker = Executors.newSingleThreadScheduledExecutor(daemon("look"));
    private final ExecutorService delivery = Executors.newFixedThreadPool(4, daemon("deliver"));
    private volatile boolean on = true;

    public StackEventRelay(CloudFormationClient cfn, EventBridgeClient events, LambdaClient lambda) {
        this.cfn = cfn;
        this.events = events;
        this.lambda = lambda;
    }

    /** Starts looking; what the stacks are now is no change (nothing is relayed for it). */
    public StackEventRelay start() {
        synchronized (lastStatus) {
            for (StackSummary stack : stacks()) {
                lastStatus.put(stack.stackId(), stack.stackStatusAsString());
            }
        }
        looker.scheduleWithFixedDelay(this::lookSafely, 0, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** On: status changes are relayed. Off: they are seen and dropped, as lost events would be. */
    public void relay(boolean relay) {
        this.on = relay;
    }

    public boolean isOn() {
        return on;
    }

    /** The event CloudFormation sends for a stack's status change (documented shape). */
    public static ObjectNode event(String stackId, String status, String reason) {
        String[] arn = stackId.split(":");
        ObjectNode event = Json.MAPPER.createObjectNode();
        event.put("version", "0");
        event.put("id", UUID.randomUUID().toString());
        event.put("detail-type", DETAIL_TYPE);
        event.put("source", SOURCE);
        event.put("account", arn.length > 4 ? arn[4] : "000000000000");
        event.put("time", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        event.put("region", arn.length > 3 ? arn[3] : "us-east-1");
        event.putArray("resources").add(stackId);
        ObjectNode detail = event.putObject("detail");
        detail.put("stack-id", stackId);
        ObjectNode statusDetails = detail.putObject("status-details");
        statusDetails.put("status", status);
        statusDetails.put("status-reason", reason == null ? "" : reason);
        return event;
    }

    /**
     * Delivers one event to every Lambda target of every default-bus rule that matches it, as
     * EventBridge does; returns each target's answer. Tests use it for duplicate and stale events.
     */
    public List<String> deliver(ObjectNode event) {
        String body = event.toString();
        List<String> answers = new java.util.ArrayList<>();
        for (Rule rule : rules()) {
            if (rule.eventPattern() == null || !"ENABLED".equals(rule.stateAsString())) {
                continue;
            }
            boolean matches = events.testEventPattern(
                            b -> b.eventPattern(rule.eventPattern()).event(body))
                    .result();
            if (!matches) {
                continue;
            }
            for (Target target :
                    events.listTargetsByRule(b -> b.rule(rule.name())).targets()) {
                if (target.arn().contains(":lambda:")) {
                    answers.add(lambda.invoke(b -> b.functionName(target.arn()).payload(SdkBytes.fromUtf8String(body)))
                            .payload()
                            .asUtf8String());
                }
            }
        }
        return answers;
    }

    private void lookSafely() {
        try {
            look();
        } catch (RuntimeException e) {
            // the local cloud stopping, or restarting: the next look tries again
        }
    }

    private void look() {
        for (StackSummary stack : stacks()) {
            String status = stack.stackStatusAsString();
            String before;
            synchronized (lastStatus) {
                before = lastStatus.put(stack.stackId(), status);
            }
            if (status.equals(before) || !on) {
                continue;
            }
            ObjectNode event = event(stack.stackId(), status, stack.stackStatusReason());
            delivery.execute(() -> {
                try {
                    deliver(event);
                } catch (RuntimeException e) {
                    System.err.println("stack event relay: " + stack.stackName() + " " + status + ": " + e);
                }
            });
        }
    }

    private List<StackSummary> stacks() {
        return cfn.listStacksPaginator(b -> {}).stackSummaries().stream().toList();
    }

    private List<Rule> rules() {
        List<Rule> rules = new java.util.ArrayList<>();
        String token = null;
        do {
            String next = token;
            var page = events.listRules(b -> b.nextToken(next));
            rules.addAll(page.rules());
            token = page.nextToken();
        } while (token != null && !token.isEmpty());
        return rules;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, "stack-event-relay-" + name);
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public void close() {
        looker.shutdownNow();
        delivery.shutdownNow();
    }
}
