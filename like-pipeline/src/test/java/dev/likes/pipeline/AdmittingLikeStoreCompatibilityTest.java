package dev.likes.pipeline;

import dev.likes.core.InMemoryLikeStore;
import dev.likes.core.LikeStore;
import dev.likes.testkit.LikeStoreCompatibilityKit;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** The admission decorator keeps the contract of the store it wraps when it admits every call. */
class AdmittingLikeStoreCompatibilityTest extends LikeStoreCompatibilityKit {

    @Override
    protected LikeStore createStore() {
        Bulkhead bulkhead = Bulkhead.of("kit", BulkheadConfig.custom().maxConcurrentCalls(1_000)
                .maxWaitDuration(Duration.ZERO).build());
        return new AdmittingLikeStore(InMemoryLikeStore.create(), bulkhead,
                user -> CompletableFuture.completedFuture(Duration.ZERO), PipelineMetrics.NONE);
    }
}
