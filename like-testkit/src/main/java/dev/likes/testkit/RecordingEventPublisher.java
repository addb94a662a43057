package dev.likes.testkit;

import dev.likes.core.EventPublisher;
import dev.likes.core.LikeEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * An {@link EventPublisher} that keeps every event in memory, in the order {@link #publish} was called, for tests and
 * demos. Thread-safe; it grows without bound, so call {@link #clear()} in long runs.
 */
public final class RecordingEventPublisher implements EventPublisher {

    private final List<LikeEvent> events = new ArrayList<>();

    /** Creates an empty recorder. */
    public RecordingEventPublisher() {}

    @Override
    public CompletionStage<Void> publish(LikeEvent event) {
        synchronized (events) {
            events.add(Objects.requireNonNull(event, "event"));
        }
        return CompletableFuture.completedFuture(null);
    }

    /**
     * Returns a snapshot of the events recorded so far.
     *
     * @return an unmodifiable copy, oldest first
     */
    public List<LikeEvent> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /** Forgets every recorded event. */
    public void clear() {
        synchronized (events) {
            events.clear();
        }
    }
}
