package org.kotta.platform.core;

import java.util.Arrays;
import java.util.Optional;

/** A job queue, with the name Cloud Kotta's job records and REST API use ({@code Test} | {@code Prod}). */
public enum Queue {
    TEST("Test", "test"),
    PROD("Prod", "prod");

    private final String wireName;
    private final String pool;

    Queue(String wireName, String pool) {
        this.wireName = wireName;
        this.pool = pool;
    }

    /** As stored in the job record's {@code queue} attribute and sent by the REST client. */
    public String wireName() {
        return wireName;
    }

    /** The executor pool ({@code KOTTA_POOL}) that serves this queue. */
    public String pool() {
        return pool;
    }

    public static Optional<Queue> fromWire(String value) {
        return Arrays.stream(values()).filter(q -> q.wireName.equals(value)).findFirst();
    }

    public static Optional<Queue> fromPool(String value) {
        return Arrays.stream(values()).filter(q -> q.pool.equals(value)).findFirst();
    }
}
