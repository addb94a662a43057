package dev.likes.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.likes.core.ContentRef;
import dev.likes.core.ForwardingLikeStore;
import dev.likes.core.InMemoryLikeStore;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeMutation;
import dev.likes.core.LikeRejectedException;
import dev.likes.core.LikeResult;
import dev.likes.core.LikeStore;
import dev.likes.core.LikeStoreException;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The admission decorator over an in-memory store behind a gate that holds or fails its writes: what is shed or
 * refused never reaches the store, and a permit comes back however a call ends.
 */
class AdmittingLikeStoreTest {

    private static final ContentRef POST = ContentRef.of("post", 1);

    private final GatedStore inner = new GatedStore(InMemoryLikeStore.create());
    private final List<String> outcomes = new ArrayList<>();
    private final PipelineMetrics metrics = new PipelineMetrics() {
        @Override
        public synchronized void mutation(LikeAction action, String status, long nanos) {
            outcomes.add(status);
        }
    };

    private static Bulkhead bulkhead(int permits) {
        return Bulkhead.of("test", BulkheadConfig.custom().maxConcurrentCalls(permits)
                .maxWaitDuration(Duration.ZERO).build());
    }

    private static LikeMutation like(long user) {
        return new LikeMutation(UUID.randomUUID().toString(), user, POST, LikeAction.LIKE, null,
                Instant.parse("2026-01-01T00:00:00Z"));
    }

    private static Throwable failure(CompletionStage<?> stage) {
        return stage.toCompletableFuture().handle((v, e) -> e instanceof CompletionException c
                ? c.getCause() : e).join();
    }

    @Test
    void beyondItsPermitsACallIsShedAtOnceAndTheStoreNeverSeesIt() {
        AdmittingLikeStore store = new AdmittingLikeStore(inner, bulkhead(2), null, metrics);
        inner.hold();
        CompletableFuture<LikeResult> first = store.apply(like(1)).toCompletableFuture();
        CompletableFuture<LikeResult> second = store.apply(like(2)).toCompletableFuture();

        Throwable shed = failure(store.apply(like(3)));

        assertThat(shed).isInstanceOf(LikeRejectedException.class);
        assertThat(((LikeRejectedException) shed).reason()).isEqualTo(LikeRejectedException.Reason.OVERLOADED);
        assertThat(inner.applied()).as("the shed like reached nothing").isEqualTo(2);
        inner.release();
        assertThat(first.join().status()).isEqualTo(LikeResult.Status.APPLIED);
        assertThat(second.join().status()).isEqualTo(LikeResult.Status.APPLIED);
        assertThat(store.apply(like(3)).toCompletableFuture().join().status())
                .as("the permits came back").isEqualTo(LikeResult.Status.APPLIED);
        assertThat(store.count(POST).toCompletableFuture().join()).isEqualTo(3);
        assertThat(outcomes).containsExactlyInAnyOrder("APPLIED", "APPLIED", "REJECTED", "APPLIED");
    }

    @Test
    void aCallTheStoreFailsGivesItsPermitBackAndReportsTheFailure() {
        AdmittingLikeStore store = new AdmittingLikeStore(inner, bulkhead(1), null, metrics);
        inner.failing.set(true);

        assertThat(failure(store.apply(like(1)))).isInstanceOf(LikeStoreException.class);
        assertThat(failure(store.apply(like(2)))).as("the permit of the failed call was given back")
                .isInstanceOf(LikeStoreException.class);
        inner.failing.set(false);

        assertThat(store.apply(like(3)).toCompletableFuture().join().status()).isEqualTo(LikeResult.Status.APPLIED);
        assertThat(outcomes).containsExactly("FAILED", "FAILED", "APPLIED");
    }

    @Test
    void aUserOverTheRateLimitIsRefusedWithTheWaitAndOthersGoOn() {
        AdmittingLikeStore store = new AdmittingLikeStore(inner, bulkhead(10),
                user -> CompletableFuture.completedFuture(user == 7 ? Duration.ofMillis(500) : Duration.ZERO), metrics);

        Throwable refused = failure(store.apply(like(7)));

        assertThat(refused).isInstanceOf(LikeRejectedException.class).hasMessageContaining("user 7");
        assertThat(((LikeRejectedException) refused).reason()).isEqualTo(LikeRejectedException.Reason.RATE_LIMITED);
        assertThat(((LikeRejectedException) refused).retryAfter()).isEqualTo(Duration.ofMillis(500));
        assertThat(inner.applied()).isZero();
        assertThat(store.apply(like(8)).toCompletableFuture().join().status()).isEqualTo(LikeResult.Status.APPLIED);
        assertThat(store.apply(like(9)).toCompletableFuture().join().status())
                .as("the refused call's permit came back: one of ten in use at most").isEqualTo(LikeResult.Status.APPLIED);
    }

    @Test
    void drainingRefusesNewCallsAndWaitsForThoseInFlight() throws Exception {
        AdmittingLikeStore store = new AdmittingLikeStore(inner, bulkhead(4), null, metrics);
        inner.hold();
        CompletableFuture<LikeResult> inFlight = store.apply(like(1)).toCompletableFuture();

        assertThat(store.drain(Duration.ofMillis(50))).as("one is still in flight").isFalse();
        assertThat(failure(store.apply(like(2)))).isInstanceOf(LikeStoreException.class)
                .hasMessageContaining("closing");
        inner.release();
        assertThat(inFlight.join().status()).isEqualTo(LikeResult.Status.APPLIED);
        assertThat(store.drain(Duration.ofSeconds(5))).isTrue();
        assertThat(inner.applied()).isEqualTo(1);
    }

    /** An in-memory store whose writes can be held until released, or failed. */
    private static final class GatedStore extends ForwardingLikeStore {
        private volatile CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);
        private final AtomicBoolean failing = new AtomicBoolean();
        private int applied;

        GatedStore(LikeStore store) {
            super(store);
        }

        void hold() {
            gate = new CompletableFuture<>();
        }

        void release() {
            gate.complete(null);
        }

        synchronized int applied() {
            return applied;
        }

        @Override
        public CompletionStage<LikeResult> apply(LikeMutation mutation) {
            synchronized (this) {
                applied++;
            }
            if (failing.get()) {
                return CompletableFuture.failedFuture(new LikeStoreException("the store is down", null));
            }
            return gate.thenCompose(open -> super.apply(mutation));
        }
    }
}
