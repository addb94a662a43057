package dev.likes.core;

import org.jspecify.annotations.Nullable;

/**
 * A {@link LikeEventSink} can never store an event of a batch: its data breaks a rule of the backend (a time the
 * database cannot hold, a value out of its range). Delivering the same event again would fail the same way, so a
 * caller splits the batch to find the event and sets it aside (a dead-letter topic) instead of retrying.
 *
 * <p>A sink throws it only for failures caused by the events themselves, never for an unreachable or slow backend.
 */
public class UnstorableEventException extends LikeStoreException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what rule the event breaks; never include credentials
     * @param cause the backend's failure, or {@code null}
     */
    public UnstorableEventException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
