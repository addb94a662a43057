package dev.likes.core;

import org.jspecify.annotations.Nullable;

/** The base of the exceptions this library throws for failures that are not caused by bad arguments. */
public class LikeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed
     * @param cause the underlying failure, or {@code null}
     */
    public LikeException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
