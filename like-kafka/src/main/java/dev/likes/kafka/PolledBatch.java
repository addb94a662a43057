package dev.likes.kafka;

import dev.likes.core.LikeEvent;
import dev.likes.core.LikeEventSink;
import dev.likes.core.UnstorableEventException;
import dev.likes.events.ConsumerStats;
import dev.likes.events.LikeEventCodec;
import dev.likes.events.LikeEventFormatException;
import dev.likes.events.SafeText;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the records of one poll to the sink and commits their offsets, on the consumer's thread, with its Kafka
 * client: poison records and unstorable events go to the dead letters, a failing sink is retried with backoff while
 * the partitions are paused (the client stays in the group), and a batch that could not be applied is read again.
 * Not thread-safe: one per consumer loop.
 */
final class PolledBatch {

    private static final Logger log = LoggerFactory.getLogger(KafkaLikeConsumer.class);

    private final KafkaConsumer<String, byte[]> client;
    private final LikeEventSink sink;
    private final KafkaDeadLetters deadLetters;
    private final ConsumerStats stats;
    private final BooleanSupplier running;
    private final Set<TopicPartition> revoked;
    private final Duration pollTimeout;
    private final Duration sinkTimeout;
    private final Duration initialBackoff;
    private final Duration maxBackoff;

    PolledBatch(KafkaConsumer<String, byte[]> client, LikeEventSink sink, KafkaDeadLetters deadLetters,
            ConsumerStats stats, BooleanSupplier running, Set<TopicPartition> revoked, Duration pollTimeout,
            Duration sinkTimeout, Duration initialBackoff, Duration maxBackoff) {
        this.client = client;
        this.sink = sink;
        this.deadLetters = deadLetters;
        this.stats = stats;
        this.running = running;
        this.revoked = revoked;
        this.pollTimeout = pollTimeout;
        this.sinkTimeout = sinkTimeout;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
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
            if (!batch.isEmpty() && !apply(batch)) {
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

    /*
     * A sink call that outlives sinkTimeout counts as failed, but the next try starts only once that call has ended,
     * so two applications of one batch never run side by side. An event the sink can never store is found by
     * splitting the batch in halves; the others are applied.
     */
    private boolean apply(List<Delivered> batch) {
        List<LikeEvent> events = new ArrayList<>(batch.size());
        batch.forEach(d -> events.add(d.event()));
        int failures = 0;
        while (running.getAsBoolean()) {
            Throwable failure;
            CompletableFuture<Void> call;
            try {
                call = sink.apply(events).toCompletableFuture();
            } catch (RuntimeException e) {
                call = CompletableFuture.failedFuture(e);
            }
            try {
                call.get(sinkTimeout.toMillis(), TimeUnit.MILLISECONDS);
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (TimeoutException e) {
                stats.sinkFailed();
                log.warn("the sink has not finished a batch of {} events after {}; waiting for it before retrying",
                        batch.size(), sinkTimeout);
                failure = awaitEnd(call);
                if (failure == null) {
                    return true; // it finished after all
                }
            } catch (ExecutionException e) {
                failure = e.getCause() == null ? e : e.getCause();
            }
            if (!running.getAsBoolean()) {
                return false; // stopped while waiting: the batch is read again by whoever consumes next
            }
            UnstorableEventException unstorable = ConsumerStats.unstorable(failure);
            if (unstorable != null) {
                if (batch.size() == 1) {
                    return deadLetters.send(batch.get(0).record(),
                            "the sink cannot store it: " + unstorable.getMessage(), this::pauseFor);
                }
                int half = batch.size() / 2;
                return apply(batch.subList(0, half)) && apply(batch.subList(half, batch.size()));
            }
            stats.sinkFailed();
            failures++;
            long backoff = backoffMillis(failures);
            log.warn("the sink failed a batch of {} events ({}); retrying in {} ms",
                    batch.size(), SafeText.of(failure.toString()), backoff);
            pauseFor(backoff);
        }
        return false;
    }

    /**
     * Waits, staying in the group, until {@code call} ends: its failure, null if it completed; if the consumer stops
     * first, a {@link CancellationException} (the outcome is unknown, and the loop is ending).
     */
    private @Nullable Throwable awaitEnd(CompletableFuture<Void> call) {
        while (running.getAsBoolean() && !call.isDone()) {
            pauseFor(pollTimeout.toMillis());
        }
        if (!call.isDone()) {
            return new CancellationException("the consumer stopped while the sink was still applying the batch");
        }
        try {
            call.join();
            return null;
        } catch (CompletionException | CancellationException e) {
            return e.getCause() == null ? e : e.getCause();
        }
    }

    long backoffMillis(int failures) {
        return ConsumerStats.backoffMillis(failures, initialBackoff, maxBackoff);
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
