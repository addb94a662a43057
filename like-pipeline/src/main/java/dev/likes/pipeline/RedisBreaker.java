package dev.likes.pipeline;

import dev.likes.core.LikeStoreException;
import dev.likes.core.LikeTimeoutException;
import dev.likes.core.internal.Futures;
import dev.likes.redis.BackingStoreException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Calls to Redis through its circuit breaker (Resilience4j), each with what to do instead when Redis cannot answer.
 * Thread-safe.
 */
final class RedisBreaker {

    private final CircuitBreaker breaker;
    private volatile boolean closing;

    RedisBreaker(CircuitBreaker breaker) {
        this.breaker = breaker;
    }

    CircuitBreaker breaker() {
        return breaker;
    }

    /** From now on a change whose call fails has an unknown outcome instead of going to its fallback. */
    void closing() {
        closing = true;
    }

    boolean isClosing() {
        return closing;
    }

    /** Whether the breaker lets every call through: Redis answered the recent ones. */
    boolean redisAnswers() {
        return breaker.getState() == CircuitBreaker.State.CLOSED;
    }

    /** A read (or a check) through the breaker: see {@link #call(Supplier, Supplier, Supplier, boolean)}. */
    <T> CompletableFuture<T> call(Supplier<CompletionStage<T>> call, Supplier<CompletionStage<T>> fallback) {
        return call(call, fallback, fallback, false);
    }

    /**
     * Calls Redis through the breaker: an open breaker or a {@link LikeStoreException} (Redis unreachable or slow)
     * goes to {@code fallback}; any other failure (bad input) is the caller's and does not count against Redis. A
     * failure of the backing store while Redis loads a content ({@link BackingStoreException}) goes to
     * {@code loadFailed} without counting against Redis. A {@link LikeTimeoutException} of a {@code mutation}
     * counts against Redis but fails the call: its outcome is unknown (Redis may still apply it), so it must not be
     * applied a second time through the fallback.
     */
    <T> CompletableFuture<T> call(Supplier<CompletionStage<T>> call, Supplier<CompletionStage<T>> fallback,
            Supplier<CompletionStage<T>> loadFailed, boolean mutation) {
        if (!breaker.tryAcquirePermission()) {
            return fallback.get().toCompletableFuture();
        }
        long start = System.nanoTime();
        return Futures.attempt(call).handle((value, failure) -> {
            long took = System.nanoTime() - start;
            if (failure == null) {
                breaker.onSuccess(took, TimeUnit.NANOSECONDS);
                return CompletableFuture.completedFuture(value);
            }
            Throwable cause = Futures.unwrap(failure);
            if (closing && mutation) {
                // the pipeline closes what this call needs: its failure says nothing about Redis, and a change
                // accepted in degraded mode now could not be journaled or replayed
                breaker.releasePermission();
                return CompletableFuture.<T>failedFuture(new LikeStoreException(
                        "the like pipeline closed while this change was in flight; its outcome is unknown", cause));
            }
            if (cause instanceof BackingStoreException) {
                breaker.releasePermission();
                return loadFailed.get().toCompletableFuture();
            }
            if (cause instanceof LikeStoreException) {
                breaker.onError(took, TimeUnit.NANOSECONDS, cause);
                if (mutation && cause instanceof LikeTimeoutException) {
                    return CompletableFuture.<T>failedFuture(cause);
                }
                return fallback.get().toCompletableFuture();
            }
            breaker.releasePermission();
            return CompletableFuture.<T>failedFuture(cause);
        }).thenCompose(Function.identity());
    }
}
