package dev.likes.pipeline;

import dev.likes.kafka.KafkaEventPublisher;
import dev.likes.kafka.KafkaLikeConsumer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The settings of {@link LikePipeline.Builder} for Kafka as the queue: the brokers, the topic, the consumer group and
 * the clients' properties. Its public setters are {@link LikePipeline.Builder}'s.
 */
abstract sealed class PipelineKafkaSettings extends PipelineStoreSettings permits PipelineQueueSettings {

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

    PipelineKafkaSettings() {}

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
}
