package dev.likes.events;

import dev.likes.core.LikeEvent;
import dev.likes.core.LikeEventSink;
import dev.likes.core.UnstorableEventException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntToLongFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a batch of deliveries to a {@link LikeEventSink} the way every queue module's consumer does: in order, as
 * one sink call; while the sink fails, again after a backoff, never moving past the batch; an event the sink reports
 * it can never store ({@link UnstorableEventException}) is found by splitting the batch in halves and set aside as a
 * dead letter, and the others are applied. A sink call that outlives the sink timeout counts as failed, but the next
 * try starts only once that call has ended, so two applications of one batch never run side by side.
 *
 * <p>Not thread-safe: the consumer's own thread uses it.
 *
 * @param <T> a delivery of the queue client: a record or a message, with its event
 */
public final class BatchApplier<T> {

    /**
     * What the applier needs of the queue client.
     *
     * @param <T> a delivery
     */
    public interface Deliveries<T> {

        /**
         * The event a delivery carries.
         *
         * @param delivery a delivery of the batch
         * @return its decoded event
         */
        LikeEvent event(T delivery);

        /**
         * Whether to go on trying: the consumer runs and its client can still acknowledge the batch.
         *
         * @return false to abandon the batch
         */
        boolean live();

        /**
         * Waits between tries, keeping the client alive (e.g. in its group); returns early once {@link #live()} is
         * false.
         *
         * @param millis how long
         */
        void pause(long millis);

        /**
         * Sets a delivery aside as a dead letter.
         *
         * @param delivery the delivery
         * @param reason why, not yet escaped
         * @return false if the consumer stopped before the letter was sent
         */
        boolean deadLetter(T delivery, String reason);
    }

    private static final Logger log = LoggerFactory.getLogger(BatchApplier.class);
    private static final long AWAIT_STEP_MILLIS = 100;

    private final LikeEventSink sink;
    private final ConsumerStats stats;
    private final Duration sinkTimeout;
    private final IntToLongFunction backoff;
    private final Deliveries<T> deliveries;

    /**
     * An applier for one consumer.
     *
     * @param sink where the events go
     * @param stats the consumer's figures: failed sink calls, and the run of failures
     * @param sinkTimeout how long a sink call may take before it counts as failed
     * @param backoff the wait in milliseconds after a number of failures in a row
     * @param deliveries the queue client's side
     */
    public BatchApplier(LikeEventSink sink, ConsumerStats stats, Duration sinkTimeout, IntToLongFunction backoff,
            Deliveries<T> deliveries) {
        this.sink = Objects.requireNonNull(sink, "sink must not be null");
        this.stats = Objects.requireNonNull(stats, "stats must not be null");
        this.sinkTimeout = Objects.requireNonNull(sinkTimeout, "sinkTimeout must not be null");
        this.backoff = Objects.requireNonNull(backoff, "backoff must not be null");
        this.deliveries = Objects.requireNonNull(deliveries, "deliveries must not be null");
    }

    /**
     * Applies the batch, dead-lettering what the sink can never store.
     *
     * @param batch deliveries in the order they arrived, not empty
     * @return true once every event was applied or dead-lettered; false if the consumer stopped or the client went
     *     first (the batch is then delivered again)
     */
    public boolean apply(List<T> batch) {
        List<LikeEvent> events = new ArrayList<>(batch.size());
        batch.forEach(d -> events.add(deliveries.event(d)));
        int failures = 0;
        while (deliveries.live()) {
            CompletableFuture<Void> call;
            try {
                call = sink.apply(events).toCompletableFuture();
            } catch (RuntimeException e) {
                call = CompletableFuture.failedFuture(e);
            }
            Throwable failure;
            try {
                call.get(sinkTimeout.toMillis(), TimeUnit.MILLISECONDS);
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (ExecutionException e) {
                failure = e.getCause() == null ? e : e.getCause();
            } catch (TimeoutException e) {
                stats.sinkFailed();
                log.warn("the sink has not finished a batch of {} events after {}; waiting for it before retrying",
                        batch.size(), sinkTimeout);
                failure = awaitEnd(call);
                if (failure == null) {
                    return true; // it finished after all
                }
            }
            if (!deliveries.live()) {
                return false; // stopped while waiting: the batch is delivered again to whoever consumes next
            }
            UnstorableEventException unstorable = ConsumerStats.unstorable(failure);
            if (unstorable != null) {
                if (batch.size() == 1) {
                    return deliveries.deadLetter(batch.get(0), "the sink cannot store it: " + unstorable.getMessage());
                }
                int half = batch.size() / 2;
                return apply(batch.subList(0, half)) && apply(batch.subList(half, batch.size()));
            }
            stats.sinkFailed();
            stats.failed(failure);
            long wait = backoff.applyAsLong(++failures);
            log.warn("the sink failed a batch of {} events ({}); retrying in {} ms", batch.size(),
                    SafeText.of(failure.toString()), wait);
            deliveries.pause(wait);
        }
        return false;
    }

    /**
     * Waits until {@code call} ends: its failure, or null if it completed; if the consumer stops first, a
     * {@link CancellationException} (the outcome is unknown, and the loop is ending).
     */
    private @Nullable Throwable awaitEnd(CompletableFuture<Void> call) {
        while (deliveries.live() && !call.isDone()) {
            deliveries.pause(AWAIT_STEP_MILLIS);
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
}
