package dev.likes.events;

import org.jspecify.annotations.Nullable;

/** A record is not a like event this library can read: not JSON, a field missing or invalid, or an unknown version. */
public class LikeEventFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong with the record
     * @param cause the underlying failure, or {@code null}
     */
    public LikeEventFormatException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
