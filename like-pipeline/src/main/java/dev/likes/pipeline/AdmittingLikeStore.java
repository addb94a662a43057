package dev.likes.pipeline;

import dev.likes.core.ForwardingLikeStore;
import dev.likes.core.LikeMutation;
import dev.likes.core.LikeRejectedException;
import dev.likes.core.LikeResult;
import dev.likes.core.LikeStore;
import dev.likes.core.LikeStoreException;
import dev.likes.core.LikeTimeoutException;
import dev.likes.core.internal.Futures;
import io.github.resilience4j.bulkhead.Bulkhead;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * A {@link LikeStore} decorator that admits likes and unlikes before they reach the store it wraps: first a permit of
 * a semaphore bulkhead (Resilience4j; no waiting: when every permit is taken the call is shed at once with
 * {@link LikeRejectedException.Reason#OVERLOADED} and the wrapped store sees nothing), then a token of the user's rate
 * limit ({@link LikeRejectedException.Reason#RATE_LIMITED}). The permit is given back when the call ends, however it
 * ends. Reads pass through. Each like and unlike is reported with its outcome and time. Thread-safe; nothing blocks a
 * caller's thread.
 */
final class AdmittingLikeStore extends ForwardingLikeStore {

    /** The rate limit of a user. */
    @FunctionalInterface
    interface RateLimit {
        /**
         * Takes a token of the user's bucket.
         *
         * @return zero when the user may act now, else how long until they may; a limit that cannot be asked answers
         *     zero (it fails open)
         */
        CompletionStage<Duration> acquire(long userId);
    }

    private final Bulkhead bulkhead;
    private final @Nullable RateLimit rateLimit;
    private final PipelineMetrics metrics;
    private volatile boolean closing;

    AdmittingLikeStore(LikeStore store, Bulkhead bulkhead, @Nullable RateLimit rateLimit, PipelineMetrics metrics) {
        super(store);
        this.bulkhead = bulkhead;
        this.rateLimit = rateLimit;
        this.metrics = metrics;
    }

    @Override
    public CompletionStage<LikeResult> apply(LikeMutation mutation) {
        long start = System.nanoTime();
        if (closing) {
            return CompletableFuture.failedFuture(new LikeStoreException(
                    "the like pipeline is closing: " + mutation.action() + " of user " + mutation.userId() + " on "
                            + mutation.content() + " was not applied", null));
        }
        if (!bulkhead.tryAcquirePermission()) {
            LikeRejectedException e = new LikeRejectedException(LikeRejectedException.Reason.OVERLOADED,
                    Duration.ofMillis(100), "too many likes in flight (at most "
                            + bulkhead.getBulkheadConfig().getMaxConcurrentCalls() + "); retry shortly");
            metrics.rejected(e.reason());
            metrics.mutation(mutation.action(), "REJECTED", System.nanoTime() - start);
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<LikeResult> result;
        try {
            result = admit(mutation).thenCompose(ok -> delegate().apply(mutation));
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        return result.whenComplete((r, failure) -> {
            bulkhead.onComplete();
            String status = r != null ? r.status().name() : statusOf(failure);
            metrics.mutation(mutation.action(), status, System.nanoTime() - start);
        });
    }

    private static String statusOf(Throwable failure) {
        Throwable cause = Futures.unwrap(failure);
        return cause instanceof LikeRejectedException ? "REJECTED" : cause instanceof LikeTimeoutException ? "TIMED_OUT"
                : "FAILED";
    }

    private CompletableFuture<Void> admit(LikeMutation mutation) {
        RateLimit limit = rateLimit;
        if (limit == null) {
            return CompletableFuture.completedFuture(null);
        }
        return limit.acquire(mutation.userId()).toCompletableFuture().thenApply(wait -> {
            if (!wait.isZero()) {
                metrics.rejected(LikeRejectedException.Reason.RATE_LIMITED);
                throw new CompletionException(new LikeRejectedException(LikeRejectedException.Reason.RATE_LIMITED,
                        wait, "user " + mutation.userId() + " is over their rate limit; retry after "
                                + wait.toMillis() + " ms"));
            }
            return null;
        });
    }

    /**
     * Refuses new likes and unlikes, and waits up to {@code timeout} for those in flight to end.
     *
     * @return true if none was left in flight
     */
    boolean drain(Duration timeout) {
        closing = true;
        int max = bulkhead.getBulkheadConfig().getMaxConcurrentCalls();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (bulkhead.getMetrics().getAvailableConcurrentCalls() < max) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
