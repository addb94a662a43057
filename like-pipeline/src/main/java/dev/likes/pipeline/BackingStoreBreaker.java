package dev.likes.pipeline;

import dev.likes.core.ContentRef;
import dev.likes.core.ContentSnapshot;
import dev.likes.core.FeedState;
import dev.likes.core.LikeMutation;
import dev.likes.core.LikeResult;
import dev.likes.core.LikeStore;
import dev.likes.core.LikeStoreException;
import dev.likes.core.Liker;
import dev.likes.core.UserLike;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The backing store as Redis' read-through sees it: every call goes through a circuit breaker, so that while MySQL is
 * down a like on a content Redis must load fails at once (and the pipeline accepts it in degraded mode) instead of
 * waiting for MySQL until the call's deadline. A call that has not answered within {@code slow} counts as failed for
 * the breaker at that moment; the call itself goes on, and its answer is used if it comes. While the breaker is
 * open, calls fail with {@link LikeStoreException} without reaching MySQL. Thread-safe.
 */
final class BackingStoreBreaker implements LikeStore {

    /*
     * Why a breaker of its own: the Redis breaker must not open because MySQL is down (contents in Redis stay on the
     * hot path), and a load that waits for a dead MySQL (a pool waiting for a connection) ends only after the load
     * timeout, long after the caller's deadline; counting it as failed once it is slow opens this breaker within a
     * few loads. Each permission the breaker grants is settled exactly once: by the answer, or by the slow mark.
     */

    private final LikeStore store;
    private final CircuitBreaker breaker;
    private final long slowNanos;

    BackingStoreBreaker(LikeStore store, CircuitBreaker breaker, Duration slow) {
        this.store = store;
        this.breaker = breaker;
        this.slowNanos = slow.toNanos();
    }

    /**
     * Calls MySQL through the breaker: refused at once while it is open; counted as failed once slower than
     * {@code slow}, or when it fails.
     */
    <T> CompletionStage<T> guard(Supplier<CompletionStage<T>> call) {
        if (!breaker.tryAcquirePermission()) {
            return CompletableFuture.failedFuture(new LikeStoreException("MySQL is unavailable (its circuit breaker is "
                    + breaker.getState() + "): not asked now", null));
        }
        long start = System.nanoTime();
        AtomicBoolean settled = new AtomicBoolean();
        CompletableFuture<T> answer;
        try {
            answer = call.get().toCompletableFuture();
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<T> watched = answer;
        if (!watched.isDone()) {
            CompletableFuture.delayedExecutor(slowNanos, TimeUnit.NANOSECONDS).execute(() -> {
                if (!watched.isDone() && settled.compareAndSet(false, true)) {
                    breaker.onError(slowNanos, TimeUnit.NANOSECONDS, new TimeoutException(
                            "MySQL did not answer within " + TimeUnit.NANOSECONDS.toMillis(slowNanos) + " ms"));
                }
            });
        }
        return watched.whenComplete((value, failure) -> {
            if (settled.compareAndSet(false, true)) {
                long took = System.nanoTime() - start;
                if (failure == null) {
                    breaker.onSuccess(took, TimeUnit.NANOSECONDS);
                } else {
                    breaker.onError(took, TimeUnit.NANOSECONDS, failure);
                }
            }
        });
    }

    @Override
    public CompletionStage<LikeResult> apply(LikeMutation mutation) {
        return guard(() -> store.apply(mutation));
    }

    @Override
    public CompletionStage<Boolean> hasLiked(long userId, ContentRef content) {
        return guard(() -> store.hasLiked(userId, content));
    }

    @Override
    public CompletionStage<Long> count(ContentRef content) {
        return guard(() -> store.count(content));
    }

    @Override
    public CompletionStage<Map<ContentRef, Long>> counts(Set<ContentRef> contents) {
        return guard(() -> store.counts(contents));
    }

    @Override
    public CompletionStage<Set<ContentRef>> likedAmong(long userId, Set<ContentRef> contents) {
        return guard(() -> store.likedAmong(userId, contents));
    }

    @Override
    public CompletionStage<List<Liker>> likers(ContentRef content, @Nullable Liker after, int limit) {
        return guard(() -> store.likers(content, after, limit));
    }

    @Override
    public CompletionStage<List<UserLike>> likesOf(long userId, @Nullable String contentType, @Nullable UserLike after,
            int limit) {
        return guard(() -> store.likesOf(userId, contentType, after, limit));
    }

    @Override
    public CompletionStage<FeedState> feed(long userId, Set<ContentRef> contents) {
        return guard(() -> store.feed(userId, contents));
    }

    @Override
    public CompletionStage<Long> version(ContentRef content) {
        return guard(() -> store.version(content));
    }

    @Override
    public CompletionStage<ContentSnapshot> snapshot(ContentRef content, int limit) {
        return guard(() -> store.snapshot(content, limit));
    }

    /** Leaves the store open: the pipeline closes it. */
    @Override
    public void close() {}
}
