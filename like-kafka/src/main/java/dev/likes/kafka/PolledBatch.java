package dev.likes.kafka;

import dev.likes.core.LikeEvent;
import dev.likes.core.LikeEventSink;
import dev.likes.events.BatchApplier;
import dev.likes.events.BatchApplier.Deliveries;
import dev.likes.events.ConsumerStats;
import dev.likes.events.LikeEventCodec;
import dev.likes.events.LikeEventFormatException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntToLongFunction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the records of one poll to the sink and commits their offsets, on the consumer's thread, with its Kafka
 * client: poison records and unstorable events go to the dead letters, a failing sink is retried with backoff while
 * the partitions are paused (the client stays in the group), and a batch that could not be applied is read again.
 * Not thread-safe: one per consumer loop.
 */
final class PolledBatch {

    private static final Logger log = LoggerFactory.getLogger(PolledBatch.class);

    private final KafkaConsumer<String, byte[]> client;
    private final KafkaDeadLetters deadLetters;
    private final ConsumerStats stats;
    private final BooleanSupplier running;
    private final Set<TopicPartition> revoked;
    private final Duration pollTimeout;
    private final BatchApplier<Delivered> applier;

    PolledBatch(KafkaConsumer<String, byte[]> client, LikeEventSink sink, KafkaDeadLetters deadLetters,
            ConsumerStats stats, BooleanSupplier running, Set<TopicPartition> revoked, Duration pollTimeout,
            Duration sinkTimeout, IntToLongFunction backoff) {
        this.client = client;
        this.deadLetters = deadLetters;
        this.stats = stats;
        this.running = running;
        this.revoked = revoked;
        this.pollTimeout = pollTimeout;
        this.applier = new BatchApplier<>(sink, stats, sinkTimeout, backoff, new Deliveries<>() {
            @Override
            public LikeEvent event(Delivered delivery) {
                return delivery.event();
            }

            @Override
            public boolean live() {
                return running.getAsBoolean();
            }

            @Override
            public void pause(long millis) {
                pauseFor(millis);
            }

            @Override
            public boolean deadLetter(Delivered delivery, String reason) {
                return deadLetters.send(delivery.record(), reason, PolledBatch.this::pauseFor);
            }
        });
    }

    /** One polled record and what it decoded to. */
    private record Delivered(ConsumerRecord<String, byte[]> record, LikeEvent event) {}

    /**
     * Applies the records and commits them; leaves them uncommitted and read again if the consumer stops first or a
     * partition of theirs was revoked meanwhile. A failure propagates after the positions are moved back.
     */
    void process(ConsumerRecords<String, byte[]> records) {
        revoked.clear();
        Map<TopicPartition, Long> firsts = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            List<ConsumerRecord<String, byte[]>> part = records.records(partition);
            firsts.put(partition, part.get(0).offset());
            next.put(partition, new OffsetAndMetadata(part.get(part.size() - 1).offset() + 1));
        }
        try {
            List<Delivered> batch = new ArrayList<>(records.count());
            for (ConsumerRecord<String, byte[]> record : records) {
                try {
                    batch.add(new Delivered(record, LikeEventCodec.decode(record.value())));
                } catch (LikeEventFormatException e) {
                    if (!deadLetters.send(record, e.getMessage(), this::pauseFor)) {
                        rewind(firsts);
                        return; // stopping; nothing committed
                    }
                }
            }
            if (!batch.isEmpty() && !applier.apply(batch)) {
                rewind(firsts);
                return;
            }
            stats.applied(batch.size());
            if (!revoked.isEmpty() && next.keySet().stream().anyMatch(revoked::contains)) {
                log.info("partitions {} were revoked while applying a batch: leaving it uncommitted", revoked);
                return;
            }
            client.commitSync(next);
        } catch (RuntimeException | Error e) {
            // whatever failed, the records of this batch are read again, not skipped: they may not have been applied
            rewind(firsts);
            throw e;
        }
    }

    /** Moves the positions of the partitions still assigned back to the batch's first records. */
    private void rewind(Map<TopicPartition, Long> firsts) {
        Set<TopicPartition> assigned;
        try {
            assigned = client.assignment();
        } catch (RuntimeException e) {
            return; // the client is unusable: it will be replaced and start from the committed offsets
        }
        firsts.forEach((partition, offset) -> {
            if (assigned.contains(partition)) {
                client.seek(partition, offset);
            }
        });
    }

    /** Waits without leaving the group: the partitions are paused, so polling returns nothing but keeps us alive. */
    void pauseFor(long millis) {
        client.pause(client.assignment());
        try {
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            while (running.getAsBoolean() && System.nanoTime() < until) {
                long left = TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime());
                client.poll(Duration.ofMillis(Math.max(1, Math.min(left, pollTimeout.toMillis()))));
            }
        } finally {
            client.resume(client.assignment());
        }
    }
}
