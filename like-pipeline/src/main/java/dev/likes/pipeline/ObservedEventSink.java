package dev.likes.pipeline;

import dev.likes.core.LikeEvent;
import dev.likes.core.LikeEventSink;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * A {@link LikeEventSink} that observes each batch its delegate applies ({@value #BATCH}), with the batch's size as a
 * high-cardinality key value. Thread-safe if the delegate is.
 */
final class ObservedEventSink implements LikeEventSink {

    /** The observation of a batch of events applied by the consumer. */
    static final String BATCH = "like.consumer.batch";

    private final LikeEventSink delegate;
    private final ObservationRegistry registry;

    ObservedEventSink(LikeEventSink delegate, ObservationRegistry registry) {
        this.delegate = delegate;
        this.registry = registry;
    }

    @Override
    public CompletionStage<Void> apply(List<LikeEvent> events) {
        Observation observation = Observation.createNotStarted(BATCH, registry)
                .contextualName("apply events")
                .highCardinalityKeyValue("like.events", Integer.toString(events.size()))
                .start();
        return ObservedLikeStore.observe(observation, () -> delegate.apply(events), done -> "applied");
    }
}
