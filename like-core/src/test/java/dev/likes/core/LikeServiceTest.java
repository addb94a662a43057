package dev.likes.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The service's own logic around the store: wiring, failures, closing. */
class LikeServiceTest {

    private static final ContentRef POST = ContentRef.of("post", 1);

    @Test
    void aStoreIsRequiredAndTheMessageSaysWhatToPass() {
        assertThatThrownBy(() -> LikeService.builder(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("LikeService.inMemory()");
        assertThatThrownBy(() -> LikeService.builder(InMemoryLikeStore.create()).publisher(null))
                .hasMessageContaining("EventPublisher.NONE");
    }

    @Test
    void aRefusedEventReachesTheCallerWithTheAppliedResult() {
        IOException brokerDown = new IOException("broker down");
        EventPublisher failing = event -> CompletableFuture.failedFuture(brokerDown);
        LikeService service =
                LikeService.builder(InMemoryLikeStore.create()).publisher(failing).build();

        assertThatThrownBy(() -> service.like(1, POST))
                .isInstanceOfSatisfying(EventPublishException.class, e -> {
                    assertThat(e.result().changed()).isTrue();
                    assertThat(e.event().userId()).isEqualTo(1);
                })
                .hasCause(brokerDown);
        // an unchanged like publishes nothing, so nothing can fail
        assertThat(service.like(1, POST).status()).isEqualTo(LikeResult.Status.UNCHANGED);
    }

    @Test
    void theAsyncViewReportsFailuresThroughTheStage() {
        EventPublisher failing = event -> CompletableFuture.failedFuture(new IllegalStateException("full"));
        LikeService service =
                LikeService.builder(InMemoryLikeStore.create()).publisher(failing).build();

        CompletionStage<LikeResult> stage = service.async().like(1, POST);
        assertThatThrownBy(() -> stage.toCompletableFuture().get())
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(EventPublishException.class);
    }

    @Test
    void aCheckedStoreFailureIsWrappedAndARuntimeOneIsRethrownAsItIs() {
        LikeStore broken = StubStore.failing(new IOException("connection refused"));
        assertThatThrownBy(() -> LikeService.builder(broken).build().count(POST))
                .isInstanceOf(LikeStoreException.class)
                .hasRootCauseMessage("connection refused");

        LikeStoreException timeout = new LikeStoreException("timed out", null);
        assertThatThrownBy(() -> LikeService.builder(StubStore.failing(timeout)).build().like(1, POST))
                .isSameAs(timeout);
    }

    @Test
    void aClosedServiceRejectsCalls() {
        LikeService service = LikeService.inMemory();
        service.close();
        service.close();

        assertThatThrownBy(() -> service.like(1, POST))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("LikeService is closed");
        assertThatThrownBy(() -> service.async().count(POST)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void timesAreKeptToTheMillisecond() {
        List<LikeEvent> events = new CopyOnWriteArrayList<>();
        LikeService service = LikeService.builder(InMemoryLikeStore.create()).publisher(event -> {
            events.add(event);
            return CompletableFuture.completedFuture(null);
        }).build();
        service.like(1, POST);

        assertThat(events.get(0).occurredAt().getNano() % 1_000_000).isZero();
    }

    @Test
    void everyCallEndsWithinTheCallTimeoutAndLeavesTheStoresWorkAlone() {
        StubStore silent = StubStore.silent();
        LikeService service = LikeService.builder(silent).callTimeout(Duration.ofMillis(50)).build();

        assertThatThrownBy(() -> service.like(1, POST, "r1"))
                .isInstanceOfSatisfying(LikeTimeoutException.class,
                        e -> assertThat(e.timeout()).isEqualTo(Duration.ofMillis(50)))
                .hasMessageContaining("like of user 1 on post:1")
                .hasMessageContaining("outcome is unknown");
        assertThatThrownBy(() -> service.unlike(1, POST)).isInstanceOf(LikeTimeoutException.class);
        assertThatThrownBy(() -> service.count(POST)).isInstanceOf(LikeTimeoutException.class)
                .hasMessageContaining("count");
        assertThatThrownBy(() -> service.feed(1, List.of(POST))).isInstanceOf(LikeTimeoutException.class);
        assertThatThrownBy(() -> service.likers(POST, PageRequest.first(10))).isInstanceOf(LikeTimeoutException.class);
        assertThatThrownBy(() -> service.async().hasLiked(1, POST).toCompletableFuture().get())
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(LikeTimeoutException.class);
        // the store's own futures are not completed by the service's timeout: the store may still finish its work
        assertThat(silent.started).isNotEmpty().allMatch(f -> !f.isDone());
    }

    @Test
    void aStoreThatAnswersInTimeIsNotTouchedByTheTimeout() {
        LikeService service = LikeService.builder(InMemoryLikeStore.create()).callTimeout(Duration.ofMillis(1)).build();
        assertThat(service.like(1, POST).status()).isEqualTo(LikeResult.Status.APPLIED);
        assertThatThrownBy(() -> LikeService.builder(InMemoryLikeStore.create()).callTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("callTimeout must be at least 1 ms");
        assertThatThrownBy(() -> LikeService.builder(InMemoryLikeStore.create()).callTimeout(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("callTimeout");
    }

    /** A store whose every call answers with a future from {@code answer}: failed, or never completed. */
    private static final class StubStore implements LikeStore {
        private final Supplier<CompletableFuture<Object>> answer;
        final List<CompletableFuture<?>> started = new CopyOnWriteArrayList<>();

        private StubStore(Supplier<CompletableFuture<Object>> answer) {
            this.answer = answer;
        }

        /** A store whose backend is down: every call fails with {@code failure}. */
        static StubStore failing(Throwable failure) {
            return new StubStore(() -> CompletableFuture.failedFuture(failure));
        }

        /** A store whose backend never answers. */
        static StubStore silent() {
            return new StubStore(CompletableFuture::new);
        }

        @SuppressWarnings("unchecked")
        private <T> CompletionStage<T> answer() {
            CompletableFuture<Object> future = answer.get();
            started.add(future);
            return (CompletionStage<T>) (CompletionStage<?>) future;
        }

        @Override
        public CompletionStage<LikeResult> apply(LikeMutation mutation) {
            return answer();
        }

        @Override
        public CompletionStage<Boolean> hasLiked(long userId, ContentRef content) {
            return answer();
        }

        @Override
        public CompletionStage<Long> count(ContentRef content) {
            return answer();
        }

        @Override
        public CompletionStage<Map<ContentRef, Long>> counts(Set<ContentRef> contents) {
            return answer();
        }

        @Override
        public CompletionStage<Set<ContentRef>> likedAmong(long userId, Set<ContentRef> contents) {
            return answer();
        }

        @Override
        public CompletionStage<FeedState> feed(long userId, Set<ContentRef> contents) {
            return answer();
        }

        @Override
        public CompletionStage<List<Liker>> likers(ContentRef content, Liker after, int limit) {
            return answer();
        }

        @Override
        public CompletionStage<List<UserLike>> likesOf(long userId, String contentType, UserLike after, int limit) {
            return answer();
        }
    }
}
