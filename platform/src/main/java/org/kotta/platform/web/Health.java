package org.kotta.platform.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kotta.platform.core.PlatformClients;
import org.kotta.platform.core.Queue;
import org.kotta.platform.core.Wiring;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * {@code /health} for the load balancer: ok only when both tables, both pending queues and the
 * bucket answer; the answer is kept about two seconds so health checks cost little.
 */
public final class Health {
    private static final long KEEP_MILLIS = 2000;
    private final Wiring wiring;
    private final PlatformClients clients;
    private Result last;
    private long lastAt;

    public record Result(boolean ok, Map<String, Object> body) {}

    public Health(Wiring wiring, PlatformClients clients) {
        this.wiring = wiring;
        this.clients = clients;
    }

    public synchronized Result check() {
        long now = System.currentTimeMillis();
        if (last != null && now - lastAt < KEEP_MILLIS) {
            return last;
        }
        List<String> failed = new ArrayList<>();
        probe(
                failed,
                "JobsTable " + wiring.orDefault(Wiring.JOBS_TABLE, "?"),
                () -> clients.dynamo().describeTable(b -> b.tableName(wiring.required(Wiring.JOBS_TABLE))));
        probe(
                failed,
                "UsersTable " + wiring.orDefault(Wiring.USERS_TABLE, "?"),
                () -> clients.dynamo().describeTable(b -> b.tableName(wiring.required(Wiring.USERS_TABLE))));
        for (Queue queue : Queue.values()) {
            probe(
                    failed,
                    queue.wireName() + " pending queue",
                    () -> clients.sqs()
                            .getQueueAttributes(b -> b.queueUrl(wiring.pendingQueueUrl(queue))
                                    .attributeNames(QueueAttributeName.QUEUE_ARN)));
        }
        probe(
                failed,
                "JobsBucket " + wiring.orDefault(Wiring.JOBS_BUCKET, "?"),
                () -> clients.s3().headBucket(b -> b.bucket(wiring.required(Wiring.JOBS_BUCKET))));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", failed.isEmpty() ? "ok" : "unavailable");
        body.put("release", wiring.releaseSha256());
        if (!failed.isEmpty()) {
            body.put("failed", failed);
        }
        last = new Result(failed.isEmpty(), body);
        lastAt = now;
        return last;
    }

    private static void probe(List<String> failed, String what, Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            failed.add(what + ": " + e.getClass().getSimpleName());
        }
    }
}
