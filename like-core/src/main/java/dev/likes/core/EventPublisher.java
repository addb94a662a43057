package dev.likes.core;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The event SPI: receives a {@link LikeEvent} for every state change the service applied.
 *
 * <p>{@link #publish} completes its stage once the publisher has taken responsibility for the event (a broker
 * acknowledged it, or it was written somewhere durable); the like call that caused the event completes only after
 * that. A failure completes the stage exceptionally and reaches the caller as an {@link EventPublishException}; it is
 * never only logged. Implementations are thread-safe and must not block the calling thread.
 */
public interface EventPublisher extends AutoCloseable {

    /** A publisher that accepts every event and does nothing with it. */
    EventPublisher NONE = event -> CompletableFuture.completedFuture(null);

    /**
     * Publishes one event.
     *
     * @param event the event, never null
     * @return a stage completed when the event is accepted, or exceptionally if it was not
     */
    CompletionStage<Void> publish(LikeEvent event);

    /** Releases what the publisher opened; resources the host passed in stay open. The default does nothing. */
    @Override
    default void close() {}
}
