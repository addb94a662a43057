package dev.likes.pipeline;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.likes.core.EventPublisher;
import dev.likes.core.LikeEventConsumer;
import dev.likes.core.LikeEventSink;
import dev.likes.core.LikeStoreException;
import dev.likes.rabbitmq.LikeQueues;
import dev.likes.rabbitmq.RabbitConnections;
import dev.likes.rabbitmq.RabbitEventPublisher;
import dev.likes.rabbitmq.RabbitLikeConsumer;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The pipeline on RabbitMQ: the quorum queues of {@link LikeQueues}. */
final class RabbitEventQueue implements EventQueue {

    private static final Logger log = LoggerFactory.getLogger(RabbitEventQueue.class);

    private final String uri;
    private final LikeQueues queues;
    private final Consumer<ConnectionFactory> connection;
    private final Consumer<RabbitEventPublisher.Builder> publisherCustomizer;
    private final Consumer<RabbitLikeConsumer.Builder> consumerCustomizer;

    RabbitEventQueue(String uri, LikeQueues queues, Consumer<ConnectionFactory> connection,
            Consumer<RabbitEventPublisher.Builder> publisherCustomizer,
            Consumer<RabbitLikeConsumer.Builder> consumerCustomizer) {
        this.uri = uri;
        this.queues = queues;
        this.connection = connection;
        this.publisherCustomizer = publisherCustomizer;
        this.consumerCustomizer = consumerCustomizer;
    }

    /**
     * Declares the topology (idempotent). Fails if the broker refuses it; a broker that does not answer is only
     * logged: the publisher and the consumer declare it when they connect, and the outbox holds the events until then.
     */
    @Override
    public void prepare() {
        Connection c;
        try {
            c = connect("like-pipeline-preflight");
        } catch (IOException | TimeoutException e) {
            log.warn("could not declare {} on RabbitMQ: the broker did not answer ({}); the publisher and the consumer"
                    + " declare it when they connect", queues, e.toString());
            return;
        }
        try (c) {
            queues.declare(c);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("RabbitMQ refused the topology " + queues + " (is its"
                    + " rabbitmq_consistent_hash_exchange plugin enabled? does a queue of the same name exist with other"
                    + " arguments?): " + e, e);
        }
    }

    @Override
    public EventPublisher openPublisher() {
        RabbitEventPublisher.Builder builder = RabbitEventPublisher.builder(uri).queues(queues)
                .configureConnection(connection);
        publisherCustomizer.accept(builder);
        return builder.build();
    }

    @Override
    public LikeEventConsumer newConsumer(LikeEventSink sink) {
        RabbitLikeConsumer.Builder builder = RabbitLikeConsumer.builder(uri, sink).queues(queues)
                .configureConnection(connection);
        consumerCustomizer.accept(builder);
        return builder.build();
    }

    @Override
    public void awaitConsumed(long deadline) throws InterruptedException, TimeoutException {
        try (Connection c = connect("like-pipeline-erasure")) {
            queues.awaitConsumed(c, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        } catch (IOException e) {
            throw new LikeStoreException("RabbitMQ failed: " + e, e);
        }
    }

    private Connection connect(String name) throws IOException, TimeoutException {
        return RabbitConnections.factory(uri, connection).newConnection(name);
    }
}
