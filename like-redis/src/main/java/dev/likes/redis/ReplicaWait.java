package dev.likes.redis;

import dev.likes.core.LikeTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Holds a write's acknowledgement until enough replicas have it: Redis' {@code WAIT} on the store's connection, sent
 * after a script call, covers every write that connection made before it. Fewer replicas than required within the
 * timeout leave the write's fate to the next failover, so the calls end with {@link LikeTimeoutException}: applied on
 * the primary, perhaps not after a failover; a retry with the same request ID learns which.
 */
final class ReplicaWait {

    private final Redis redis;
    private final int replicas;
    private final long timeoutMillis;

    ReplicaWait(Redis redis, int replicas, Duration timeout) {
        this.redis = redis;
        this.replicas = replicas;
        this.timeoutMillis = timeout.toMillis();
    }

    /** Completes once {@code replicas} replicas hold this connection's writes so far; fails after the timeout. */
    CompletableFuture<Void> await() {
        return redis.call("WAIT", c -> c.waitForReplication(replicas, timeoutMillis)).thenApply(acknowledged -> {
            if (acknowledged < replicas) {
                throw new CompletionException(new LikeTimeoutException("Redis applied the change but only "
                        + acknowledged + " of the " + replicas + " replicas required confirmed it within "
                        + timeoutMillis + " ms; a failover may lose it: retry with the same request ID",
                        Duration.ofMillis(timeoutMillis), null));
            }
            return null;
        });
    }
}
