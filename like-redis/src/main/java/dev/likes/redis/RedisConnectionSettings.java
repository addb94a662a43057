package dev.likes.redis;

import dev.likes.core.internal.Args;
import dev.likes.redis.RedisLikeStore.SettingsCheck;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.resource.ClientResources;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The settings of {@link RedisLikeStore.Builder} for the connection, the key layout and the write path. Its public
 * setters are {@link RedisLikeStore.Builder}'s.
 */
abstract sealed class RedisConnectionSettings permits RedisCacheSettings {

    final @Nullable RedisClient client;
    final @Nullable RedisClusterClient clusterClient;
    @Nullable RedisURI uri;
    @Nullable ClientResources clientResources;
    @Nullable ClientOptions clientOptions;
    String keyPrefix = RedisLikeStore.DEFAULT_KEY_PREFIX;
    int shards = RedisLikeStore.DEFAULT_SHARDS;
    long maxRequestIds = RedisLikeStore.DEFAULT_MAX_REQUEST_IDS;
    int listpackEntries;
    Duration requestIdTtl = RedisLikeStore.DEFAULT_REQUEST_ID_TTL;
    Duration commandTimeout = RedisLikeStore.DEFAULT_COMMAND_TIMEOUT;
    int maxBatchSize = RedisLikeStore.DEFAULT_MAX_BATCH_SIZE;
    int maxQueuedPerShard = RedisLikeStore.DEFAULT_MAX_QUEUED_PER_SHARD;
    int waitReplicas;
    Duration waitTimeout = Duration.ZERO;
    SettingsCheck settingsCheck = SettingsCheck.REFUSE;
    @Nullable MeterRegistry meterRegistry;
    Iterable<Tag> meterTags = List.of();

    RedisConnectionSettings(@Nullable RedisClient client, @Nullable RedisClusterClient clusterClient) {
        this.client = client;
        this.clusterClient = clusterClient;
    }

    /* The hierarchy is sealed down to RedisLikeStore.Builder: every instance is one. */
    final RedisLikeStore.Builder self() {
        return (RedisLikeStore.Builder) this;
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
     * The event loops and timers of the client this store creates from its URI, such as the host's Lettuce
     * {@code ClientResources}: the store then adds no threads of its own, and leaves the resources running on
     * {@link RedisLikeStore#close()}. Only for {@link RedisLikeStore#builder(RedisURI)}.
     *
     * @param resources the host's resources
     * @return this builder
     */
    public RedisLikeStore.Builder clientResources(ClientResources resources) {
        this.clientResources = Args.notNull("clientResources", resources);
        return self();
    }

    /**
     * The options of the client this store creates from its URI, such as the host client's (TLS, socket and
     * protocol settings). Two are always the store's: commands are refused at once while disconnected, and time
     * out after {@link #commandTimeout}, so that a Redis outage fails calls fast instead of queueing them. Only
     * for {@link RedisLikeStore#builder(RedisURI)}.
     *
     * @param options the options to start from
     * @return this builder
     */
    public RedisLikeStore.Builder clientOptions(ClientOptions options) {
        this.clientOptions = Args.notNull("clientOptions", options);
        return self();
    }

    /**
     * How long one Redis call may take before it fails. Default {@link RedisLikeStore#DEFAULT_COMMAND_TIMEOUT}.
     *
     * @param timeout at least one millisecond
     * @return this builder
     */
    public RedisLikeStore.Builder commandTimeout(Duration timeout) {
        this.commandTimeout = Args.atLeast("commandTimeout", timeout, Duration.ofMillis(1));
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
     * {@link dev.likes.core.LikeRejectedException} ({@code OVERLOADED}), with nothing written, instead of waiting
     * longer than a caller would. Default {@link RedisLikeStore#DEFAULT_MAX_QUEUED_PER_SHARD}.
     *
     * @param max 1 to 10,000,000
     * @return this builder
     */
    public RedisLikeStore.Builder maxQueuedPerShard(int max) {
        this.maxQueuedPerShard = Args.between("maxQueuedPerShard", max, 1, 10_000_000);
        return self();
    }

    /**
     * Acknowledges a write only once {@code replicas} replicas of the Redis primary hold it (Redis' {@code WAIT},
     * after each script call), so that a like survives the loss of the primary and the promotion of a replica.
     * If fewer replicas confirm within {@code timeout}, the calls of that write end with
     * {@link dev.likes.core.LikeTimeoutException}: the primary applied them, a failover may lose them, and a retry
     * with the same request ID learns which; their events are left to the outbox sweeper, which relays them only
     * if the primary still holds them after the grace period. {@code WAIT} holds the store's connection until the
     * replicas answer, so every call on this store pays a replication round trip. With replicas required, the
     * {@link #settingsCheck} asks for that many connected replicas instead of {@code appendfsync always}. Only on
     * a standalone Redis. Off by default.
     *
     * @param replicas 1 to 64
     * @param timeout at least one millisecond, shorter than the {@link #commandTimeout}
     * @return this builder
     */
    public RedisLikeStore.Builder replicaAcknowledgements(int replicas, Duration timeout) {
        this.waitReplicas = Args.between("replicas", replicas, 1, 64);
        this.waitTimeout = Args.atLeast("timeout", timeout, Duration.ofMillis(1));
        return self();
    }

    /**
     * What {@link RedisLikeStore.Builder#build()} does if Redis' settings cannot keep what the store acknowledges. Checked when the
     * store is Redis as the truth (no backing store) or has an {@link RedisLikeStore.Builder#outbox}: on every node (every master of a
     * cluster), {@code maxmemory-policy} must be {@code noeviction} whenever {@code maxmemory} is set (otherwise
     * Redis evicts outbox entries and request IDs under memory pressure), and {@code appendonly yes} with
     * {@code appendfsync always} (otherwise a crash of Redis loses acknowledged likes), or, with
     * {@link #replicaAcknowledgements}, at least that many connected replicas. A Redis that refuses
     * {@code CONFIG GET} (some managed services) counts as failing the check. Default
     * {@link SettingsCheck#REFUSE}.
     *
     * @param check what to do
     * @return this builder
     */
    public RedisLikeStore.Builder settingsCheck(SettingsCheck check) {
        this.settingsCheck = Args.notNull("settingsCheck", check);
        return self();
    }

    /**
     * Registers this store's meters on a Micrometer registry (Micrometer is an optional dependency: needed only
     * when this is called), and removes them when the store closes: {@code likes.local.cache.requests} (function
     * counter; tag {@code result}: hit, miss), {@code likes.backing.store.loads} (function counter), and with an
     * outbox {@code likes.outbox.relayed} (function counter; tag {@code path}: fast, sweeper),
     * {@code likes.outbox.failures} (function counter), {@code likes.outbox.inflight} (gauge). Two stores on one
     * registry need tags that tell them apart: see {@link #meterRegistry(MeterRegistry, Iterable)}.
     *
     * @param registry the registry
     * @return this builder
     */
    public RedisLikeStore.Builder meterRegistry(MeterRegistry registry) {
        return meterRegistry(registry, List.of());
    }

    /**
     * As {@link #meterRegistry(MeterRegistry)}, with tags added to every meter of this store.
     *
     * @param registry the registry
     * @param tags the tags, e.g. {@code Tags.of("store", "feed")}
     * @return this builder
     */
    public RedisLikeStore.Builder meterRegistry(MeterRegistry registry, Iterable<Tag> tags) {
        this.meterRegistry = Objects.requireNonNull(registry, "meterRegistry must not be null");
        this.meterTags = Objects.requireNonNull(tags, "tags must not be null");
        return self();
    }
}
