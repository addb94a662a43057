package dev.likes.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
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
        LikeStore broken = new FailingStore(new IOException("connection refused"));
        assertThatThrownBy(() -> LikeService.builder(broken).build().count(POST))
                .isInstanceOf(LikeStoreException.class)
                .hasRootCauseMessage("connection refused");

        LikeStoreException timeout = new LikeStoreException("timed out", null);
        assertThatThrownBy(() -> LikeService.builder(new FailingStore(timeout)).build().like(1, POST))
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
        RecordingEventPublisher events = new RecordingEventPublisher();
        LikeService service =
                LikeService.builder(InMemoryLikeStore.create()).publisher(events).build();
        service.like(1, POST);

        assertThat(events.events().get(0).occurredAt().getNano() % 1_000_000).isZero();
    }

    /** A store whose backend is down: every call fails with the given exception. */
    private static final class FailingStore implements LikeStore {
        private final Throwable failure;

        FailingStore(Throwable failure) {
            this.failure = failure;
        }

        private <T> CompletionStage<T> fail() {
            return CompletableFuture.failedFuture(failure);
        }

        @Override
        public CompletionStage<LikeResult> apply(LikeMutation mutation) {
            return fail();
        }

        @Override
        public CompletionStage<Boolean> hasLiked(long userId, ContentRef content) {
            return fail();
        }

        @Override
        public CompletionStage<Long> count(ContentRef content) {
            return fail();
        }

        @Override
        public CompletionStage<java.util.Map<ContentRef, Long>> counts(java.util.Set<ContentRef> contents) {
            return fail();
        }

        @Override
        public CompletionStage<java.util.Set<ContentRef>> likedAmong(long userId, java.util.Set<ContentRef> contents) {
            return fail();
        }

        @Override
        public CompletionStage<java.util.List<Liker>> likers(ContentRef content, Liker after, int limit) {
            return fail();
        }

        @Override
        public CompletionStage<java.util.List<UserLike>> likesOf(
                long userId, String contentType, UserLike after, int limit) {
            return fail();
        }
    }
}
