package dev.likes.pipeline;

import com.rabbitmq.client.ConnectionFactory;
import dev.likes.kafka.KafkaEventPublisher;
import dev.likes.kafka.KafkaLikeConsumer;
import dev.likes.rabbitmq.LikeQueues;
import dev.likes.rabbitmq.RabbitConnections;
import dev.likes.rabbitmq.RabbitEventPublisher;
import dev.likes.rabbitmq.RabbitLikeConsumer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The settings of {@link LikePipeline.Builder} that choose the queue, Kafka or RabbitMQ, and adjust its clients. Its
 * public setters are {@link LikePipeline.Builder}'s.
 */
abstract sealed class PipelineQueueSettings extends PipelineStoreSettings permits PipelineProtectionSettings {

    @Nullable String kafka;
    String topic = LikePipeline.DEFAULT_TOPIC;
    String consumerGroup = LikePipeline.DEFAULT_CONSUMER_GROUP;
    boolean runConsumer = true;
    int createTopicPartitions;
    short createTopicReplication;
    final Map<String, Object> kafkaClientProperties = new LinkedHashMap<>();
    final Map<String, Object> kafkaAdminProperties = new LinkedHashMap<>();
    Consumer<KafkaEventPublisher.Builder> publisherCustomizer = b -> {};
    Consumer<KafkaLikeConsumer.Builder> consumerCustomizer = b -> {};
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
     * Kafka's bootstrap servers.
     *
     * @param bootstrapServers e.g. {@code 127.0.0.1:9092}
     * @return this builder
     */
    public LikePipeline.Builder kafka(String bootstrapServers) {
        Objects.requireNonNull(bootstrapServers, "kafka bootstrapServers must not be null");
        if (bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("kafka bootstrapServers must not be blank");
        }
        this.kafka = bootstrapServers;
        return self();
    }

    /**
     * The topic of the events. Default {@value LikePipeline#DEFAULT_TOPIC}.
     *
     * @param topic a legal Kafka topic name
     * @return this builder
     */
    public LikePipeline.Builder topic(String topic) {
        this.topic = Objects.requireNonNull(topic, "topic must not be null");
        return self();
    }

    /**
     * Creates the topic and the consumer's dead-letter topic ({@code <topic>.dlq}, one partition) at build time
     * unless they exist (for development; production topics belong to the platform's tooling). Off by default.
     *
     * @param partitions at least 1
     * @param replicationFactor at least 1
     * @return this builder
     */
    public LikePipeline.Builder createTopic(int partitions, short replicationFactor) {
        if (partitions < 1 || replicationFactor < 1) {
            throw new IllegalArgumentException("createTopic partitions and replicationFactor must be at least 1,"
                    + " but were " + partitions + " and " + replicationFactor);
        }
        this.createTopicPartitions = partitions;
        this.createTopicReplication = replicationFactor;
        return self();
    }

    /**
     * Sets a property every Kafka client of the pipeline gets: the publisher's producer, the consumer, its
     * dead-letter producer and the admin client that creates topics. For what they share, such as
     * {@code security.protocol}, {@code sasl.jaas.config} or {@code ssl.truststore.location}. Client-specific
     * settings go through {@link #configurePublisher} and {@link #configureConsumer}, which win.
     *
     * @param name a property every Kafka client accepts
     * @param value its value
     * @return this builder
     */
    public LikePipeline.Builder kafkaClientProperty(String name, Object value) {
        kafkaClientProperties.put(kafkaProperty("kafkaClientProperty", name, value), value);
        return self();
    }

    /**
     * Sets a property of the admin client that checks (or creates) the topics at build time, over the
     * {@link #kafkaClientProperty shared ones}: for settings only the admin needs, such as its own SASL login.
     *
     * @param name a property Kafka's admin client accepts
     * @param value its value
     * @return this builder
     */
    public LikePipeline.Builder kafkaAdminProperty(String name, Object value) {
        kafkaAdminProperties.put(kafkaProperty("kafkaAdminProperty", name, value), value);
        return self();
    }

    private static String kafkaProperty(String setter, String name, Object value) {
        Objects.requireNonNull(name, setter + " name must not be null");
        Objects.requireNonNull(value, setter + " " + name + " must not be null");
        if (name.equals("bootstrap.servers")) {
            throw new IllegalArgumentException("bootstrap.servers is set with kafka(bootstrapServers)");
        }
        return name;
    }

    /**
     * The consumer group of the MySQL writer. Default {@value LikePipeline#DEFAULT_CONSUMER_GROUP}.
     *
     * @param group the group id
     * @return this builder
     */
    public LikePipeline.Builder consumerGroup(String group) {
        Objects.requireNonNull(group, "consumerGroup must not be null");
        if (group.isBlank()) {
            throw new IllegalArgumentException("consumerGroup must not be blank");
        }
        this.consumerGroup = group;
        return self();
    }

    /**
     * Whether this process runs the consumer that writes events into MySQL. Default {@code true}; turn it off
     * where the writers run as processes of their own.
     *
     * @param run whether to run it
     * @return this builder
     */
    public LikePipeline.Builder runConsumer(boolean run) {
        this.runConsumer = run;
        return self();
    }

    /**
     * Adjusts the Kafka publisher before it is built (producer properties such as SASL settings). Several
     * customizers run in the order given.
     *
     * @param customizer called with the publisher's builder
     * @return this builder
     */
    public LikePipeline.Builder configurePublisher(Consumer<KafkaEventPublisher.Builder> customizer) {
        this.publisherCustomizer = this.publisherCustomizer.andThen(
                Objects.requireNonNull(customizer, "configurePublisher customizer must not be null"));
        return self();
    }

    /**
     * Adjusts the consumer before it is built (batch size, backoff, consumer properties). Several customizers
     * run in the order given.
     *
     * @param customizer called with the consumer's builder
     * @return this builder
     */
    public LikePipeline.Builder configureConsumer(Consumer<KafkaLikeConsumer.Builder> customizer) {
        this.consumerCustomizer = this.consumerCustomizer.andThen(
                Objects.requireNonNull(customizer, "configureConsumer customizer must not be null"));
        return self();
    }

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
