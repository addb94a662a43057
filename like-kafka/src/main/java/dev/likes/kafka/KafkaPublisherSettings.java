package dev.likes.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.jspecify.annotations.Nullable;

/**
 * The settings of {@link KafkaEventPublisher.Builder}: the topic and the producer's properties. Its public setters are
 * {@link KafkaEventPublisher.Builder}'s.
 */
abstract sealed class KafkaPublisherSettings permits KafkaEventPublisher.Builder {

    final @Nullable Producer<String, byte[]> producer;
    final Map<String, Object> properties = new HashMap<>();
    String topic = KafkaEventPublisher.DEFAULT_TOPIC;
    int maxPending = KafkaEventPublisher.DEFAULT_MAX_PENDING;

    KafkaPublisherSettings(@Nullable Producer<String, byte[]> producer) {
        this.producer = producer;
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        properties.put(ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024);
        properties.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        properties.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    }

    /* The hierarchy is sealed down to KafkaEventPublisher.Builder: every instance is one. */
    final KafkaEventPublisher.Builder self() {
        return (KafkaEventPublisher.Builder) this;
    }

    /**
     * The topic. Default {@value KafkaEventPublisher#DEFAULT_TOPIC}.
     *
     * @param topic a legal Kafka topic name
     * @return this builder
     */
    public KafkaEventPublisher.Builder topic(String topic) {
        this.topic = TopicNames.check(topic);
        return self();
    }

    /**
     * Sets one producer property (see Kafka's {@code ProducerConfig}), e.g. {@code linger.ms} or
     * {@code delivery.timeout.ms}; only for a producer this publisher creates.
     *
     * @param name the property
     * @param value its value
     * @return this builder
     * @throws IllegalStateException if the host passed its own producer
     */
    public KafkaEventPublisher.Builder producerProperty(String name, Object value) {
        if (producer != null) {
            throw new IllegalStateException("producerProperty(" + name + ") applies only to a producer the publisher"
                    + " creates; configure the producer you passed instead");
        }
        properties.put(Objects.requireNonNull(name, "name must not be null"), Objects.requireNonNull(value, name));
        return self();
    }

    /**
     * How many events may wait for the publisher's thread before {@link KafkaEventPublisher#publish} fails fast. Default
     * {@link KafkaEventPublisher#DEFAULT_MAX_PENDING}.
     *
     * @param maxPending at least 1
     * @return this builder
     */
    public KafkaEventPublisher.Builder maxPending(int maxPending) {
        if (maxPending < 1) {
            throw new IllegalArgumentException("maxPending must be at least 1, but was " + maxPending);
        }
        this.maxPending = maxPending;
        return self();
    }

    Map<String, Object> config() {
        return new HashMap<>(properties);
    }
}
