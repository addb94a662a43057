package dev.likes.pipeline;

import dev.likes.core.ContentRef;
import dev.likes.core.FeedState;
import dev.likes.core.ForwardingLikeStore;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeMutation;
import dev.likes.core.LikeResult;
import dev.likes.core.LikeStore;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A {@link LikeStore} that observes mutations ({@value #MUTATION}) and feed reads ({@value #FEED}) of its delegate
 * with Micrometer's Observation API, so one instrumentation gives timers and, with Micrometer Tracing, spans. An
 * observation's scope is open while the delegate's call runs on the caller's thread (what it logs there carries the
 * trace in the MDC); it stops when the stage completes. Other calls pass through. Thread-safe if the delegate is.
 */
final class ObservedLikeStore extends ForwardingLikeStore {

    /** The observation of a like or unlike. */
    static final String MUTATION = "like.mutation";
    /** The observation of a feed page read. */
    static final String FEED = "like.feed";

    private final ObservationRegistry registry;

    ObservedLikeStore(LikeStore delegate, ObservationRegistry registry) {
        super(delegate);
        this.registry = registry;
    }

    @Override
    public CompletionStage<LikeResult> apply(LikeMutation mutation) {
        Observation observation = Observation.createNotStarted(MUTATION, registry)
                .contextualName(mutation.action() == LikeAction.LIKE ? "like" : "unlike")
                .lowCardinalityKeyValue("like.action", mutation.action().name().toLowerCase(Locale.ROOT))
                .lowCardinalityKeyValue("like.content.type", mutation.content().type())
                .highCardinalityKeyValue("like.content", mutation.content().toString())
                .start();
        return observe(observation, () -> delegate().apply(mutation), r -> r.status().name());
    }

    @Override
    public CompletionStage<FeedState> feed(long userId, Set<ContentRef> contents) {
        Observation observation = Observation.createNotStarted(FEED, registry)
                .contextualName("feed")
                .highCardinalityKeyValue("like.contents", Integer.toString(contents.size()))
                .start();
        return observe(observation, () -> delegate().feed(userId, contents),
                f -> f.possiblyStale() ? "possibly stale" : "fresh");
    }

    /** Runs the call in the observation's scope, and stops it when the stage completes, with its outcome. */
    static <T> CompletionStage<T> observe(Observation observation, Supplier<CompletionStage<T>> call,
            Function<T, String> outcome) {
        CompletionStage<T> stage;
        Observation.Scope scope = observation.openScope();
        try {
            stage = call.get();
        } catch (RuntimeException | Error e) {
            scope.close();
            observation.lowCardinalityKeyValue("like.outcome", "error").error(e).stop();
            throw e;
        }
        scope.close();
        return stage.whenComplete((value, failure) -> {
            if (failure != null) {
                observation.lowCardinalityKeyValue("like.outcome", "error").error(failure);
            } else {
                observation.lowCardinalityKeyValue("like.outcome", outcome.apply(value));
            }
            observation.stop();
        });
    }
}
