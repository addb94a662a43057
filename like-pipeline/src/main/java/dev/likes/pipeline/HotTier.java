package dev.likes.pipeline;

import dev.likes.core.ContentRef;
import dev.likes.redis.RedisLikeStore;
import dev.likes.redis.RedisStorePolicy;
import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;

/**
 * What the degraded mode asks of the hot tier beyond its {@code LikeStore} calls: the counts this process last saw,
 * and whether the tier holds a request ID. On Redis, its store's {@link RedisStorePolicy}.
 */
interface HotTier {

    /** The count this process last saw for the content, if it remembers one; never a call to a server. */
    OptionalLong localCount(ContentRef content);

    /** Whether the tier holds the request ID (it was used), also for a content the tier no longer holds. */
    CompletionStage<Boolean> requestSeen(long userId, ContentRef content, String requestId);

    /** The Redis store's. */
    static HotTier of(RedisLikeStore redis) {
        RedisStorePolicy policy = redis.policy();
        return new HotTier() {
            @Override
            public OptionalLong localCount(ContentRef content) {
                return policy.localCount(content);
            }

            @Override
            public CompletionStage<Boolean> requestSeen(long userId, ContentRef content, String requestId) {
                return policy.requestSeen(userId, content, requestId);
            }
        };
    }
}
