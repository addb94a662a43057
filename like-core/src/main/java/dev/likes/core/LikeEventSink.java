package dev.likes.core;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The SPI of what consumes like events: the durable store a Kafka consumer writes into, or anything a host plugs in.
 *
 * <p>An implementation applies a batch <b>idempotently</b> (an event applied before changes nothing when it comes
 * again) and <b>order-safely</b> (an event whose {@link LikeEvent#version()} is not newer than the last one applied
 * for the same (user, content) does not win), so that at-least-once delivery in any order per (user, content) gives
 * exactly-once effect. The stage completes only when the whole batch is durably applied; if it fails, none or part of
 * the batch may have been applied, and the caller delivers the batch again. If it fails with an
 * {@link UnstorableEventException}, the batch holds an event the sink can never store: the caller splits the batch to
 * find that event and sets it aside, and delivers the others. Implementations are thread-safe.
 */
@FunctionalInterface
public interface LikeEventSink {

    /**
     * Applies a batch of events.
     *
     * @param events the events, in delivery order; never empty
     * @return a stage completed when the batch is durably applied
     */
    CompletionStage<Void> apply(List<LikeEvent> events);
}
