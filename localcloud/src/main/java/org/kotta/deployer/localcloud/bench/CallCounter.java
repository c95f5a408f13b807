package org.kotta.deployer.localcloud.bench;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Counts the HTTP requests every SDK client in this JVM sends, by {@code Service.Operation}
 * (retries included: each is a billed request). Installed without touching product code,
 * as an SDK global interceptor: the bench puts
 * {@code software/amazon/awssdk/global/handlers/execution.interceptors} naming this class on
 * the class path. Threads marked with {@link #ignoreCurrentThread()} (the bench's own
 * polling) are not counted.
 */
public final class CallCounter implements ExecutionInterceptor {
    public static final String RESOURCE = "software/amazon/awssdk/global/handlers/execution.interceptors";
    private static final Map<String, LongAdder> COUNTS = new ConcurrentHashMap<>();
    private static final Set<Thread> IGNORED = ConcurrentHashMap.newKeySet();

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        if (IGNORED.contains(Thread.currentThread())) {
            return;
        }
        String key = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + "."
                + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        COUNTS.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    public static void ignoreCurrentThread() {
        IGNORED.add(Thread.currentThread());
    }

    public static Map<String, Long> snapshot() {
        Map<String, Long> copy = new TreeMap<>();
        COUNTS.forEach((key, count) -> copy.put(key, count.sum()));
        return copy;
    }

    /** What was counted after {@code before} (a snapshot), ignoring zero differences. */
    public static Map<String, Long> since(Map<String, Long> before) {
        Map<String, Long> diff = new TreeMap<>();
        snapshot().forEach((key, count) -> {
            long d = count - before.getOrDefault(key, 0L);
            if (d != 0) {
                diff.put(key, d);
            }
        });
        return diff;
    }
}
