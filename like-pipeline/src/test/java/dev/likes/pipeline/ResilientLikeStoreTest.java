package dev.likes.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.likes.core.ContentRef;
import dev.likes.core.FeedState;
import dev.likes.core.ForwardingLikeStore;
import dev.likes.core.InMemoryLikeStore;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeMutation;
import dev.likes.core.LikeRejectedException;
import dev.likes.core.LikeResult;
import dev.likes.core.LikeStore;
import dev.likes.core.LikeStoreException;
import dev.likes.core.LikeTimeoutException;
import dev.likes.testkit.RecordingEventPublisher;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The degraded mode over an in-memory hot tier behind a wrapper that fails it on demand, an in-memory durable store
 * and an in-memory journal: what a failing hot tier turns into, and how it is repaired when the tier is back.
 */
class ResilientLikeStoreTest {

    private static final ContentRef POST = ContentRef.of("post", 1);

    private final FailingStore hot = new FailingStore(InMemoryLikeStore.create());
    private final InMemoryLikeStore durable = InMemoryLikeStore.create();
    private final InMemoryJournal journal = new InMemoryJournal();
    private final RecordingEventPublisher published = new RecordingEventPublisher();

    private ResilientLikeStore store(int maxDegraded) {
        HotTier tier = InMemoryJournal.forgetfulTier(hot.down::get);
        BackingStoreBreaker guard = new BackingStoreBreaker(durable, CircuitBreaker.ofDefaults("mysql"),
                Duration.ofSeconds(1));
        return new ResilientLikeStore(hot, tier, durable, (user, content, requestId, now) ->
                CompletableFuture.completedFuture(false), journal, guard, published, CircuitBreaker.ofDefaults("hot"),
                Clock.systemUTC(), maxDegraded, PipelineMetrics.NONE);
    }

    private static LikeMutation like(long user, @Nullable String requestId) {
        return new LikeMutation(UUID.randomUUID().toString(), user, POST, LikeAction.LIKE, requestId,
                Instant.parse("2026-01-01T00:00:00Z"));
    }

    private static LikeResult answer(CompletionStage<LikeResult> stage) {
        return stage.toCompletableFuture().join();
    }

    private static Throwable failure(CompletionStage<?> stage) {
        return stage.toCompletableFuture().handle((v, e) -> e instanceof CompletionException c ? c.getCause() : e)
                .join();
    }

    @Test
    void whileTheHotTierIsDownALikeIsAcceptedJournaledAndPublishedThenReplayedWhenItIsBack() {
        ResilientLikeStore store = store(100);
        hot.fail(new LikeStoreException("the hot tier is down", null));

        LikeResult accepted = answer(store.apply(like(7, "r1")));

        assertThat(accepted.status()).isEqualTo(LikeResult.Status.ACCEPTED);
        assertThat(accepted.liked()).isTrue();
        assertThat(published.events()).singleElement().satisfies(e -> {
            assertThat(e.userId()).isEqualTo(7);
            assertThat(e.version()).isEqualTo(accepted.version());
        });
        assertThat(journal.size()).isEqualTo(1);
        assertThat(store.degradedBacklog()).isEqualTo(1);

        hot.recover();
        store.repairAll();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(store.degradedBacklog()).isZero();
            assertThat(journal.size()).as("replayed entries leave the journal").isZero();
        });
        assertThat(hot.count(POST).toCompletableFuture().join()).as("the hot tier holds the like after its replay")
                .isEqualTo(1);
        assertThat(store.hasLiked(7, POST).toCompletableFuture().join()).isTrue();
    }

    @Test
    void aRetryWithTheSameRequestIdDuringTheOutageIsADuplicateAndPublishesNothing() {
        ResilientLikeStore store = store(100);
        hot.fail(new LikeStoreException("the hot tier is down", null));

        assertThat(answer(store.apply(like(7, "r1"))).status()).isEqualTo(LikeResult.Status.ACCEPTED);
        LikeResult retry = answer(store.apply(like(7, "r1")));

        assertThat(retry.status()).isEqualTo(LikeResult.Status.DUPLICATE_REQUEST);
        assertThat(retry.liked()).isTrue();
        assertThat(published.events()).hasSize(1);
        assertThat(store.degradedBacklog()).isEqualTo(1);
    }

    @Test
    void aTimeoutOfTheHotTierIsAnUnknownOutcomeAndNotAcceptedInDegradedMode() {
        ResilientLikeStore store = store(100);
        hot.fail(new LikeTimeoutException("the hot tier did not answer in time", Duration.ofSeconds(1), null));

        assertThat(failure(store.apply(like(7, "r1")))).isInstanceOf(LikeTimeoutException.class);
        assertThat(published.events()).isEmpty();
        assertThat(journal.size()).isZero();
        assertThat(store.degradedBacklog()).isZero();
    }

    @Test
    void beyondTheDegradedBoundChangesAreRefusedAndNothingIsRecorded() {
        ResilientLikeStore store = store(2);
        hot.fail(new LikeStoreException("the hot tier is down", null));

        assertThat(answer(store.apply(like(1, null))).status()).isEqualTo(LikeResult.Status.ACCEPTED);
        assertThat(answer(store.apply(like(2, null))).status()).isEqualTo(LikeResult.Status.ACCEPTED);
        Throwable refused = failure(store.apply(like(3, null)));

        assertThat(refused).isInstanceOf(LikeRejectedException.class);
        assertThat(((LikeRejectedException) refused).reason()).isEqualTo(LikeRejectedException.Reason.OVERLOADED);
        assertThat(published.events()).hasSize(2);
        assertThat(journal.size()).isEqualTo(2);
    }

    @Test
    void readsFallBackToTheDurableStoreAndAFeedSaysItMayBeStale() {
        ResilientLikeStore store = store(100);
        answer(durable.apply(like(5, null)));
        hot.fail(new LikeStoreException("the hot tier is down", null));

        assertThat(store.count(POST).toCompletableFuture().join()).isEqualTo(1);
        assertThat(store.hasLiked(5, POST).toCompletableFuture().join()).isTrue();
        FeedState feed = store.feed(5, Set.of(POST)).toCompletableFuture().join();
        assertThat(feed.counts()).isEqualTo(Map.of(POST, 1L));
        assertThat(feed.possiblyStale()).isTrue();
    }

    /** A store that fails every call with the given exception while it is down. */
    private static final class FailingStore extends ForwardingLikeStore {
        final AtomicReference<@Nullable RuntimeException> down = new AtomicReference<>();

        FailingStore(LikeStore store) {
            super(store);
        }

        void fail(RuntimeException failure) {
            down.set(failure);
        }

        void recover() {
            down.set(null);
        }

        private <T> CompletionStage<T> unlessDown(Supplier<CompletionStage<T>> call) {
            RuntimeException failure = down.get();
            return failure != null ? CompletableFuture.failedFuture(failure) : call.get();
        }

        @Override
        public CompletionStage<LikeResult> apply(LikeMutation mutation) {
            return unlessDown(() -> super.apply(mutation));
        }

        @Override
        public CompletionStage<Boolean> hasLiked(long userId, ContentRef content) {
            return unlessDown(() -> super.hasLiked(userId, content));
        }

        @Override
        public CompletionStage<Long> count(ContentRef content) {
            return unlessDown(() -> super.count(content));
        }

        @Override
        public CompletionStage<Map<ContentRef, Long>> counts(Set<ContentRef> contents) {
            return unlessDown(() -> super.counts(contents));
        }

        @Override
        public CompletionStage<Set<ContentRef>> likedAmong(long userId, Set<ContentRef> contents) {
            return unlessDown(() -> super.likedAmong(userId, contents));
        }

        @Override
        public CompletionStage<FeedState> feed(long userId, Set<ContentRef> contents) {
            return unlessDown(() -> super.feed(userId, contents));
        }
    }
}
