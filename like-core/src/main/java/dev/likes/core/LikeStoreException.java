package dev.likes.core;

import org.jspecify.annotations.Nullable;

/** A {@link LikeStore} could not do what was asked: its backend is unreachable, timed out or failed. */
public class LikeStoreException extends LikeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed; never include credentials
     * @param cause the underlying failure, or {@code null}
     */
    public LikeStoreException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
