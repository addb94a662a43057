package dev.likes.core;

import dev.likes.core.internal.Futures;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The call timeout of a {@link LikeService}: a stage without a result in time ends with a
 * {@link LikeTimeoutException}.
 */
final class CallDeadline {

    private final Duration callTimeout;
    private final long callTimeoutMillis;

    CallDeadline(Duration callTimeout) {
        this.callTimeout = callTimeout;
        this.callTimeoutMillis = callTimeout.toMillis();
    }

    long millis() {
        return callTimeoutMillis;
    }

    /**
     * The stage, ended by a {@link LikeTimeoutException} if it has no result within the call timeout. The store's own
     * future is left alone: the timeout completes a copy.
     */
    <T> CompletionStage<T> within(CompletionStage<T> stage, Supplier<String> what) {
        CompletableFuture<T> future = stage.toCompletableFuture();
        if (future.isDone()) {
            return future;
        }
        return future.copy().orTimeout(callTimeoutMillis, TimeUnit.MILLISECONDS).handle((value, failure) -> {
            if (failure == null) {
                return value;
            }
            Throwable cause = Futures.unwrap(failure);
            if (cause instanceof TimeoutException) {
                throw new LikeTimeoutException(what.get(), callTimeout, null);
            }
            throw failure instanceof CompletionException c ? c : new CompletionException(cause);
        });
    }

    <T> CompletionStage<T> within(CompletionStage<T> stage, String operation) {
        return within(stage, () -> operation + " had no answer within " + callTimeoutMillis + " ms");
    }
}
