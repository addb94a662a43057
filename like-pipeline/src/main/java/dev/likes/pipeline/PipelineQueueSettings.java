package dev.likes.pipeline;

import com.rabbitmq.client.ConnectionFactory;
import dev.likes.rabbitmq.LikeQueues;
import dev.likes.rabbitmq.RabbitConnections;
import dev.likes.rabbitmq.RabbitEventPublisher;
import dev.likes.rabbitmq.RabbitLikeConsumer;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The settings of {@link LikePipeline.Builder} for RabbitMQ as the queue, and the choice of the queue. Its public
 * setters are {@link LikePipeline.Builder}'s.
 */
abstract sealed class PipelineQueueSettings extends PipelineKafkaSettings permits PipelineProtectionSettings {

    @Nullable String rabbitUri;
    /* No initializer and no method descriptor of this class names a like-rabbitmq class: a host on Kafka has none on
     * its class path, and reflection over the builder must not need them. */
    String rabbitExchange = LikeQueues.DEFAULT_NAME; // constants: compiled in, nothing loaded
    int rabbitQueueCount = LikeQueues.DEFAULT_QUEUES;
    @Nullable Consumer<ConnectionFactory> rabbitConnection;
    @Nullable Consumer<RabbitEventPublisher.Builder> rabbitPublisherCustomizer;
    @Nullable Consumer<RabbitLikeConsumer.Builder> rabbitConsumerCustomizer;

    PipelineQueueSettings() {}

    /**
     * RabbitMQ as the queue instead of Kafka, with the default topology ({@link LikeQueues#defaults()}: exchange
     * {@value LikeQueues#DEFAULT_NAME}, {@value LikeQueues#DEFAULT_QUEUES} quorum queues), declared at build.
     * Needs module {@code like-rabbitmq} on the classpath and the broker's
     * {@code rabbitmq_consistent_hash_exchange} plugin. The guarantees are those of Kafka: see
     * {@link RabbitEventPublisher} and {@link RabbitLikeConsumer}. The Kafka settings of this builder
     * ({@link #topic}, {@link #consumerGroup}, {@link #kafkaClientProperty}, ...) do not apply.
     *
     * @param uri an AMQP URI, e.g. {@code amqp://user:password@127.0.0.1:5672/vhost}
     * @return this builder
     */
    public LikePipeline.Builder rabbitmq(String uri) {
        return rabbitmq(uri, LikeQueues.DEFAULT_NAME, LikeQueues.DEFAULT_QUEUES);
    }

    /**
     * RabbitMQ as the queue instead of Kafka, with the topology {@link LikeQueues#of LikeQueues.of(exchange,
     * queues)}; every publisher and consumer of the exchange must use the same number of queues.
     *
     * @param uri an AMQP URI, e.g. {@code amqp://user:password@127.0.0.1:5672/vhost}
     * @param exchange the exchange, which names the queues (see {@link LikeQueues#of})
     * @param queues how many quorum queues share the events, 1 to {@value LikeQueues#MAX_QUEUES}
     * @return this builder
     * @throws IllegalArgumentException if the URI is blank, or the exchange or count breaks its rule
     */
    public LikePipeline.Builder rabbitmq(String uri, String exchange, int queues) {
        Objects.requireNonNull(uri, "rabbitmq uri must not be null");
        if (uri.isBlank()) {
            throw new IllegalArgumentException("rabbitmq uri must not be blank");
        }
        LikeQueues.of(exchange, queues); // checks both now
        this.rabbitUri = uri;
        this.rabbitExchange = exchange;
        this.rabbitQueueCount = queues;
        return self();
    }

    /**
     * Adjusts the RabbitMQ connection factory of the publisher, the consumer and the pipeline's own checks (TLS,
     * a credentials provider, timeouts); see {@link RabbitConnections#factory}. Several customizers run in the
     * order given.
     *
     * @param customizer called with each factory
     * @return this builder
     */
    public LikePipeline.Builder configureRabbitConnection(Consumer<ConnectionFactory> customizer) {
        Objects.requireNonNull(customizer, "configureRabbitConnection customizer must not be null");
        this.rabbitConnection = rabbitConnection == null ? customizer : rabbitConnection.andThen(customizer);
        return self();
    }

    /**
     * Adjusts the RabbitMQ publisher before it is built (confirm timeout, pending bound). Several customizers run
     * in the order given.
     *
     * @param customizer called with the publisher's builder
     * @return this builder
     */
    public LikePipeline.Builder configureRabbitPublisher(Consumer<RabbitEventPublisher.Builder> customizer) {
        Objects.requireNonNull(customizer, "configureRabbitPublisher customizer must not be null");
        this.rabbitPublisherCustomizer = rabbitPublisherCustomizer == null ? customizer
                : rabbitPublisherCustomizer.andThen(customizer);
        return self();
    }

    /**
     * Adjusts the RabbitMQ consumer before it is built (batch size, prefetch, backoff). Several customizers run
     * in the order given.
     *
     * @param customizer called with the consumer's builder
     * @return this builder
     */
    public LikePipeline.Builder configureRabbitConsumer(Consumer<RabbitLikeConsumer.Builder> customizer) {
        Objects.requireNonNull(customizer, "configureRabbitConsumer customizer must not be null");
        this.rabbitConsumerCustomizer = rabbitConsumerCustomizer == null ? customizer
                : rabbitConsumerCustomizer.andThen(customizer);
        return self();
    }

    /* Only the chosen queue's classes are loaded: a host on Kafka needs no like-rabbitmq on its classpath. */
    EventQueue eventQueue() {
        if (rabbitUri != null) {
            return new RabbitEventQueue(rabbitUri, LikeQueues.of(rabbitExchange, rabbitQueueCount),
                    rabbitConnection == null ? f -> { } : rabbitConnection,
                    rabbitPublisherCustomizer == null ? b -> { } : rabbitPublisherCustomizer,
                    rabbitConsumerCustomizer == null ? b -> { } : rabbitConsumerCustomizer);
        }
        return new KafkaEventQueue(Objects.requireNonNull(kafka), kafkaClientProperties, kafkaAdminProperties, topic,
                consumerGroup, createTopicPartitions, createTopicReplication, publisherCustomizer,
                consumerCustomizer);
    }
}
