package dev.likes.redis;

import dev.likes.core.LikeStoreException;

/**
 * The {@linkplain RedisLikeStore.Builder#backingStore backing store} failed, or did not answer within the load
 * timeout, while the Redis store read a content it had to load: Redis itself may be well. A caller that protects
 * Redis with a circuit breaker should not count this failure against Redis. Nothing was written by the call that
 * fails with it.
 */
public class BackingStoreException extends LikeStoreException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed; never include credentials
     * @param cause the backing store's failure, or {@code null}
     */
    public BackingStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
