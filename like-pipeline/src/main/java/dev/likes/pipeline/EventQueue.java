package dev.likes.pipeline;

import dev.likes.core.EventPublisher;
import dev.likes.core.LikeEventConsumer;
import dev.likes.core.LikeEventSink;
import java.util.concurrent.TimeoutException;

/** The queue between Redis' outbox and MySQL, as the pipeline uses it: Kafka or RabbitMQ. */
interface EventQueue {

    /** Checks, or creates when asked to, the topic or queues; throws if the pipeline cannot use them. */
    void prepare();

    /** A new publisher; the pipeline closes it. */
    EventPublisher openPublisher();

    /** A new consumer applying to {@code sink}, not started; the pipeline starts and closes it. */
    LikeEventConsumer newConsumer(LikeEventSink sink);

    /**
     * Waits until the consumers applied every event published before the call.
     *
     * @param deadline a {@link System#nanoTime()} value
     */
    void awaitConsumed(long deadline) throws InterruptedException, TimeoutException;
}
