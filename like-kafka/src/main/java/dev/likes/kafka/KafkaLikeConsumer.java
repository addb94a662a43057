package dev.likes.kafka;

import dev.likes.core.LikeEventConsumer;
import dev.likes.core.LikeEventSink;
import dev.likes.core.UnstorableEventException;
import dev.likes.events.AbstractLikeEventConsumer;
import dev.likes.events.ConsumerMeters;
import dev.likes.events.ConsumerStats;
import dev.likes.events.LikeEventCodec;
import dev.likes.events.SafeText;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
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
    private final ConsumerLag lag = new ConsumerLag();

    private KafkaLikeConsumer(Builder b) {
        super("like-kafka-consumer-" + b.groupId, b.initialBackoff, b.maxBackoff);
        this.sink = b.sink;
        this.topic = b.topic;
        this.pollTimeout = b.pollTimeout;
        this.sinkTimeout = b.sinkTimeout;
        this.consumerConfig = KafkaClients.consumerConfig(b);
        this.deadLetters = new KafkaDeadLetters(KafkaClients.deadLetterConfig(b),
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
        return lag.value();
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
                        KafkaClients.close("consumer", () -> KafkaClients.closeWithin(closing, Duration.ofSeconds(10)));
                    }
                }
                if (running()) {
                    ConsumerStats.pause(Math.min(backoffMillis(stats.failuresInARow()), LOOP_BACKOFF_CAP_MILLIS));
                }
            }
        } finally {
            KafkaClients.close("dead-letter producer", deadLetters::close);
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
                lag.measure(client, records.isEmpty());
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
                        stats.loopFailures(), lag.value());
            }
        }
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
    public static final class Builder extends KafkaConsumerSettings {

        private Builder(String bootstrapServers, String groupId, LikeEventSink sink) {
            super(bootstrapServers, groupId, sink);
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
