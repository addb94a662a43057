package dev.likes.redis;

import dev.likes.core.LikeRejectedException;
import dev.likes.core.internal.Args;
import io.lettuce.core.RedisClient;
import io.lettuce.core.cluster.RedisClusterClient;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The settings of {@link RedisLikeStore.Builder} for the key layout and the write path: the key prefix, the shards,
 * the status buckets, the request IDs and the group commit. Its public setters are {@link RedisLikeStore.Builder}'s.
 */
abstract sealed class RedisLayoutSettings extends RedisConnectionSettings permits RedisCacheSettings {

    String keyPrefix = RedisLikeStore.DEFAULT_KEY_PREFIX;
    int shards = RedisLikeStore.DEFAULT_SHARDS;
    long maxRequestIds = RedisLikeStore.DEFAULT_MAX_REQUEST_IDS;
    int listpackEntries;
    Duration requestIdTtl = RedisLikeStore.DEFAULT_REQUEST_ID_TTL;
    int maxBatchSize = RedisLikeStore.DEFAULT_MAX_BATCH_SIZE;
    int maxQueuedPerShard = RedisLikeStore.DEFAULT_MAX_QUEUED_PER_SHARD;

    RedisLayoutSettings(@Nullable RedisClient client, @Nullable RedisClusterClient clusterClient) {
        super(client, clusterClient);
    }

    /**
     * The first part of every key, so several apps can share one Redis. Default {@value RedisLikeStore#DEFAULT_KEY_PREFIX}.
     *
     * @param prefix 1 to 40 characters of {@code [A-Za-z0-9_.:-]} (no braces: they would change the hash slot)
     * @return this builder
     */
    public RedisLikeStore.Builder keyPrefix(String prefix) {
        this.keyPrefix = Args.matches("keyPrefix", prefix, "[A-Za-z0-9_.:-]{1,40}", "1 to 40 characters of [A-Za-z0-9_.:-]");
        return self();
    }

    /**
     * How many shards the contents are spread over. A shard is the unit of group commit (one script call applies
     * likes of many contents of one shard), of the outbox (one stream per shard) and of the request IDs; on a
     * cluster the shards' hash tags spread them over the nodes, so use several per node. Part of the key layout:
     * every process sharing the key prefix must use the same number, and changing it later hides the data written
     * before. Default {@value RedisLikeStore#DEFAULT_SHARDS}.
     *
     * @param shards 1 to 16,384
     * @return this builder
     */
    public RedisLikeStore.Builder shards(int shards) {
        this.shards = Args.between("shards", shards, 1, 16_384);
        return self();
    }

    /**
     * The servers' {@code hash-max-listpack-entries}, which sizes the status buckets: a content's likers are spread
     * over buckets of about 5/16 of it on average (40 users for the 128 of redis.conf, at most 160), so that each
     * stays a compact listpack. By default the store reads it with {@code CONFIG GET} when it is built (the
     * smallest of a cluster's nodes) and assumes 128 when the server refuses, as some managed services do; set it
     * for such a service. Every store on one Redis should see the same value; a different one changes only when
     * buckets split.
     *
     * @param entries the setting's value, between 16 and 1,000,000
     * @return this builder
     */
    public RedisLikeStore.Builder hashMaxListpackEntries(int entries) {
        this.listpackEntries = Args.between("hashMaxListpackEntries", entries, 16, 1_000_000);
        return self();
    }

    /**
     * The most request IDs one shard remembers: beyond it the oldest are forgotten before their TTL (half of them
     * at a time), so that memory stays bounded whatever the request rate (an ID costs about 110 B). Default
     * {@value RedisLikeStore#DEFAULT_MAX_REQUEST_IDS}.
     *
     * @param max at least 1,000
     * @return this builder
     */
    public RedisLikeStore.Builder maxRequestIds(long max) {
        if (max < 1_000) {
            throw new IllegalArgumentException("maxRequestIds must be at least 1000, but was " + max);
        }
        this.maxRequestIds = max;
        return self();
    }

    /**
     * How long a (user, content, request ID) is remembered. Default {@link RedisLikeStore#DEFAULT_REQUEST_ID_TTL}.
     *
     * @param ttl at least one millisecond
     * @return this builder
     */
    public RedisLikeStore.Builder requestIdTtl(Duration ttl) {
        this.requestIdTtl = Args.atLeast("requestIdTtl", ttl, Duration.ofMillis(1));
        return self();
    }

    /**
     * The most mutations of one shard that one script call applies. Default {@link RedisLikeStore#DEFAULT_MAX_BATCH_SIZE}.
     *
     * @param size 1 (no group commit) to 1,000
     * @return this builder
     */
    public RedisLikeStore.Builder maxBatchSize(int size) {
        this.maxBatchSize = Args.between("maxBatchSize", size, 1, 1_000);
        return self();
    }

    /**
     * The most likes and unlikes of one shard that wait for its next script call. One more fails at once with
     * {@link LikeRejectedException} ({@code OVERLOADED}), with nothing written, instead of waiting
     * longer than a caller would. Default {@link RedisLikeStore#DEFAULT_MAX_QUEUED_PER_SHARD}.
     *
     * @param max 1 to 10,000,000
     * @return this builder
     */
    public RedisLikeStore.Builder maxQueuedPerShard(int max) {
        this.maxQueuedPerShard = Args.between("maxQueuedPerShard", max, 1, 10_000_000);
        return self();
    }
}
