package dev.likes.kafka;

import dev.likes.core.LikeEvent;
import dev.likes.core.LikeEventSink;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads like events from Kafka and applies them, a polled batch at a time, to a {@link LikeEventSink}.
 *
 * <p><b>Delivery.</b> Offsets are committed only after the sink completed the batch, so every event is delivered at
 * least once; with the sink's idempotent, order-safe application (by version) that is exactly-once effect. While the
 * sink fails, the consumer pauses its partitions, waits with exponential backoff and delivers the same batch again,
 * never moving past it. On a rebalance nothing is in flight but the batch being applied, and if one of its partitions
 * is taken away the batch is dropped uncommitted for the new owner to apply. {@link #close()} abandons a batch in
 * flight without committing it.
 *
 * <p><b>Poison records.</b> A record that is not a valid event of a known schema version is sent, with its reason in
 * the headers {@code like.dlq.reason}, {@code like.dlq.source}, to the dead-letter topic, and the consumer goes on.
 *
 * <p>One thread of its own runs the Kafka consumer. {@link #appliedEvents()}, {@link #lag()} and the other counters
 * may be read from any thread.
 */
public final class KafkaLikeConsumer implements AutoCloseable {

    /** Events handed to the sink per batch at most, unless configured ({@code max.poll.records}). */
    public static final int DEFAULT_MAX_BATCH = 1_000;

    private static final Logger LOG = LoggerFactory.getLogger(KafkaLikeConsumer.class);
    private static final long SUMMARY_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, byte[]> deadLetters;
    private final LikeEventSink sink;
    private final String topic;
    private final String deadLetterTopic;
    private final Duration pollTimeout;
    private final Duration sinkTimeout;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Thread thread;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean running = new AtomicBoolean();
    private final LongAdder applied = new LongAdder();
    private final LongAdder deadLettered = new LongAdder();
    private final LongAdder sinkFailures = new LongAdder();
    private final Set<TopicPartition> revoked = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile long lag = -1;

    private KafkaLikeConsumer(Builder b) {
        this.sink = b.sink;
        this.topic = b.topic;
        this.deadLetterTopic = b.deadLetterTopic == null ? b.topic + ".dlq" : b.deadLetterTopic;
        this.pollTimeout = b.pollTimeout;
        this.sinkTimeout = b.sinkTimeout;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.consumer = new KafkaConsumer<>(b.consumerConfig(), new StringDeserializer(), new ByteArrayDeserializer());
        Map<String, Object> producerConfig = new HashMap<>();
        producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, b.bootstrapServers);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        this.deadLetters = new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer());
        this.thread = new Thread(this::run, "like-kafka-consumer-" + b.groupId);
        this.thread.setDaemon(true);
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

    /**
     * Starts consuming on the consumer's own thread.
     *
     * @return this consumer
     * @throws IllegalStateException if it was started before
     */
    public KafkaLikeConsumer start() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("the consumer was started before");
        }
        running.set(true);
        thread.start();
        return this;
    }

    /**
     * Events the sink applied (redeliveries included), since start.
     *
     * @return the count
     */
    public long appliedEvents() {
        return applied.sum();
    }

    /**
     * Records sent to the dead-letter topic, since start.
     *
     * @return the count
     */
    public long deadLetteredRecords() {
        return deadLettered.sum();
    }

    /**
     * Failed sink calls (each retried), since start.
     *
     * @return the count
     */
    public long sinkFailures() {
        return sinkFailures.sum();
    }

    /**
     * Records in the assigned partitions not yet applied, as last measured (after an idle poll).
     *
     * @return the lag, or -1 before the first measurement
     */
    public long lag() {
        return lag;
    }

    private void run() {
        LOG.info("consuming {} for {}", topic, sink);
        long lastSummary = System.nanoTime();
        try {
            consumer.subscribe(List.of(topic), new Rebalance());
            while (running.get()) {
                ConsumerRecords<String, byte[]> records = consumer.poll(pollTimeout);
                if (records.isEmpty()) {
                    measureLag();
                } else {
                    process(records);
                }
                if (System.nanoTime() - lastSummary > SUMMARY_EVERY_NANOS) {
                    lastSummary = System.nanoTime();
                    LOG.info("{}: {} events applied, {} dead-lettered, {} sink failures, lag {}",
                            topic, applied.sum(), deadLettered.sum(), sinkFailures.sum(), lag);
                }
            }
        } catch (WakeupException | InterruptException e) {
            // close() asked us to stop
        } catch (RuntimeException e) {
            LOG.error("the like event consumer of {} stopped on an unexpected error", topic, e);
        } finally {
            running.set(false);
            // close() interrupts us to abandon a batch, possibly more than once: each client gets a clean second try
            closeClient("consumer", () -> consumer.close(Duration.ofSeconds(10)));
            closeClient("dead-letter producer", () -> deadLetters.close(Duration.ofSeconds(10)));
            LOG.info("stopped consuming {}: {} events applied", topic, applied.sum());
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
                    LOG.warn("closing the Kafka {} was interrupted twice; giving up", what);
                    return;
                }
            } catch (RuntimeException e) {
                LOG.warn("closing the Kafka {} failed", what, e);
                return;
            }
        }
    }

    private void process(ConsumerRecords<String, byte[]> records) {
        revoked.clear();
        List<LikeEvent> batch = new ArrayList<>(records.count());
        Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            List<ConsumerRecord<String, byte[]>> part = records.records(partition);
            next.put(partition, new OffsetAndMetadata(part.get(part.size() - 1).offset() + 1));
            for (ConsumerRecord<String, byte[]> record : part) {
                try {
                    batch.add(LikeEventCodec.decode(record.value()));
                } catch (LikeEventFormatException e) {
                    if (!deadLetter(record, e.getMessage())) {
                        return; // stopping; nothing committed
                    }
                }
            }
        }
        if (!batch.isEmpty() && !applyUntilDone(batch)) {
            return;
        }
        if (!revoked.isEmpty() && next.keySet().stream().anyMatch(revoked::contains)) {
            LOG.info("partitions {} were revoked while applying a batch: leaving it uncommitted", revoked);
            return;
        }
        consumer.commitSync(next);
        applied.add(batch.size());
    }

    /** Applies the batch, retrying with backoff while the sink fails; false if the consumer stopped first. */
    private boolean applyUntilDone(List<LikeEvent> batch) {
        return untilDone(
                () -> sink.apply(batch).toCompletableFuture().get(sinkTimeout.toMillis(), TimeUnit.MILLISECONDS),
                (failure, backoff) -> {
                    sinkFailures.increment();
                    LOG.warn("the sink failed a batch of {} events ({}); retrying in {} ms",
                            batch.size(), failure.toString(), backoff);
                });
    }

    /** What one try does; any exception is a failure to retry. */
    private interface Attempt {
        void run() throws Exception;
    }

    /** What to do about one failure before the backoff. */
    private interface OnFailure {
        void failed(Throwable cause, long backoffMillis);
    }

    /**
     * Tries until it works, pausing with exponential backoff between tries and never leaving the group; false if
     * the consumer was stopped or interrupted first.
     */
    private boolean untilDone(Attempt attempt, OnFailure onFailure) {
        long backoff = initialBackoff.toMillis();
        while (running.get()) {
            try {
                attempt.run();
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (WakeupException | InterruptException e) {
                throw e; // close() asked us to stop
            } catch (Exception e) {
                onFailure.failed(e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e, backoff);
                pauseFor(backoff);
                backoff = Math.min(backoff * 2, maxBackoff.toMillis());
            }
        }
        return false;
    }

    /** Waits without leaving the group: the partitions are paused, so polling returns nothing but keeps us alive. */
    private void pauseFor(long millis) {
        Collection<TopicPartition> assignment = consumer.assignment();
        consumer.pause(assignment);
        try {
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            while (running.get() && System.nanoTime() < until) {
                long left = TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime());
                consumer.poll(Duration.ofMillis(Math.max(1, Math.min(left, pollTimeout.toMillis()))));
            }
        } finally {
            consumer.resume(consumer.assignment());
        }
    }

    private boolean deadLetter(ConsumerRecord<String, byte[]> record, String reason) {
        String source = record.topic() + '-' + record.partition() + '@' + record.offset();
        ProducerRecord<String, byte[]> letter = new ProducerRecord<>(deadLetterTopic, record.key(), record.value());
        letter.headers().add("like.dlq.reason", reason.getBytes(StandardCharsets.UTF_8));
        letter.headers().add("like.dlq.source", source.getBytes(StandardCharsets.UTF_8));
        boolean sent = untilDone(
                () -> deadLetters.send(letter).get(sinkTimeout.toMillis(), TimeUnit.MILLISECONDS),
                (failure, backoff) -> LOG.warn("could not dead-letter record {}; retrying in {} ms", source, backoff, failure));
        if (sent) {
            deadLettered.increment();
            LOG.warn("record {} is not a like event ({}): sent to {}", source, reason, deadLetterTopic);
        }
        return sent;
    }

    private void measureLag() {
        Set<TopicPartition> assignment = consumer.assignment();
        if (assignment.isEmpty()) {
            lag = 0;
            return;
        }
        long total = 0;
        for (Map.Entry<TopicPartition, Long> end : consumer.endOffsets(assignment).entrySet()) {
            total += Math.max(0, end.getValue() - consumer.position(end.getKey()));
        }
        lag = total;
    }

    /**
     * Stops consuming: a batch in flight is abandoned without committing its offsets (it will be delivered again), and
     * the Kafka clients are closed. Waits up to 30 seconds. Idempotent.
     */
    @Override
    public void close() {
        if (started.compareAndSet(false, true)) {
            consumer.close(Duration.ZERO); // never started: nothing runs, close the clients here
            deadLetters.close(Duration.ZERO);
            return;
        }
        running.set(false);
        consumer.wakeup();
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

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
            LOG.debug("assigned {}", partitions);
        }
    }

    /** Configures a {@link KafkaLikeConsumer}. Not thread-safe. */
    public static final class Builder {

        private final String bootstrapServers;
        private final String groupId;
        private final LikeEventSink sink;
        private final Map<String, Object> properties = new HashMap<>();
        private String topic = KafkaEventPublisher.DEFAULT_TOPIC;
        private String deadLetterTopic;
        private int maxBatch = DEFAULT_MAX_BATCH;
        private Duration pollTimeout = Duration.ofMillis(200);
        private Duration sinkTimeout = Duration.ofSeconds(30);
        private Duration initialBackoff = Duration.ofMillis(100);
        private Duration maxBackoff = Duration.ofSeconds(10);

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

        private static Duration positive(String name, Duration value) {
            Objects.requireNonNull(value, name + " must not be null");
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, but was " + value);
            }
            return value;
        }

        Map<String, Object> consumerConfig() {
            Map<String, Object> config = new HashMap<>();
            config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            config.putAll(properties);
            config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
            config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxBatch);
            return config;
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
