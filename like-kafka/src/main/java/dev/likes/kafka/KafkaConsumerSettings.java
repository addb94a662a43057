package dev.likes.kafka;

import dev.likes.core.LikeEventSink;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.jspecify.annotations.Nullable;

/**
 * The settings of {@link KafkaLikeConsumer.Builder}: the topics, batches, timeouts and client properties. Its public
 * setters are {@link KafkaLikeConsumer.Builder}'s.
 */
abstract sealed class KafkaConsumerSettings permits KafkaLikeConsumer.Builder {

    final String bootstrapServers;
    final String groupId;
    final LikeEventSink sink;
    final Map<String, Object> properties = new HashMap<>();
    String topic = KafkaEventPublisher.DEFAULT_TOPIC;
    @Nullable String deadLetterTopic;
    int maxBatch = KafkaLikeConsumer.DEFAULT_MAX_BATCH;
    Duration pollTimeout = Duration.ofMillis(200);
    Duration sinkTimeout = Duration.ofSeconds(30);
    Duration initialBackoff = Duration.ofMillis(100);
    Duration maxBackoff = Duration.ofSeconds(10);
    int deadLetterMaxBytes = KafkaLikeConsumer.DEFAULT_DEAD_LETTER_MAX_BYTES;
    final Map<String, Object> deadLetterProperties = new HashMap<>();
    @Nullable MeterRegistry meterRegistry;
    Iterable<Tag> meterTags = List.of();

    KafkaConsumerSettings(String bootstrapServers, String groupId, LikeEventSink sink) {
        this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers must not be null");
        this.groupId = Objects.requireNonNull(groupId, "groupId must not be null");
        this.sink = Objects.requireNonNull(sink, "sink must not be null");
    }

    /* The hierarchy is sealed down to KafkaLikeConsumer.Builder: every instance is one. */
    final KafkaLikeConsumer.Builder self() {
        return (KafkaLikeConsumer.Builder) this;
    }

    /**
     * The topic to read. Default {@value KafkaEventPublisher#DEFAULT_TOPIC}.
     *
     * @param topic a legal topic name
     * @return this builder
     */
    public KafkaLikeConsumer.Builder topic(String topic) {
        this.topic = TopicNames.check(topic);
        return self();
    }

    /**
     * Where poison records go. Default: the topic's name followed by {@code .dlq}.
     *
     * @param topic a legal topic name
     * @return this builder
     */
    public KafkaLikeConsumer.Builder deadLetterTopic(String topic) {
        this.deadLetterTopic = TopicNames.check(topic);
        return self();
    }

    /**
     * Events per batch at most. Default {@link KafkaLikeConsumer#DEFAULT_MAX_BATCH}.
     *
     * @param max 1 to 100,000
     * @return this builder
     */
    public KafkaLikeConsumer.Builder maxBatch(int max) {
        if (max < 1 || max > 100_000) {
            throw new IllegalArgumentException("maxBatch must be between 1 and 100000, but was " + max);
        }
        this.maxBatch = max;
        return self();
    }

    /**
     * How long one sink call may take before it counts as failed and is retried. Default 30 s.
     *
     * @param timeout positive
     * @return this builder
     */
    public KafkaLikeConsumer.Builder sinkTimeout(Duration timeout) {
        this.sinkTimeout = positive("sinkTimeout", timeout);
        return self();
    }

    /**
     * The backoff after a failed sink call, doubled after each further failure up to {@code max}. Default 100 ms
     * to 10 s.
     *
     * @param initial positive
     * @param max at least {@code initial}
     * @return this builder
     */
    public KafkaLikeConsumer.Builder backoff(Duration initial, Duration max) {
        this.initialBackoff = positive("initial backoff", initial);
        this.maxBackoff = positive("max backoff", max);
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("max backoff must be at least the initial backoff, but was " + max);
        }
        return self();
    }

    /**
     * Sets one consumer property (see Kafka's {@code ConsumerConfig}); offsets are always committed by this class.
     * Defaults that differ from Kafka's: {@code auto.offset.reset=earliest}, {@code session.timeout.ms=10000} and
     * {@code heartbeat.interval.ms=2000} (a crashed host's partitions move on after 10 s). Security and connection
     * settings ({@code security.*}, {@code sasl.*}, {@code ssl.*}, ...) apply to the dead-letter producer too.
     *
     * @param name the property
     * @param value its value
     * @return this builder
     */
    public KafkaLikeConsumer.Builder consumerProperty(String name, Object value) {
        if (ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG.equals(name)) {
            throw new IllegalArgumentException("enable.auto.commit cannot be set: offsets are committed after the sink");
        }
        properties.put(Objects.requireNonNull(name, "name must not be null"), Objects.requireNonNull(value, name));
        return self();
    }

    /**
     * Sets one property of the dead-letter producer (see Kafka's {@code ProducerConfig}). It already shares the
     * consumer's security and connection settings ({@code security.*}, {@code sasl.*}, {@code ssl.*} and the
     * like, set with {@link #consumerProperty}); it always waits for all in-sync replicas.
     *
     * @param name the property
     * @param value its value
     * @return this builder
     */
    public KafkaLikeConsumer.Builder deadLetterProducerProperty(String name, Object value) {
        deadLetterProperties.put(Objects.requireNonNull(name, "name must not be null"), Objects.requireNonNull(value, name));
        return self();
    }

    /**
     * The longest record value a dead letter carries; a longer one is cut to this many bytes, and its size is given
     * in the header {@code like.dlq.original.size}. Keep it well below the broker's {@code message.max.bytes}.
     * Default {@link KafkaLikeConsumer#DEFAULT_DEAD_LETTER_MAX_BYTES}.
     *
     * @param max 0 (no value kept) to 16 MiB
     * @return this builder
     */
    public KafkaLikeConsumer.Builder deadLetterMaxBytes(int max) {
        if (max < 0 || max > 16 * 1024 * 1024) {
            throw new IllegalArgumentException("deadLetterMaxBytes must be between 0 and 16777216, but was " + max);
        }
        this.deadLetterMaxBytes = max;
        return self();
    }

    private static Duration positive(String name, Duration value) {
        Objects.requireNonNull(value, name + " must not be null");
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, but was " + value);
        }
        return value;
    }

    /**
     * Registers this consumer's meters on a Micrometer registry (Micrometer is an optional dependency: needed
     * only when this is called), and removes them when the consumer closes: {@code likes.consumer.applied},
     * {@code likes.consumer.dead.lettered}, {@code likes.consumer.sink.failures},
     * {@code likes.consumer.loop.failures}, {@code likes.consumer.restarts} (function counters),
     * {@code likes.consumer.lag}, {@code likes.consumer.healthy}, {@code likes.consumer.since.success} (gauges).
     * Two consumers on one registry need tags that tell them apart: see
     * {@link #meterRegistry(MeterRegistry, Iterable)}.
     *
     * @param registry the registry
     * @return this builder
     */
    public KafkaLikeConsumer.Builder meterRegistry(MeterRegistry registry) {
        return meterRegistry(registry, List.of());
    }

    /**
     * As {@link #meterRegistry(MeterRegistry)}, with tags added to every meter of this consumer.
     *
     * @param registry the registry
     * @param tags the tags, e.g. {@code Tags.of("consumer", "likes")}
     * @return this builder
     */
    public KafkaLikeConsumer.Builder meterRegistry(MeterRegistry registry, Iterable<Tag> tags) {
        this.meterRegistry = Objects.requireNonNull(registry, "meterRegistry must not be null");
        this.meterTags = Objects.requireNonNull(tags, "tags must not be null");
        return self();
    }
}
