package dev.likes.core.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/** Helpers for asynchronous calls of the library's modules. Internal: not API, may change in any release. */
public final class Futures {

    private Futures() {}

    /**
     * The failure without its {@link CompletionException} and {@link ExecutionException} wrappers.
     *
     * @param failure what a stage failed with
     * @return the first cause that is neither wrapper (or the last wrapper, if it has no cause)
     */
    public static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /**
     * The call's stage, or a failed one if the call threw instead of returning a stage.
     *
     * @param call what returns the stage
     * @param <T> the stage's value type
     * @return the stage, as a {@link CompletableFuture}
     */
    public static <T> CompletableFuture<T> attempt(Supplier<? extends CompletionStage<T>> call) {
        try {
            return call.get().toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
