package dev.likes.core;

import dev.likes.core.internal.Args;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * A call did not finish within its time: the service's {@linkplain LikeService.Builder#callTimeout call timeout}, or a
 * store's own timeout for one command. Unlike other {@link LikeStoreException}s, the outcome of a timed-out like or
 * unlike is <em>unknown</em>: the store may have applied it, or may still apply it (a command already sent to a slow
 * server runs when the server gets to it). Retry with the same request ID to learn the outcome without applying the
 * change twice; without a request ID, read the state ({@link LikeService#hasLiked}) before retrying.
 */
public class LikeTimeoutException extends LikeStoreException {

    private static final long serialVersionUID = 1L;

    private final transient Duration timeout;

    /**
     * Creates the exception.
     *
     * @param message what timed out; never include credentials
     * @param timeout the time the call was given; never null
     * @param cause the underlying failure, or {@code null}
     */
    public LikeTimeoutException(String message, Duration timeout, @Nullable Throwable cause) {
        super(message, cause);
        this.timeout = Args.notNull("timeout", timeout);
    }

    /**
     * The time the call was given.
     *
     * @return the timeout, or {@code null} after deserialization
     */
    public Duration timeout() {
        return timeout;
    }
}
