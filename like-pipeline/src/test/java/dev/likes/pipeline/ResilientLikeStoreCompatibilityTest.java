package dev.likes.pipeline;

import dev.likes.core.InMemoryLikeStore;
import dev.likes.core.LikeStore;
import dev.likes.testkit.LikeStoreCompatibilityKit;
import dev.likes.testkit.RecordingEventPublisher;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** The degraded-mode decorator keeps the contract of the hot tier it wraps while that tier answers. */
class ResilientLikeStoreCompatibilityTest extends LikeStoreCompatibilityKit {

    @Override
    protected LikeStore createStore() {
        InMemoryLikeStore hot = InMemoryLikeStore.create();
        InMemoryLikeStore durable = InMemoryLikeStore.create();
        HotTier tier = InMemoryJournal.forgetfulTier(() -> null);
        return new ResilientLikeStore(hot, tier, durable, (user, content, requestId, now) ->
                CompletableFuture.completedFuture(false), new InMemoryJournal(),
                new BackingStoreBreaker(durable, CircuitBreaker.ofDefaults("mysql"), Duration.ofSeconds(1)),
                new RecordingEventPublisher(), CircuitBreaker.ofDefaults("hot"), Clock.systemUTC(), 10_000,
                PipelineMetrics.NONE);
    }
}
