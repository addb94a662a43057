package dev.likes.redis;

import dev.likes.core.internal.Args;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * A per-user rate limit kept in Redis, so it holds across every process of the app: a token bucket per user, refilled
 * at a steady rate up to a burst size, taken from by one Lua script (atomic, one round trip). A bot that clicks like
 * faster than the rate is refused after its burst, whichever process its requests reach.
 *
 * <p>Created over a {@link RedisLikeStore} with {@link #on}, sharing its connection, timeout and key prefix (bucket
 * keys are {@code P:rl:{u:ID}}, expiring once full again). Thread-safe; never blocks.
 */
public final class RedisRateLimiter {

    private final Redis redis;
    private final Keys keys;
    private final String rate;
    private final String burst;
    private final Redis.Script script = Redis.Script.load("rate-limit", ScriptOutputType.INTEGER);

    private RedisRateLimiter(Redis redis, Keys keys, double perSecond, int burst) {
        this.redis = redis;
        this.keys = keys;
        this.rate = Double.toString(perSecond);
        this.burst = Integer.toString(burst);
    }

    /**
     * A limiter that lets each user make {@code perSecond} calls a second on average, and up to {@code burst} at once.
     *
     * @param store the store whose connection, timeout and key prefix it uses
     * @param perSecond the refill rate, greater than 0 and at most 1,000,000
     * @param burst the bucket size, 1 to 1,000,000
     * @return the limiter
     */
    public static RedisRateLimiter on(RedisLikeStore store, double perSecond, int burst) {
        Args.notNull("store", store);
        if (!(perSecond > 0 && perSecond <= 1_000_000)) {
            throw new IllegalArgumentException("perSecond must be greater than 0 and at most 1000000, but was " + perSecond);
        }
        Args.between("burst", burst, 1, 1_000_000);
        return new RedisRateLimiter(store.redis(), store.keys(), perSecond, burst);
    }

    /**
     * Takes one call from {@code userId}'s bucket.
     *
     * @param userId the user, greater than 0
     * @return {@link Duration#ZERO} if the call may go ahead, else how long until it could; fails with a
     *     {@code LikeStoreException} when Redis does not answer
     */
    public CompletionStage<Duration> acquire(long userId) {
        if (userId <= 0) {
            throw new IllegalArgumentException("userId must be greater than 0, but was " + userId);
        }
        return redis.<Long>script(script, new String[] {keys.rateLimit(userId)}, rate, burst)
                .thenApply(wait -> wait == 0 ? Duration.ZERO : Duration.ofMillis(wait));
    }
}
