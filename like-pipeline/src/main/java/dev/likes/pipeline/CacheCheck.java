package dev.likes.pipeline;

import dev.likes.core.ContentRef;
import dev.likes.jdbc.LikeCountReconciler;
import dev.likes.pipeline.LikeReconciler.CacheDrift;
import dev.likes.redis.RedisLikeStore;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;
import org.jspecify.annotations.Nullable;

/**
 * How the {@link LikeReconciler} compares what Redis holds of a content with MySQL: the count with the live records
 * of every primary, and for contents of at most {@code deepLimit} likers the users themselves.
 */
final class CacheCheck {

    private final RedisLikeStore redis;
    private final List<Jdbi> primaries;
    private final int deepLimit;

    CacheCheck(RedisLikeStore redis, List<Jdbi> primaries, int deepLimit) {
        this.redis = redis;
        this.primaries = primaries;
        this.deepLimit = deepLimit;
    }

    /** The content's drift, evicted from Redis if {@code repair}; null when Redis holds nothing of it or agrees. */
    @Nullable CacheDrift compare(ContentRef content, boolean repair) {
        OptionalLong cached = redis.policy().cachedCount(content).toCompletableFuture().join();
        if (cached.isEmpty()) {
            return null; // Redis holds nothing of it: nothing can drift
        }
        long mysql = 0;
        for (Jdbi jdbi : primaries) {
            mysql += new LikeCountReconciler(jdbi).liveRecords(content);
        }
        int differing = 0;
        if (cached.getAsLong() == mysql && mysql <= deepLimit) {
            Set<Long> inRedis = redis.policy().cachedLikers(content).toCompletableFuture().join();
            if (inRedis != null) {
                Set<Long> inMysql = new HashSet<>();
                for (Jdbi jdbi : primaries) {
                    inMysql.addAll(jdbi.withHandle(h -> h.createQuery("SELECT user_id FROM like_records"
                                    + " WHERE content_id = ? AND content_type = ? AND is_canceled = 0"
                                    + " UNION ALL SELECT user_id FROM like_records_archive"
                                    + " WHERE content_id = ? AND content_type = ? AND is_canceled = 0")
                            .bind(0, content.id())
                            .bind(1, content.type())
                            .bind(2, content.id())
                            .bind(3, content.type())
                            .mapTo(Long.class)
                            .list()));
                }
                Set<Long> onlyRedis = new HashSet<>(inRedis);
                onlyRedis.removeAll(inMysql);
                inMysql.removeAll(inRedis);
                differing = onlyRedis.size() + inMysql.size();
            }
        }
        if (cached.getAsLong() == mysql && differing == 0) {
            return null;
        }
        boolean evicted = repair && redis.policy().evict(content).toCompletableFuture().join();
        return new CacheDrift(content, cached.getAsLong(), mysql, differing, evicted);
    }
}
