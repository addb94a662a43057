package dev.likes.pipeline;

import org.junit.jupiter.api.Order;

/**
 * The JUnit resource lock of the servers every pipeline of this module uses, Redis and MariaDB: a test that kills,
 * hangs, pauses or fills one of them holds it (read-write), and {@link RabbitPipelineIT}, which runs beside the other
 * classes, holds it for reading, so that no fault of theirs reaches it. Kafka and RabbitMQ faults need no lock: each
 * queue's tests are the only ones using it while they run.
 */
final class SharedServers {

    /** The lock's name. */
    static final String FAULTS = "redis-and-mariadb";

    /** After the classes without faults of Redis or MariaDB, which run beside {@link RabbitPipelineIT}. */
    static final int FAULTING_CLASSES_LAST = Order.DEFAULT + 1;

    private SharedServers() {}
}
