package dev.likes.kafka;

import dev.likes.core.LikeEventConsumer;
import dev.likes.core.LikeEventSink;
import dev.likes.core.UnstorableEventException;
import dev.likes.events.AbstractLikeEventConsumer;
import dev.likes.events.ConsumerMeters;
import dev.likes.events.ConsumerStats;
import dev.likes.events.LikeEventCodec;
import dev.likes.events.SafeText;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads like events from Kafka and applies them, a polled batch at a time, to a {@link LikeEventSink}.
 *
 * <p><b>Delivery.</b> Offsets are committed only after the sink completed the batch, so every event is delivered at
 * least once; with the sink's idempotent, order-safe application (by version) that is exactly-once effect. While the
 * sink fails, the consumer pauses its partitions, waits with jittered exponential backoff and delivers the same
 * events again, never moving past them. A sink call that outlives {@code sinkTimeout} counts as failed, but the next
 * try starts only once that call has ended, so two applications of one batch never run side by side. On a rebalance
 * nothing is in flight but the batch being applied, and if one of its partitions is taken away the batch is left
 * uncommitted for the new owner. {@link #close()} abandons a batch in flight without committing it.
 *
 * <p><b>Poison.</b> A record that is not a valid event of a known schema version (see {@link LikeEventCodec#decode}),
 * and an event the sink reports it can never store ({@link UnstorableEventException}, found by splitting the batch
 * in halves), are sent to the dead-letter topic with their reason in the header {@code like.dlq.reason} and their
 * origin ({@code topic-partition@offset}) in {@code like.dlq.source}; the other events of the batch are applied and
 * the partition moves on. A value longer than {@link Builder#deadLetterMaxBytes} is cut to that length (header
 * {@code like.dlq.original.size} gives its size); if the broker still refuses the letter as too large, it is sent
 * without its value. The reason is escaped and cut short, as is every piece of a record that reaches a log.
 *
 * <p><b>Liveness.</b> The consumer never stops on its own: a failed poll, commit, lag measurement or dead letter is
 * retried in the loop with backoff; after {@value #REBUILD_AFTER} failures in a row other than timeouts (which only
 * say the broker is away), or any error thrown by the sink or the client, the Kafka client is closed and a new one
 * joins the group (counted by {@link #restarts()}).
 * {@link #health()} says whether the last round worked and since when it has been failing; {@link #isRunning()}
 * is false only once {@link #close()} was called.
 *
 * <p>One thread of its own runs the Kafka client. Every accessor may be called from any thread.
 */
public final class KafkaLikeConsumer extends AbstractLikeEventConsumer {

    /** Events handed to the sink per batch at most, unless configured ({@code max.poll.records}). */
    public static final int DEFAULT_MAX_BATCH = 1_000;
    /** Dead-letter values are cut to this many bytes unless configured: 256 KiB. */
    public static final int DEFAULT_DEAD_LETTER_MAX_BYTES = 256 * 1024;
    /** Failures in a row, timeouts aside, after which the Kafka client is replaced by a new one. */
    public static final int REBUILD_AFTER = 10;

    private static final Logger log = LoggerFactory.getLogger(KafkaLikeConsumer.class);
    private static final long SUMMARY_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final long LAG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final Duration LAG_TIMEOUT = Duration.ofSeconds(5);
    private static final long LOOP_BACKOFF_CAP_MILLIS = 2_000;

    private final Map<String, Object> consumerConfig;
    private final KafkaDeadLetters deadLetters;
    private final LikeEventSink sink;
    private final String topic;
    private final Duration pollTimeout;
    private final Duration sinkTimeout;
    private final ConsumerStats stats = stats();
    /** Removes this consumer's meters from the host's registry; null without one. */
    private final @Nullable Runnable removeMeters;
    private final Set<TopicPartition> revoked = ConcurrentHashMap.newKeySet();
    private volatile @Nullable KafkaConsumer<String, byte[]> consumer;
    private volatile long lag = -1;
    private long lastLagNanos;

    private KafkaLikeConsumer(Builder b) {
        super("like-kafka-consumer-" + b.groupId, b.initialBackoff, b.maxBackoff);
        this.sink = b.sink;
        this.topic = b.topic;
        this.pollTimeout = b.pollTimeout;
        this.sinkTimeout = b.sinkTimeout;
        this.consumerConfig = b.consumerConfig();
        this.deadLetters = new KafkaDeadLetters(b.deadLetterConfig(),
                b.deadLetterTopic == null ? b.topic + ".dlq" : b.deadLetterTopic, b.deadLetterMaxBytes, b.sinkTimeout,
                stats, this::running, this::backoffMillis);
        this.removeMeters = b.meterRegistry == null ? null : ConsumerMeters.bind(b.meterRegistry, b.meterTags, this,
                c -> c);
    }

    /**
     * A consumer of {@code bootstrapServers} in consumer group {@code groupId} that applies to {@code sink}.
     *
     * @param bootstrapServers e.g. {@code 127.0.0.1:9092}
     * @param groupId the consumer group; consumers of one group share the partitions
     * @param sink where the events go
     * @return the builder
     */
    public static Builder builder(String bootstrapServers, String groupId, LikeEventSink sink) {
        return new Builder(bootstrapServers, groupId, sink);
    }

    @Override
    public KafkaLikeConsumer start() {
        super.start();
        return this;
    }

    @Override
    public Health health() {
        return new Health(isRunning(), healthy(), stats.sinceLastSuccess(), stats.failuresInARow(),
                stats.lastFailure());
    }

    /**
     * Records in the assigned partitions not yet applied, as last measured (every few seconds while the broker
     * answers; {@link #health()} tells whether it does).
     *
     * @return the lag, or -1 before the first measurement
     */
    @Override
    public long lag() {
        return lag;
    }

    @Override
    protected void run() {
        log.info("consuming {} for {}", topic, sink);
        try {
            while (running()) {
                KafkaConsumer<String, byte[]> client = null;
                try {
                    client = new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer());
                    consumer = client;
                    consumeWith(client);
                } catch (WakeupException | InterruptException e) {
                    if (running()) {
                        restarted(e);
                    }
                } catch (Throwable e) { // NOPMD: the loop must survive anything but close(); errors rebuild the client
                    restarted(e);
                } finally {
                    if (client != null) {
                        KafkaConsumer<String, byte[]> closing = client;
                        closeClient("consumer", () -> closeWithin(closing, Duration.ofSeconds(10)));
                    }
                }
                if (running()) {
                    ConsumerStats.pause(Math.min(backoffMillis(stats.failuresInARow()), LOOP_BACKOFF_CAP_MILLIS));
                }
            }
        } finally {
            closeClient("dead-letter producer", deadLetters::close);
            log.info("stopped consuming {}: {} events applied", topic, stats.appliedEvents());
        }
    }

    private void restarted(Throwable e) {
        stats.restarted();
        stats.failed(e);
        log.error("the like event consumer of {} failed {} times in a row; replacing its Kafka client", topic,
                stats.failuresInARow(), e);
    }

    /** Consumes until close() or {@value #REBUILD_AFTER} failures in a row other than timeouts; errors propagate. */
    private void consumeWith(KafkaConsumer<String, byte[]> client) {
        client.subscribe(List.of(topic), new Rebalance());
        PolledBatch batches = new PolledBatch(client, sink, deadLetters, stats, this::running, revoked, pollTimeout,
                sinkTimeout, this::backoffMillis);
        int clientFailures = 0;
        long lastSummary = System.nanoTime();
        while (running()) {
            try {
                ConsumerRecords<String, byte[]> records = client.poll(pollTimeout);
                if (!records.isEmpty()) {
                    batches.process(records);
                }
                measureLag(client, records.isEmpty());
                stats.succeeded();
            } catch (WakeupException | InterruptException e) {
                if (!running()) {
                    return; // close() asked us to stop
                }
                throw e;
            } catch (RuntimeException e) {
                stats.loopFailed();
                stats.failed(e);
                // a timeout means the broker is away, not that the client is broken: a new client would only leave
                // a stale member behind in the group, which delays the rebalance after the broker returns
                if (e instanceof TimeoutException) {
                    clientFailures = 0;
                } else if (++clientFailures >= REBUILD_AFTER) {
                    throw e;
                }
                // short: these rounds wait on the broker themselves, and the consumer should resume soon after it returns
                long backoff = Math.min(backoffMillis(stats.failuresInARow()), LOOP_BACKOFF_CAP_MILLIS);
                log.warn("the like event consumer of {} failed ({}); retrying in {} ms", topic, SafeText.of(e.toString()), backoff);
                ConsumerStats.pause(backoff);
            }
            if (System.nanoTime() - lastSummary > SUMMARY_EVERY_NANOS) {
                lastSummary = System.nanoTime();
                log.info("{}: {} events applied, {} dead-lettered, {} sink failures, {} loop failures, lag {}",
                        topic, stats.appliedEvents(), stats.deadLetteredRecords(), stats.sinkFailures(),
                        stats.loopFailures(), lag);
            }
        }
    }

    /*
     * close(Duration) is deprecated from kafka-clients 4.1 on in favour of close(CloseOptions), which 3.x lacks;
     * Spring Boot 3.5 manages kafka-clients 3.9, so the consumer closes through the method both lines have.
     * close() interrupts the loop's thread to end its waits; a Kafka client closed with the flag set fails its
     * coordinator's close (logged as errors) and does not leave the group, so the other members wait for the session
     * timeout before they take its partitions. The flag is cleared for the client's close and set again after it.
     */
    @SuppressWarnings("deprecation")
    private static void closeWithin(KafkaConsumer<String, byte[]> consumer, Duration timeout) {
        boolean interrupted = Thread.interrupted();
        try {
            consumer.close(timeout);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void closeClient(String what, Runnable close) {
        for (int attempt = 1; ; attempt++) {
            Thread.interrupted();
            try {
                close.run();
                return;
            } catch (InterruptException e) {
                if (attempt == 2) {
                    log.warn("closing the Kafka {} was interrupted twice; giving up", what);
                    return;
                }
            } catch (RuntimeException e) {
                log.warn("closing the Kafka {} failed", what, e);
                return;
            }
        }
    }

    /**
     * Measures the lag every few seconds: from the last fetches while records flow, from the broker when idle (so an
     * unreachable broker shows as a failure, and the health probe says so, even when nothing is to be read).
     */
    private void measureLag(KafkaConsumer<String, byte[]> client, boolean idle) {
        if (System.nanoTime() - lastLagNanos < LAG_EVERY_NANOS) {
            return;
        }
        lastLagNanos = System.nanoTime();
        Set<TopicPartition> assignment = client.assignment();
        if (assignment.isEmpty()) {
            // nothing assigned (other members hold every partition, or the group is gone with the broker): ask the
            // broker something all the same, so that its absence shows as a failure
            client.listTopics(LAG_TIMEOUT);
            lag = 0;
            return;
        }
        long total = 0;
        if (idle) {
            for (Map.Entry<TopicPartition, Long> end : client.endOffsets(assignment, LAG_TIMEOUT).entrySet()) {
                total += Math.max(0, end.getValue() - client.position(end.getKey(), LAG_TIMEOUT));
            }
        } else {
            for (TopicPartition partition : assignment) {
                OptionalLong known = client.currentLag(partition);
                if (known.isEmpty()) {
                    return; // not fetched yet: measured on a later round
                }
                total += known.getAsLong();
            }
        }
        lag = total;
    }

    /**
     * Stops consuming: a batch in flight is abandoned without committing its offsets (it will be delivered again), and
     * the Kafka clients are closed. Waits up to 30 seconds. Idempotent.
     */
    @Override
    public void close() {
        if (removeMeters != null) {
            removeMeters.run();
        }
        boolean ran = stopThread(() -> {
            KafkaConsumer<String, byte[]> client = consumer;
            if (client != null) {
                client.wakeup();
            }
        });
        if (!ran) {
            deadLetters.close(Duration.ZERO); // never started: nothing runs, close the producer here
        }
    }

    /**
     * A snapshot of the consumer's health.
     *
     * @param running started and not closed
     * @param healthy running, and its last round (poll, apply, commit) worked
     * @param sinceLastSuccess how long ago a round last worked
     * @param failuresInARow failed rounds since the last one that worked
     * @param lastFailure the last failure, escaped and cut short, or {@code null} when healthy
     */
    public record Health(
            boolean running, boolean healthy, Duration sinceLastSuccess, int failuresInARow,
            @Nullable String lastFailure) implements LikeEventConsumer.Health {}

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            revoked.addAll(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            revoked.addAll(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            log.debug("assigned {}", partitions);
        }
    }

    /** Configures a {@link KafkaLikeConsumer}. Not thread-safe. */
    public static final class Builder {

        private final String bootstrapServers;
        private final String groupId;
        private final LikeEventSink sink;
        private final Map<String, Object> properties = new HashMap<>();
        private String topic = KafkaEventPublisher.DEFAULT_TOPIC;
        private @Nullable String deadLetterTopic;
        private int maxBatch = DEFAULT_MAX_BATCH;
        private Duration pollTimeout = Duration.ofMillis(200);
        private Duration sinkTimeout = Duration.ofSeconds(30);
        private Duration initialBackoff = Duration.ofMillis(100);
        private Duration maxBackoff = Duration.ofSeconds(10);
        private int deadLetterMaxBytes = DEFAULT_DEAD_LETTER_MAX_BYTES;
        private final Map<String, Object> deadLetterProperties = new HashMap<>();
        private @Nullable MeterRegistry meterRegistry;
        private Iterable<Tag> meterTags = List.of();

        private Builder(String bootstrapServers, String groupId, LikeEventSink sink) {
            this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers must not be null");
            this.groupId = Objects.requireNonNull(groupId, "groupId must not be null");
            this.sink = Objects.requireNonNull(sink, "sink must not be null");
        }

        /**
         * The topic to read. Default {@value KafkaEventPublisher#DEFAULT_TOPIC}.
         *
         * @param topic a legal topic name
         * @return this builder
         */
        public Builder topic(String topic) {
            this.topic = Topics.check(topic);
            return this;
        }

        /**
         * Where poison records go. Default: the topic's name followed by {@code .dlq}.
         *
         * @param topic a legal topic name
         * @return this builder
         */
        public Builder deadLetterTopic(String topic) {
            this.deadLetterTopic = Topics.check(topic);
            return this;
        }

        /**
         * Events per batch at most. Default {@link #DEFAULT_MAX_BATCH}.
         *
         * @param max 1 to 100,000
         * @return this builder
         */
        public Builder maxBatch(int max) {
            if (max < 1 || max > 100_000) {
                throw new IllegalArgumentException("maxBatch must be between 1 and 100000, but was " + max);
            }
            this.maxBatch = max;
            return this;
        }

        /**
         * How long one sink call may take before it counts as failed and is retried. Default 30 s.
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder sinkTimeout(Duration timeout) {
            this.sinkTimeout = positive("sinkTimeout", timeout);
            return this;
        }

        /**
         * The backoff after a failed sink call, doubled after each further failure up to {@code max}. Default 100 ms
         * to 10 s.
         *
         * @param initial positive
         * @param max at least {@code initial}
         * @return this builder
         */
        public Builder backoff(Duration initial, Duration max) {
            this.initialBackoff = positive("initial backoff", initial);
            this.maxBackoff = positive("max backoff", max);
            if (max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("max backoff must be at least the initial backoff, but was " + max);
            }
            return this;
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
        public Builder consumerProperty(String name, Object value) {
            if (ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG.equals(name)) {
                throw new IllegalArgumentException("enable.auto.commit cannot be set: offsets are committed after the sink");
            }
            properties.put(Objects.requireNonNull(name, "name must not be null"), Objects.requireNonNull(value, name));
            return this;
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
        public Builder deadLetterProducerProperty(String name, Object value) {
            deadLetterProperties.put(Objects.requireNonNull(name, "name must not be null"), Objects.requireNonNull(value, name));
            return this;
        }

        /**
         * The longest record value a dead letter carries; a longer one is cut to this many bytes, and its size is given
         * in the header {@code like.dlq.original.size}. Keep it well below the broker's {@code message.max.bytes}.
         * Default {@link #DEFAULT_DEAD_LETTER_MAX_BYTES}.
         *
         * @param max 0 (no value kept) to 16 MiB
         * @return this builder
         */
        public Builder deadLetterMaxBytes(int max) {
            if (max < 0 || max > 16 * 1024 * 1024) {
                throw new IllegalArgumentException("deadLetterMaxBytes must be between 0 and 16777216, but was " + max);
            }
            this.deadLetterMaxBytes = max;
            return this;
        }

        private static Duration positive(String name, Duration value) {
            Objects.requireNonNull(value, name + " must not be null");
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, but was " + value);
            }
            return value;
        }

        Map<String, Object> deadLetterConfig() {
            return KafkaDeadLetters.producerConfig(properties, deadLetterProperties, bootstrapServers);
        }

        Map<String, Object> consumerConfig() {
            Map<String, Object> config = new HashMap<>();
            config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            // a crashed host's partitions move to a live consumer after 10 s instead of Kafka's 45 s
            config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
            config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 2_000);
            config.putAll(properties);
            config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
            config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxBatch);
            return config;
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
        public Builder meterRegistry(MeterRegistry registry) {
            return meterRegistry(registry, List.of());
        }

        /**
         * As {@link #meterRegistry(MeterRegistry)}, with tags added to every meter of this consumer.
         *
         * @param registry the registry
         * @param tags the tags, e.g. {@code Tags.of("consumer", "likes")}
         * @return this builder
         */
        public Builder meterRegistry(MeterRegistry registry, Iterable<Tag> tags) {
            this.meterRegistry = Objects.requireNonNull(registry, "meterRegistry must not be null");
            this.meterTags = Objects.requireNonNull(tags, "tags must not be null");
            return this;
        }

        /**
         * Builds the consumer; call {@link KafkaLikeConsumer#start()} to begin.
         *
         * @return the consumer
         */
        public KafkaLikeConsumer build() {
            return new KafkaLikeConsumer(this);
        }
    }
}
